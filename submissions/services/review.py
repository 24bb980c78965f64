"""Review: objections between organisations, decided by the chairs, and publication."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.errors import DomainError, InvalidTransition, PermissionDenied
from roadmap.models import Round
from roadmap.services import rounds
from submissions import notifications
from submissions.models import Objection, PublishedResult, Score, Submission, SubmissionVersion
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
    path = _target_path(round, against, path)
    submitting = set(round.submissions.values_list("organization_id", flat=True))
    mine = sorted((powers(actor).submitter_org_ids & submitting) - {against.pk})
    with transaction.atomic():
        objection = Objection.objects.create(
            round=round,
            filed_by_id=mine[0],
            against=against,
            author=actor,
            path=path,
            text=text.strip(),
            fix_required=fix_required,
        )
        audit_record(
            actor=actor,
            action="objection.file",
            obj=objection,
            after={"against": against.slug, "path": objection.path, "fix_required": fix_required},
        )
        notifications.objection_filed(objection=objection)
    return objection


def _target_path(round_: Round, against: Organization, path: str) -> str:
    """The objected file or folder, relative to the organisation folder, as the results name it.

    Accepts what a reviewer copies from a version page (with the organisation folder, ``./`` or
    a leading slash) and refuses a path that is not in the organisation's submission, so an
    upheld objection always removes what it names.
    """
    clean = path.strip().replace("\\", "/")
    while clean.startswith("./"):
        clean = clean[2:]
    clean = clean.strip("/")
    if not clean:
        return ""
    submission = round_.submissions.filter(organization=against).first()
    version = counting_version(submission) if submission else None
    if version is None:
        raise DomainError(f"{against.name} has no valid submission to object to.")
    prefix = f"{version.org_folder}/" if version.org_folder else ""
    clean = clean.removeprefix(prefix)
    files = [p.removeprefix(prefix) for p in version.files.values_list("path", flat=True)]
    if not any(f == clean or f.startswith(clean + "/") for f in files):
        raise DomainError(f"'{clean}' is not a file or folder of {against.name}'s submission.")
    return clean[:1024]


def objection_decide(
    *, actor: Any, objection: Objection, status: str, decision: str, fix_allowed: bool | None = None
) -> Objection:
    """Uphold or dismiss an open objection, with the decision recorded. When upholding, the
    chair decides whether the organisation may upload a fix (``fix_allowed``; by default what
    the objecting organisation asked for)."""
    if not can_decide_objection(actor, objection.round):
        raise PermissionDenied("Only the chairs and the round's review chairs decide objections.")
    if status not in (ObjectionStatus.UPHELD, ObjectionStatus.DISMISSED):
        raise DomainError("An objection is either upheld or dismissed.")
    if not decision.strip():
        raise DomainError("Record the decision: the text is empty.")
    fix = objection.fix_required if fix_allowed is None else fix_allowed
    return _move(
        objection,
        status,
        actor=actor,
        decision=decision.strip(),
        fix_required=fix and status == ObjectionStatus.UPHELD,
    )


def objection_withdraw(*, actor: Any, objection: Objection) -> Objection:
    if objection.filed_by_id not in powers(actor).submitter_org_ids:
        raise PermissionDenied("Only the objecting organisation withdraws its objection.")
    return _move(
        objection,
        ObjectionStatus.WITHDRAWN,
        actor=actor,
        decision="",
        fix_required=objection.fix_required,
    )


def _move(
    objection: Objection, to: str, *, actor: Any, decision: str, fix_required: bool
) -> Objection:
    with transaction.atomic():
        current = Objection.objects.select_for_update().get(pk=objection.pk)
        if to not in Objection.TRANSITIONS[current.status]:
            raise InvalidTransition(
                f"This objection is {current.get_status_display().lower()} already."
            )
        before = current.status
        current.status, current.decision, current.fix_required = to, decision, fix_required
        current.decided_by, current.decided_at = actor, timezone.now()
        current.save(
            update_fields=["status", "decision", "fix_required", "decided_by", "decided_at"]
        )
        audit_record(
            actor=actor,
            action=f"objection.{to}",
            obj=current,
            before={"status": before},
            after={"status": to},
            reason=decision,
        )
        notifications.objection_decided(objection=current)
    return current


def counting_version(submission: Submission) -> SubmissionVersion | None:
    """The version that counts: the latest valid one uploaded in the window. Review fixes
    replace only the results that upheld objections allowed them to fix."""
    return (
        submission.versions.filter(status=VersionStatus.VALID, during_review=False)
        .order_by("-number")
        .first()
    )


def _names_result(path: str, system: str, benchmark: str) -> bool:
    folder = f"results/{system}/{benchmark}"
    return path in ("", f"results/{system}", f"systems/{system}.json", folder) or path.startswith(
        folder + "/"
    )


def _accepted_scores(
    submission: Submission, upheld: list[Objection]
) -> list[tuple[SubmissionVersion, Score]]:
    """Each result of the counting version, unless an upheld objection removed it; a result
    removed only by objections that allowed a fix comes from the latest valid fix uploaded
    after the last of those decisions, if there is one."""
    version = counting_version(submission)
    if version is None:
        return []
    fixes = list(
        submission.versions.filter(status=VersionStatus.VALID, during_review=True).order_by(
            "-number"
        )
    )
    accepted = []
    for score in version.scores.exclude(score_minutes=None):
        blocking = [o for o in upheld if _names_result(o.path, score.system, score.benchmark)]
        if not blocking:
            accepted.append((version, score))
            continue
        if not all(o.fix_required for o in blocking):
            continue
        decided = max(o.decided_at for o in blocking)
        for fix in fixes:
            fixed = (
                fix.scores.filter(system=score.system, benchmark=score.benchmark)
                .exclude(score_minutes=None)
                .first()
            )
            if fix.received_at > decided and fixed is not None:
                accepted.append((fix, fixed))
                break
    return accepted


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
        if window is None or now <= window.closes_for_all_at:
            raise DomainError("A round is published after its submission window has closed.")
        if locked.objections.filter(status=ObjectionStatus.OPEN).exists():
            raise DomainError("Decide every open objection before publishing.")
        count = results_snapshot(locked)
        rounds.round_publish(actor=actor, round=locked, at=now)
        audit_record(actor=actor, action="round.publish", obj=locked, after={"results": count})
        notifications.round_published(round=locked)
    return count


def results_snapshot(round_: Round) -> int:
    """Write the PublishedResult rows of a round (the caller holds the round's row lock)."""
    upheld = list(round_.objections.filter(status=ObjectionStatus.UPHELD))
    rows = []
    for submission in round_.submissions.select_related("organization"):
        against = [o for o in upheld if o.against_id == submission.organization_id]
        for version, score in _accepted_scores(submission, against):
            desc = version.systems.filter(name=score.system).first()
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
