"""Freezing a round's rules: one revision of each document, the official checker's ruleset
and its RCP set, bound once and never changed (the database refuses updates too). What
changes for the round afterwards is recorded as exceptions."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit import audit_record
from core.errors import DomainError, InvalidTransition, PermissionDenied
from core.timezones import to_wg_time
from roadmap.models import (
    FrozenRuleRevision,
    RevisionStatus,
    Round,
    RoundRuleFreeze,
    RoundStatus,
    RuleDocument,
    RuleRevision,
)
from roadmap.permissions import can_freeze_rules
from roadmap.rulesets import checker_version, known_rulesets, rcp_set


def freeze_is_final(freeze: RoundRuleFreeze) -> str:
    """Why a frozen binding cannot be changed, for every interface that is asked to."""
    who = freeze.frozen_by.get_full_name() or freeze.frozen_by.username if freeze.frozen_by else ""
    return (
        f"The rules of {freeze.round.name} were frozen on "
        f"{to_wg_time(freeze.frozen_at):%Y-%m-%d %H:%M %Z}{f' by {who}' if who else ''} "
        f"(ruleset {freeze.ruleset}); a freeze never changes. A later rule applies to the "
        "round only through an exception granted by a decision."
    )


def check_ruleset(ruleset: str) -> str:
    ruleset = ruleset.strip()
    if ruleset not in known_rulesets():
        raise DomainError(
            f"Ruleset {ruleset!r} is not shipped by the installed mlperf-logging "
            f"{checker_version()}: it has {', '.join(sorted(known_rulesets(), key=_version))}."
        )
    return ruleset


def _version(ruleset: str) -> tuple[int, ...]:
    return tuple(int(p) for p in ruleset.split("."))


def rule_freeze_create(
    *,
    actor: Any,
    round: Round,
    ruleset: str | None = None,
    revisions: dict[str, int] | None = None,
    note: str = "",
) -> RoundRuleFreeze:
    """Bind ``round`` to one published revision of every rule document (``revisions`` maps a
    document's slug to a revision number; the others get their latest), to ``ruleset``
    (default: the round's) and to that ruleset's RCP set. Refused when the round is frozen
    already, cancelled, or the ruleset is not installed."""
    if not can_freeze_rules(actor):
        raise PermissionDenied("Only the working-group chairs freeze a round's rules.")
    ruleset = check_ruleset(ruleset or round.ruleset)
    revisions = dict(revisions or {})
    documents = {d.slug: d for d in RuleDocument.objects.all()}
    unknown = sorted(set(revisions) - set(documents))
    if unknown:
        raise DomainError(f"There is no rule document {', '.join(map(repr, unknown))}.")
    rcp = rcp_set(ruleset)
    try:
        with transaction.atomic():
            locked = Round.objects.select_for_update().get(pk=round.pk)
            existing = RoundRuleFreeze.objects.filter(round=locked).first()
            if existing is not None:
                raise InvalidTransition(freeze_is_final(existing))
            if locked.status == RoundStatus.CANCELLED:
                raise DomainError(f"{locked.name} is cancelled: its rules are not frozen.")
            bound = _bound_revisions(documents, revisions)
            freeze = RoundRuleFreeze.objects.create(
                round=locked,
                ruleset=ruleset,
                rcp_set=rcp.name if rcp else "",
                rcp_digest=rcp.digest if rcp else "",
                rcp_benchmarks=list(rcp.benchmarks) if rcp else [],
                checker_version=checker_version(),
                frozen_by=actor if getattr(actor, "is_authenticated", False) else None,
                frozen_at=timezone.now(),
                note=note.strip(),
            )
            FrozenRuleRevision.objects.bulk_create(
                FrozenRuleRevision(freeze=freeze, document=r.document, revision=r) for r in bound
            )
            audit_record(
                actor=actor,
                action="round.rules_freeze",
                obj=locked,
                after={
                    "ruleset": ruleset,
                    "rcp_set": freeze.rcp_set,
                    "rcp_digest": freeze.rcp_digest,
                    "revisions": {r.document.slug: r.number for r in bound},
                },
                reason=note,
            )
    except IntegrityError:
        # Another chair froze it between our check and our insert (the round is one-to-one).
        raise InvalidTransition(freeze_is_final(RoundRuleFreeze.objects.get(round=round))) from None
    return freeze


def _bound_revisions(
    documents: dict[str, RuleDocument], chosen: dict[str, int]
) -> list[RuleRevision]:
    published = RuleRevision.objects.filter(status=RevisionStatus.PUBLISHED).select_related(
        "document"
    )
    by_document: dict[str, dict[int, RuleRevision]] = {}
    for revision in published:
        by_document.setdefault(revision.document.slug, {})[revision.number] = revision  # type: ignore[index]
    if not by_document:
        raise DomainError(
            "There are no published rules to freeze: import the rule documents first."
        )
    bound = []
    for slug in sorted(by_document):
        numbers = by_document[slug]
        number = chosen.get(slug, max(numbers))
        if number not in numbers:
            raise DomainError(
                f"“{documents[slug]}” has no published revision {number} "
                f"(it has {', '.join(map(str, sorted(numbers)))})."
            )
        bound.append(numbers[number])
    missing = sorted(set(chosen) - set(by_document))
    if missing:
        raise DomainError(f"{', '.join(missing)}: no published revision to freeze.")
    return bound


def rule_freeze_change(*, actor: Any, round: Round) -> None:
    """Every request to change a frozen binding ends here, with the reason."""
    if not can_freeze_rules(actor):
        raise PermissionDenied("Only the working-group chairs freeze a round's rules.")
    freeze = (
        RoundRuleFreeze.objects.filter(round=round).select_related("round", "frozen_by").first()
    )
    if freeze is None:
        raise DomainError(f"The rules of {round.name} are not frozen yet: freeze them instead.")
    raise InvalidTransition(freeze_is_final(freeze))
