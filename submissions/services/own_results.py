"""What a submitter decides about its own results during review: withdraw some, move them
from closed to open, and declare hyperparameter borrowing — each before its deadline."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.errors import DomainError, PermissionDenied
from core.timezones import format_wg_time
from roadmap.models import Round
from submissions.models import HyperparameterBorrowing, ResultChange, Score
from submissions.models.review import ResultChangeKind
from submissions.policy import (
    can_change_own_results,
    can_declare_borrowing,
    counting_version,
    submitting_org_ids,
)
from wg.models import Organization


def _results_of(round_: Round, organization: Organization) -> list[Score]:
    submission = round_.submissions.filter(organization=organization).first()
    version = counting_version(submission) if submission else None
    return list(version.scores.exclude(score_minutes=None)) if version else []


def result_change_request(
    *,
    actor: Any,
    round: Round,
    organization: Organization,
    system: str,
    benchmark: str = "",
    kind: str,
    now: datetime | None = None,
) -> ResultChange:
    """Withdraw a result (``benchmark`` empty: the whole system) or move it to open, until the
    final results deadline (the end of the review period)."""
    now = now or timezone.now()
    if not can_change_own_results(actor, round, organization.pk, now=now):
        window = getattr(round, "window", None)
        until = f" (until {format_wg_time(window.review_ends_at, seconds=True)})" if window else ""
        raise PermissionDenied(
            f"Only a submitter of {organization.name} withdraws or moves its results, before "
            f"publication and by the final results deadline{until}."
        )
    if kind not in ResultChangeKind.values:
        raise DomainError("A result is withdrawn or moved to the open division.")
    scores = [
        s for s in _results_of(round, organization)
        if s.system == system and (not benchmark or s.benchmark == benchmark)
    ]  # fmt: skip
    if not scores:
        target = f"{system}/{benchmark}" if benchmark else system
        raise DomainError(f"{organization.name} has no result {target} in {round.name}.")
    if kind == ResultChangeKind.MOVE_TO_OPEN and all(s.division != "closed" for s in scores):
        raise DomainError("Only closed-division results move to the open division.")
    with transaction.atomic():
        if ResultChange.objects.filter(
            round=round,
            organization=organization,
            system=system,
            benchmark=benchmark,
            cancelled_at__isnull=True,
        ).exists():
            raise DomainError("This result already has a change; cancel it first.")
        change = ResultChange.objects.create(
            round=round,
            organization=organization,
            system=system,
            benchmark=benchmark,
            kind=kind,
            requested_by=actor,
            requested_at=now,
        )
        audit_record(
            actor=actor,
            action=f"result.{kind}",
            obj=change,
            after={"system": system, "benchmark": benchmark or "*"},
        )
    return change


def result_change_cancel(
    *, actor: Any, change: ResultChange, now: datetime | None = None
) -> ResultChange:
    now = now or timezone.now()
    if not can_change_own_results(actor, change.round, change.organization_id, now=now):
        raise PermissionDenied("Only the organisation cancels its change, before the deadline.")
    with transaction.atomic():
        if not ResultChange.objects.filter(pk=change.pk, cancelled_at__isnull=True).update(
            cancelled_at=now
        ):
            raise DomainError("This change was cancelled already.")
        audit_record(actor=actor, action="result.change_cancel", obj=change)
    change.refresh_from_db()
    return change


def borrowing_declare(
    *,
    actor: Any,
    round: Round,
    organization: Organization,
    benchmark: str,
    borrowed_from: Organization,
    description: str,
    system: str = "",
    now: datetime | None = None,
) -> HyperparameterBorrowing:
    """Declare that a result's hyperparameters are borrowed from another submitter's, by the
    rules' deadline (Monday of review week 3 unless the chairs set another)."""
    now = now or timezone.now()
    if not can_declare_borrowing(actor, round, organization.pk, now=now):
        window = getattr(round, "window", None)
        until = f" ({format_wg_time(window.borrowing_closes_at, seconds=True)})" if window else ""
        raise PermissionDenied(
            f"Hyperparameter borrowing is declared by a submitter of {organization.name} during "
            f"the review, until its deadline{until}."
        )
    if borrowed_from.pk == organization.pk or borrowed_from.pk not in submitting_org_ids(round):
        raise DomainError("Borrow from another organisation that submitted to the round.")
    if benchmark not in {s.benchmark for s in _results_of(round, organization)}:
        raise DomainError(f"{organization.name} has no {benchmark} result in {round.name}.")
    if not description.strip():
        raise DomainError("Say which hyperparameters are borrowed.")
    with transaction.atomic():
        declaration = HyperparameterBorrowing.objects.create(
            round=round,
            organization=organization,
            benchmark=benchmark,
            system=system,
            borrowed_from=borrowed_from,
            description=description.strip(),
            declared_by=actor,
            declared_at=now,
        )
        audit_record(
            actor=actor,
            action="borrowing.declare",
            obj=declaration,
            after={"benchmark": benchmark, "from": borrowed_from.slug},
        )
    return declaration
