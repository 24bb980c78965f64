from core.errors import DomainError


class UploadRefused(DomainError):
    """The upload was not accepted; nothing already stored was changed."""
