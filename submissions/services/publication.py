"""Publication: the chairs lift a round's embargo and its accepted results become the public
tables. Nothing that could still count is lost: publication waits for every version and fix to
reach its verdict and for every objection to be closed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.errors import DomainError, InvalidTransition, PermissionDenied
from roadmap.models import Round
from roadmap.services import rounds
from submissions import notifications, paths, results_columns
from submissions.models import (
    Objection,
    PublishedResult,
    PublishedSystem,
    ResultChange,
    Score,
    Submission,
    SubmissionVersion,
)
from submissions.models.review import ObjectionStatus, ResultChangeKind
from submissions.policy import counting_version
from submissions.selectors.review import publication_blockers
from submissions.services.review import objections_close_unsigned
from wg.permissions import can_manage_round


def round_publish(*, actor: Any, round: Round, confirm: str, now: datetime | None = None) -> int:
    """Lift the embargo: snapshot the accepted results and mark the round published.

    The caller confirms by repeating the round's name. Refused, saying why, while uploads are
    open, a version or fix has no verdict yet, or an objection is open (objections that nobody
    signs when they are due are closed first). Returns the number of published results.
    """
    if not can_manage_round(actor):
        raise PermissionDenied("Only the working-group chairs publish a round.")
    if confirm.strip() != round.name:
        raise DomainError(
            f"Confirm the publication by typing the round's name ({round.name}): it lifts the "
            "embargo on every accepted result and cannot be undone."
        )
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Round.objects.select_related("window").select_for_update(of=("self",)).get(pk=round.pk)
        )
        if locked.published_at is not None:
            raise InvalidTransition(
                f"{round.name} was published on {locked.published_at:%Y-%m-%d}."
            )
        objections_close_unsigned(round=locked, now=now)
        blockers = publication_blockers(locked, now=now)
        if blockers:
            raise DomainError("Not yet: " + " ".join(blockers))
        return publish_locked(locked, actor=actor, now=now, action="round.publish")


def publish_locked(
    locked: Round, *, actor: Any, now: datetime, action: str, extra: dict | None = None
) -> int:
    """The one place that publishes a round: the results snapshot and the published state.
    The caller holds the round's row lock and has checked its own preconditions."""
    count = results_snapshot(locked)
    # The round's lifecycle is the roadmap's: it moves the round to published.
    rounds.round_publish(actor=actor, round=locked, at=now)
    audit_record(actor=actor, action=action, obj=locked, after={"results": count, **(extra or {})})
    notifications.round_published(round=locked)
    return count


# --- The snapshot -----------------------------------------------------------------------------


@dataclass
class _Row:
    organization_id: int
    organization_name: str
    system: str
    division: str
    results: list[tuple[SubmissionVersion, Score]] = field(default_factory=list)

    @property
    def latest_version(self) -> SubmissionVersion:
        return max((version for version, _ in self.results), key=lambda v: v.number)


def results_snapshot(round_: Round) -> int:
    """Write the published rows of a round (the caller holds the round's row lock): one row
    per organisation, system and division, whichever versions its results came from."""
    objections = list(round_.objections.exclude(status=ObjectionStatus.DISMISSED))
    changes = {
        (c.organization_id, c.system, c.benchmark): c.kind
        for c in ResultChange.objects.filter(round=round_, cancelled_at__isnull=True)
    }
    rows: dict[tuple[int, str, str], _Row] = {}
    for submission in round_.submissions.select_related("organization"):
        org_id = submission.organization_id
        against = [o for o in objections if o.against_id == org_id]
        for version, score in accepted_scores(submission, against):
            kind = changes.get((org_id, score.system, score.benchmark)) or changes.get(
                (org_id, score.system, "")
            )
            if kind == ResultChangeKind.WITHDRAW:
                continue
            division = "open" if kind == ResultChangeKind.MOVE_TO_OPEN else score.division
            key = (org_id, score.system, division)
            row = rows.setdefault(
                key, _Row(org_id, submission.organization.name, score.system, division)
            )
            row.results.append((version, score))
    return _write_rows(round_, list(rows.values()))


def _write_rows(round_: Round, rows: list[_Row]) -> int:
    built = []
    for row in rows:
        version = row.latest_version
        desc = version.systems.filter(name=row.system).first()
        content = desc.content if desc else {}
        columns = results_columns.system_columns(content, fallback_name=row.system)
        availability = results_columns.official_availability(content.get("status"))
        built.append((row, version, columns, availability, content.get("status", "")))
    built.sort(
        key=lambda item: (
            results_columns.table_position(item[0].division, item[3]),
            item[0].organization_name.lower(),
            item[2].system_name.lower(),
            item[0].system,
        )
    )
    count = 0
    for index, (row, version, columns, availability, status) in enumerate(built, start=1):
        published = PublishedSystem.objects.create(
            round=round_,
            organization_id=row.organization_id,
            result_id=results_columns.result_id(round_.ruleset, index),
            system=row.system,
            division=row.division,
            category=results_columns.category(status),
            availability=availability or str(status)[:100],
            description_version=version,
            **{k: v for k, v in vars(columns).items()},
        )
        PublishedResult.objects.bulk_create(
            PublishedResult(
                round=round_,
                organization_id=row.organization_id,
                row=published,
                version=result_version,
                system=row.system,
                system_name=columns.system_name,
                division=row.division,
                availability=published.availability,
                accelerator_model=columns.accelerator[:200],
                accelerators=columns.accelerators,
                benchmark=score.benchmark,
                score_minutes=score.score_minutes,
                scaling_factor=score.scaling_factor,
            )
            for result_version, score in row.results
        )
        count += len(row.results)
    return count


def _fix_allowed_from(objection: Objection) -> datetime | None:
    """From when a fix answers this objection: its acknowledgement by the owner, or the
    committee's decision to uphold it with a fix; None if it allows no fix."""
    if not objection.fix_required:
        return None
    if objection.status == ObjectionStatus.UPHELD:
        return objection.acknowledged_at or objection.decided_at
    if objection.acknowledged_at is not None:
        return objection.acknowledged_at
    return None


def accepted_scores(
    submission: Submission, objections: list[Objection]
) -> list[tuple[SubmissionVersion, Score]]:
    """Each scored result of the counting version, as the review left it.

    An upheld objection without a fix removes what it names. A result named by objections that
    allow a fix (upheld with a fix, or acknowledged by the owner) comes from the latest valid
    fix uploaded after the last of them allowed it; without such a fix, an upheld objection
    removes it and an acknowledged one leaves the original.
    """
    version = counting_version(submission)
    if version is None:
        return []
    fixes = list(submission.versions.filter(status="valid", during_review=True).order_by("-number"))
    accepted = []
    for score in version.scores.exclude(score_minutes=None):
        named = [o for o in objections if paths.names_result(o.path, score.system, score.benchmark)]
        upheld = [o for o in named if o.status == ObjectionStatus.UPHELD]
        if any(not o.fix_required for o in upheld):
            continue
        moments = [m for o in named if (m := _fix_allowed_from(o)) is not None]
        fixed = _latest_fix(fixes, score, max(moments)) if moments else None
        if fixed is not None:
            accepted.append(fixed)
        elif not upheld:
            accepted.append((version, score))
    return accepted


def _latest_fix(
    fixes: list[SubmissionVersion], score: Score, since: datetime
) -> tuple[SubmissionVersion, Score] | None:
    for fix in fixes:
        if fix.received_at <= since:
            continue
        fixed = (
            fix.scores.filter(system=score.system, benchmark=score.benchmark)
            .exclude(score_minutes=None)
            .first()
        )
        if fixed is not None:
            return fix, fixed
    return None
