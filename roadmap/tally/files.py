"""Tally files: a vote written down as YAML, so a chair can recount it anywhere.

```yaml
method: majority            # majority, two_thirds or condorcet
options: [yes, no]          # majority and two_thirds: exactly two, the proposal first
organizations:
  - {slug: acme}
  - {slug: acme-labs, parent: acme}
quorum: 0.5                 # optional, a fraction of the electorate
seed: 2026                  # optional, draws a tie
ballots:                    # in the order cast
  - {org: acme-labs, person: ada, choice: yes}
  - {org: beta, person: bo, ranking: [b, a]}
  - {org: gamma, person: cy, recuse: true}
```
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

from roadmap.tally.engine import BallotIn, Election, OrganizationIn, TallyError

_TOP_KEYS = {"method", "options", "organizations", "quorum", "seed", "ballots"}
_ORG_KEYS = {"slug", "parent"}
_BALLOT_KEYS = {"org", "person", "choice", "ranking", "recuse"}
# YAML 1.1's words for booleans, as PyYAML reads them.
_TRUE = {"true", "yes", "on"}
_FALSE = {"false", "no", "off"}


def read_election(path: Path) -> Election:
    """Read and check a tally file; a :class:`TallyError` names the file and the problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TallyError(f"{path}: cannot be read ({exc})") from None
    try:
        # BaseLoader keeps every scalar a string ("yes" stays "yes", not True): options and
        # choices are names, and numbers are converted below where a number is meant.
        doc = yaml.load(text, Loader=yaml.BaseLoader)  # builds no objects, only strings
        # The seed and the quorum keep the types YAML gives them (42 and "42" seed differently).
        typed = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise TallyError(f"{path}: not valid YAML ({exc})") from None
    try:
        return election_from_mapping(doc, typed=typed)
    except TallyError as exc:
        raise TallyError(f"{path}: {exc}") from None


def election_from_mapping(doc: Any, *, typed: Any = None) -> Election:
    """Build an :class:`Election` from the file parsed by YAML's base loader (every scalar a
    string); ``typed`` is the same file parsed with YAML's types, for the seed and quorum."""
    if not isinstance(doc, dict):
        raise TallyError("expected a mapping with method, options, organizations and ballots")
    _no_unknown_keys("", doc, _TOP_KEYS)
    typed = typed if isinstance(typed, dict) else doc
    for key in ("method", "options", "organizations"):
        if key not in doc:
            raise TallyError(f"{key}: missing")
    options = _string_list("options", doc["options"])
    organizations = _list("organizations", doc["organizations"])
    ballots = _list("ballots", doc.get("ballots") or [])
    return Election(
        method=_string("method", doc["method"]),
        options=tuple(options),
        organizations=tuple(
            _organization(f"organizations[{i}]", o) for i, o in enumerate(organizations)
        ),
        ballots=tuple(_ballot(f"ballots[{i}]", b) for i, b in enumerate(ballots)),
        quorum=_fraction(typed.get("quorum", doc.get("quorum"))) if "quorum" in doc else None,
        seed=_seed(typed.get("seed", doc.get("seed"))) if "seed" in doc else None,
    )


def _organization(where: str, item: Any) -> OrganizationIn:
    if not isinstance(item, dict):
        raise TallyError(f"{where}: expected a mapping like {{slug: acme, parent: acme-group}}")
    _no_unknown_keys(where, item, _ORG_KEYS)
    parent = item.get("parent")
    return OrganizationIn(
        slug=_string(f"{where}.slug", item.get("slug")),
        parent=None if parent in (None, "", "null", "~") else _string(f"{where}.parent", parent),
    )


def _ballot(where: str, item: Any) -> BallotIn:
    if not isinstance(item, dict):
        raise TallyError(
            f"{where}: expected a mapping like {{org: acme, person: ada, choice: yes}}"
        )
    _no_unknown_keys(where, item, _BALLOT_KEYS)
    recuse = str(item.get("recuse", "false")).lower()
    if recuse not in _TRUE | _FALSE:
        raise TallyError(f"{where}: recuse is true or false, not {item.get('recuse')!r}")
    ranking = item.get("ranking")
    return BallotIn(
        org=_string(f"{where}.org", item.get("org")),
        person=_string(f"{where}.person", item.get("person")),
        choice=_string(f"{where}.choice", item["choice"]) if "choice" in item else None,
        ranking=tuple(_string_list(f"{where}.ranking", ranking)) if ranking is not None else None,
        recuse=recuse in _TRUE,
    )


def _no_unknown_keys(where: str, item: dict[str, Any], known: set[str]) -> None:
    unknown = sorted(set(item) - known)
    if unknown:
        prefix = f"{where}: " if where else ""
        raise TallyError(
            f"{prefix}unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(known))})"
        )


def _string(where: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise TallyError(f"{where}: expected a name, got {value!r}")
    return value


def _list(where: str, value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise TallyError(f"{where}: expected a list")
    return value


def _string_list(where: str, value: Any) -> list[str]:
    return [_string(f"{where}[{i}]", v) for i, v in enumerate(_list(where, value))]


def _fraction(value: Any) -> Fraction | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise TallyError(f"quorum: {value!r} is not a number (e.g. 0.5 or 2/3)")
    try:
        # Through its text, so 0.1 is one tenth exactly and not the nearest binary float.
        fraction = Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        raise TallyError(f"quorum: {value!r} is not a number (e.g. 0.5 or 2/3)") from None
    if not 0 <= fraction <= 1:
        raise TallyError(f"quorum: {value} is not a fraction between 0 and 1")
    return fraction


def _seed(value: Any) -> int | float | str | None:
    """The seed as YAML types it, passed to ``random.Random`` unchanged."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise TallyError(f"seed: {value!r} is not a number or a string")
    return value
