"""The exceptions register: what applies to a frozen round differently from its frozen text.

An exception names a section of the round's frozen revision (the one it changes), optionally a
benchmark of the round and a later revision whose text of that section applies, the decision
that granted it, and who asked and when. It is never edited (the database refuses updates);
a correction is another exception, granted by another decision.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.errors import DomainError, PermissionDenied
from core.timezones import to_wg_time
from roadmap.models import (
    Benchmark,
    Decision,
    DecisionMethod,
    DecisionOutcome,
    FrozenRuleRevision,
    RevisionStatus,
    Round,
    RoundRuleFreeze,
    RuleDocument,
    RuleException,
    RuleRevision,
    RuleSection,
)
from roadmap.permissions import can_grant_exception
from roadmap.services.decisions import decision_record
from wg.models import Person


def rule_exception_grant(
    *,
    actor: Any,
    round: Round,
    document: RuleDocument,
    section_anchor: str,
    text: str,
    requested_by: Person | None,
    requested_on: date | None = None,
    decision: Decision | None = None,
    decision_text: str = "",
    benchmark: Benchmark | None = None,
    later_revision: int | None = None,
) -> RuleException:
    """Record an exception for ``round``. Its decision is ``decision`` (an accepted one), or a
    new decision recorded now from ``decision_text``; without either it is refused, as it is
    for a round whose rules are not frozen or a section the frozen revision does not have."""
    if not can_grant_exception(actor):
        raise PermissionDenied("Only the working-group chairs grant exceptions.")
    if not text.strip():
        raise DomainError("Write what applies to the round instead of the frozen text.")
    if requested_by is None:
        raise DomainError("Say who asked for the exception.")
    if decision is None and not decision_text.strip():
        raise DomainError(
            "An exception needs the decision that granted it: name a decision (D-2026-004) "
            "or record the decision with it."
        )
    if decision is not None and decision.outcome != DecisionOutcome.ACCEPTED:
        raise DomainError(
            f"{decision.reference} is {decision.get_outcome_display().lower()}: an exception is "
            "granted by an accepted decision."
        )
    freeze = RoundRuleFreeze.objects.filter(round=round).first()
    if freeze is None:
        raise DomainError(
            f"The rules of {round.name} are not frozen: until they are, change the rules "
            "themselves; exceptions are for a frozen round."
        )
    binding = FrozenRuleRevision.objects.filter(freeze=freeze, document=document).first()
    if binding is None:
        raise DomainError(f"“{document}” is not among the rules frozen for {round.name}.")
    frozen = binding.revision
    section = RuleSection.objects.filter(revision=frozen, anchor=section_anchor).first()
    if section is None:
        raise DomainError(
            f"Revision {frozen.number} of “{document}”, frozen for {round.name}, has no section "
            f"{section_anchor!r}: an exception names a section of the frozen text."
        )
    if benchmark is not None and not round.benchmark_versions.filter(benchmark=benchmark).exists():
        raise DomainError(f"{benchmark.slug} is not a benchmark of {round.name}.")
    later = _later_revision(document, frozen, later_revision)
    with transaction.atomic():
        if decision is None:
            # Decisions are a public register: a members-only document's section title stays
            # out of it (the exception itself is shown only to who may read the document).
            about = section.title if document.public else "a section of the members-only rules"
            decision = decision_record(
                actor=actor,
                outcome=DecisionOutcome.ACCEPTED,
                method=DecisionMethod.CONSENSUS,
                title=f"Exception for {round.name}: {about}"[:200],
                text=decision_text,
                round=round,
            )
        exception = RuleException.objects.create(
            round=round,
            freeze=freeze,
            benchmark=benchmark,
            document=document,
            revision=frozen,
            section_anchor=section.anchor,
            section_path=section.path,
            later_revision=later,
            text=text.strip(),
            decision=decision,
            requested_by=requested_by,
            requested_on=requested_on or to_wg_time(timezone.now()).date(),
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            actor=actor,
            action="rule_exception.grant",
            obj=exception,
            after={
                "round": round.name,
                "document": document.slug,
                "section": section.path,
                "benchmark": getattr(benchmark, "slug", None),
                "decision": decision.reference,
                "later_revision": getattr(later, "number", None),
            },
        )
    return exception


def _later_revision(
    document: RuleDocument, frozen: RuleRevision, number: int | None
) -> RuleRevision | None:
    if number is None:
        return None
    later = RuleRevision.objects.filter(
        document=document, number=number, status=RevisionStatus.PUBLISHED
    ).first()
    if later is None or later.number <= frozen.number:  # type: ignore[operator]
        raise DomainError(
            f"Revision {number} is not a published revision of “{document}” later than the "
            f"frozen revision {frozen.number}."
        )
    return later
