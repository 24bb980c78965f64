"""Errors of the rules engine; their messages are for the chair who imported the document."""

from core.errors import DomainError


class RulesError(DomainError):
    """A rule document could not be processed; the message says what and where."""


class RenderError(RulesError):
    """The document could not be rendered to HTML (renderer missing, failed or too slow)."""
