"""Signed unsubscribe tokens: the link in a message stops one kind for one person, without a
login. Signed, not stored; they do not expire, as a mail client may open the link years later."""

from __future__ import annotations

from django.core import signing

_SALT = "wg.notifications.unsubscribe"


def unsubscribe_token(*, person_id: int, kind: str) -> str:
    return signing.dumps({"p": person_id, "k": kind}, salt=_SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[int, str] | None:
    """The (person id, kind) a token names, or None when it was not signed by this service."""
    try:
        data = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("p"), int):
        return None
    return data["p"], str(data.get("k", ""))
