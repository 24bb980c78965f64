"""Base errors that services raise and interfaces translate (form errors, HTTP 4xx)."""


class DomainError(Exception):
    """A business rule refused the request; the message says why, for the user."""


class PermissionDenied(DomainError):
    """The actor may not do this."""


class NotFound(DomainError):
    """The object does not exist, or its existence is confidential to this actor."""


class InvalidTransition(DomainError):
    """A state change that the object's lifecycle does not allow from its current state."""
