"""Review: objections between organisations, decided by the chairs, and publication."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.errors import DomainError, InvalidTransition, PermissionDenied
from roadmap.models import Round
from submissions.models import Objection, PublishedResult, Submission, SubmissionVersion
from submissions.models.intake import VersionStatus
from submissions.models.review import ObjectionStatus
from wg.models import Organization
from wg.permissions import can_decide_objection, can_file_objection, can_manage_round, powers


def objection_file(
    *,
    actor: Any,
    round: Round,
    against: Organization,
    text: str,
    path: str = "",
    fix_required: bool = False,
    now: datetime | None = None,
) -> Objection:
    """File an objection of the actor's organisation against another one, during review."""
    now = now or timezone.now()
    if not can_file_objection(actor, round, against_org_id=against.pk, now=now):
        raise PermissionDenied(
            "Objections are filed during the review period, by a submitter of an organisation that "
            "submitted to the round, against another organisation that submitted."
        )
    if not text.strip():
        raise DomainError("Say what is wrong: the objection text is empty.")
    submitting = set(round.submissions.values_list("organization_id", flat=True))
    mine = sorted((powers(actor).submitter_org_ids & submitting) - {against.pk})
    with transaction.atomic():
        objection = Objection.objects.create(
            round=round,
            filed_by_id=mine[0],
            against=against,
            author=actor,
            path=path.strip()[:1024],
            text=text.strip(),
            fix_required=fix_required,
        )
        audit_record(
            actor=actor,
            action="objection.file",
            obj=objection,
            after={"against": against.slug, "path": objection.path, "fix_required": fix_required},
        )
    return objection


def objection_decide(*, actor: Any, objection: Objection, status: str, decision: str) -> Objection:
    """Uphold or dismiss an open objection, with the decision recorded."""
    if not can_decide_objection(actor, objection.round):
        raise PermissionDenied("Only the chairs and the round's review chairs decide objections.")
    if status not in (ObjectionStatus.UPHELD, ObjectionStatus.DISMISSED):
        raise DomainError("An objection is either upheld or dismissed.")
    if not decision.strip():
        raise DomainError("Record the decision: the text is empty.")
    return _move(objection, status, actor=actor, decision=decision.strip())


def objection_withdraw(*, actor: Any, objection: Objection) -> Objection:
    if objection.filed_by_id not in powers(actor).submitter_org_ids:
        raise PermissionDenied("Only the objecting organisation withdraws its objection.")
    return _move(objection, ObjectionStatus.WITHDRAWN, actor=actor, decision="")


def _move(objection: Objection, to: str, *, actor: Any, decision: str) -> Objection:
    with transaction.atomic():
        current = Objection.objects.select_for_update().get(pk=objection.pk)
        if to not in Objection.TRANSITIONS[current.status]:
            raise InvalidTransition(
                f"This objection is {current.get_status_display().lower()} already."
            )
        before = current.status
        current.status, current.decision = to, decision
        current.decided_by, current.decided_at = actor, timezone.now()
        current.save(update_fields=["status", "decision", "decided_by", "decided_at"])
        audit_record(
            actor=actor,
            action=f"objection.{to}",
            obj=current,
            before={"status": before},
            after={"status": to},
            reason=decision,
        )
    return current


def counting_version(submission: Submission) -> SubmissionVersion | None:
    """The version that counts: the latest valid one (uploads after the close are refused,
    except fixes during review)."""
    return submission.versions.filter(status=VersionStatus.VALID).order_by("-number").first()


def _excluded(
    objections: list[Objection], version: SubmissionVersion, system: str, benchmark: str
) -> bool:
    """An upheld objection removes the result it names, unless a version received after the
    decision fixed it."""
    targets = {"", f"results/{system}", f"results/{system}/{benchmark}", f"systems/{system}.json"}
    return any(
        o.path.rstrip("/") in targets or o.path.startswith(f"results/{system}/{benchmark}/")
        for o in objections
        if o.decided_at and o.decided_at > version.received_at
    )


def round_publish(*, actor: Any, round: Round, now: datetime | None = None) -> int:
    """Lift the embargo: snapshot the accepted results and mark the round published.

    Refused while uploads are open or objections are undecided. Returns the number of results.
    """
    if not can_manage_round(actor):
        raise PermissionDenied("Only the working-group chairs publish a round.")
    now = now or timezone.now()
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round.pk)
        if locked.published_at is not None:
            raise InvalidTransition(
                f"{round.name} was published on {locked.published_at:%Y-%m-%d}."
            )
        window = getattr(locked, "window", None)
        if window is None or now < max(
            [window.closes_at, *(e.until for e in window.extensions.all())]
        ):
            raise DomainError("A round is published after its submission window has closed.")
        if locked.objections.filter(status=ObjectionStatus.OPEN).exists():
            raise DomainError("Decide every open objection before publishing.")
        count = _snapshot_results(locked)
        locked.published_at = now
        locked.save(update_fields=["published_at"])
        audit_record(actor=actor, action="round.publish", obj=locked, after={"results": count})
    return count


def _snapshot_results(round_: Round) -> int:
    upheld = list(round_.objections.filter(status=ObjectionStatus.UPHELD))
    rows = []
    for submission in round_.submissions.select_related("organization"):
        version = counting_version(submission)
        if version is None:
            continue
        against = [o for o in upheld if o.against_id == submission.organization_id]
        systems = {s.name: s for s in version.systems.all()}
        for score in version.scores.exclude(score_minutes=None):
            if _excluded(against, version, score.system, score.benchmark):
                continue
            desc = systems.get(score.system)
            rows.append(
                PublishedResult(
                    round=round_,
                    organization=submission.organization,
                    version=version,
                    system=score.system,
                    system_name=desc.system_name if desc else score.system,
                    division=score.division,
                    availability=desc.availability if desc else "",
                    accelerator_model=desc.accelerator_model if desc else "",
                    accelerators=desc.accelerators if desc else None,
                    benchmark=score.benchmark,
                    score_minutes=score.score_minutes,
                    scaling_factor=score.scaling_factor,
                )
            )
    PublishedResult.objects.bulk_create(rows)
    return len(rows)
