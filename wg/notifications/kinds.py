"""The kinds of notification. Each app registers its own at import, next to the code that
sends them, so this layer never spells another app's events."""

from __future__ import annotations

from dataclasses import dataclass

from wg.models import Delivery


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    description: str = ""
    # Transactional messages (an invitation, a password reset) are always sent at once and
    # carry no unsubscribe link: the person asked for them.
    configurable: bool = True
    default: Delivery = Delivery.IMMEDIATELY


_KINDS: dict[str, Kind] = {}


def kind_register(
    code: str,
    label: str,
    description: str = "",
    *,
    configurable: bool = True,
    default: Delivery = Delivery.IMMEDIATELY,
) -> Kind:
    """Declare a kind (idempotent: a module imported twice registers the same kind)."""
    kind = Kind(code, label, description, configurable, default)
    existing = _KINDS.get(code)
    if existing is not None and existing != kind:
        raise ValueError(f"notification kind {code!r} is registered twice, differently")
    _KINDS[code] = kind
    return kind


def kind_get(code: str) -> Kind:
    try:
        return _KINDS[code]
    except KeyError:
        raise ValueError(f"unknown notification kind {code!r}: register it first") from None


def kinds_configurable() -> list[Kind]:
    return sorted((k for k in _KINDS.values() if k.configurable), key=lambda k: k.label)


INVITATION = kind_register("wg.invitation", "Invitations", configurable=False)
PASSWORD_RESET = kind_register("wg.password_reset", "Password resets", configurable=False)
DIGEST = kind_register("wg.digest", "Daily digest", configurable=False)
ANNOUNCEMENT = kind_register("wg.announcement", "Mailing-list announcements", configurable=False)
ROLES = kind_register(
    "wg.roles", "Your roles", "A role was granted to you or ended in the working group."
)
