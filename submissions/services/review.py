"""Objections during review, as the submission rules run them.

An objection is filed by one organisation against another and may be co-signed by others
("by <org>" tags). An objector removes its own tag; an objection without any tag at the filing
deadline is closed. The owning submitter may acknowledge the problem and mark it
``fix_required`` (then it may upload a fix); the review committee upholds or dismisses.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.errors import DomainError, InvalidTransition, PermissionDenied
from core.timezones import format_wg_time
from roadmap.models import Round
from submissions import notifications, paths
from submissions.models import Objection, ObjectionSigner
from submissions.models.review import ObjectionStatus
from submissions.policy import (
    can_acknowledge_objection,
    can_decide_objection,
    can_file_objection,
    cosigning_org_ids,
    counting_version,
    objecting_org_ids,
    signed_org_ids,
    withdrawing_org_ids,
)
from wg.models import Organization


def objection_file(
    *,
    actor: Any,
    round: Round,
    against: Organization,
    text: str,
    path: str = "",
    fix_required: bool = False,
    on_behalf_of: Organization | None = None,
    now: datetime | None = None,
) -> Objection:
    """File an objection of the actor's organisation against another one, until objections
    are due; the filing organisation is its first signer."""
    now = now or timezone.now()
    if not can_file_objection(actor, round, against_org_id=against.pk, now=now):
        raise PermissionDenied(
            "Objections are filed until objections are due, by a submitter of an organisation "
            "that submitted to the round, against another organisation that submitted."
        )
    if not text.strip():
        raise DomainError("Say what is wrong: the objection text is empty.")
    mine = objecting_org_ids(actor, round, against_org_id=against.pk)
    filer = on_behalf_of.pk if on_behalf_of is not None else mine[0]
    if filer not in mine:
        raise PermissionDenied("You do not object on behalf of that organisation.")
    path = _target_path(round, against, path)
    with transaction.atomic():
        objection = Objection.objects.create(
            round=round,
            filed_by_id=filer,
            against=against,
            author=actor,
            path=path,
            text=text.strip(),
            fix_required=fix_required,
        )
        ObjectionSigner.objects.create(
            objection=objection, organization_id=filer, signed_by=actor, signed_at=now
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
    clean = paths.relative_to_org(clean, version.org_folder)
    files = [
        paths.relative_to_org(p, version.org_folder)
        for p in version.files.values_list("path", flat=True)
    ]
    if not any(paths.is_in(f, clean) for f in files):
        raise DomainError(f"'{clean}' is not a file or folder of {against.name}'s submission.")
    return clean[:1024]


def objection_cosign(
    *,
    actor: Any,
    objection: Objection,
    on_behalf_of: Organization | None = None,
    now: datetime | None = None,
) -> ObjectionSigner:
    """Add the actor's organisation as a "by <org>" signer, until objections are due."""
    now = now or timezone.now()
    allowed = cosigning_org_ids(actor, objection, now=now)
    org_id = on_behalf_of.pk if on_behalf_of is not None else (allowed[0] if allowed else None)
    if org_id is None or org_id not in allowed:
        raise PermissionDenied(
            "An open objection is co-signed until objections are due, by a submitter of another "
            "organisation of the round that does not sign it yet."
        )
    with transaction.atomic():
        signer, created = ObjectionSigner.objects.select_for_update().get_or_create(
            objection=objection,
            organization_id=org_id,
            defaults={"signed_by": actor, "signed_at": now},
        )
        if not created:
            signer.withdrawn_at, signer.signed_by, signer.signed_at = None, actor, now
            signer.save(update_fields=["withdrawn_at", "signed_by", "signed_at"])
        audit_record(
            actor=actor,
            action="objection.cosign",
            obj=objection,
            after={"by": signer.organization.slug},
        )
        notifications.objection_cosigned(objection=objection, organization=signer.organization)
    return signer


def objection_withdraw(
    *,
    actor: Any,
    objection: Objection,
    on_behalf_of: Organization | None = None,
    now: datetime | None = None,
) -> Objection:
    """Remove the actor's organisation's "by <org>" tag. Once the filing deadline has passed,
    an objection left without any signer is closed at once."""
    now = now or timezone.now()
    mine = withdrawing_org_ids(actor, objection)
    org_id = on_behalf_of.pk if on_behalf_of is not None else (mine[0] if mine else None)
    if org_id is None or org_id not in mine:
        # Only an organisation that signed it learns where the objection stands.
        if objection.status != ObjectionStatus.OPEN and signed_org_ids(actor, objection):
            raise InvalidTransition(
                f"This objection is {objection.get_status_display().lower()} already."
            )
        raise PermissionDenied("Only an objecting organisation removes its own signature.")
    with transaction.atomic():
        ObjectionSigner.objects.filter(
            objection=objection, organization_id=org_id, withdrawn_at__isnull=True
        ).update(withdrawn_at=now)
        audit_record(
            actor=actor,
            action="objection.unsign",
            obj=objection,
            before={"by": org_id},
        )
        objections_close_unsigned(round=objection.round, now=now)
    objection.refresh_from_db()
    return objection


def objections_close_unsigned(*, round: Round, now: datetime | None = None) -> int:
    """Close the open objections that no organisation signs once objections are due (the
    rules: "All objections with no by <org> tags at the end of the filing deadline will be
    closed"). Idempotent; the periodic task and publication call it. Returns how many closed."""
    now = now or timezone.now()
    window = getattr(round, "window", None)
    if window is None or now <= window.objections_close_at:
        return 0
    unsigned = (
        Objection.objects.filter(round=round, status=ObjectionStatus.OPEN)
        .exclude(signers__withdrawn_at__isnull=True)
        .values_list("pk", flat=True)
    )
    closed = 0
    for pk in list(unsigned):
        with transaction.atomic():
            current = Objection.objects.select_for_update().get(pk=pk)
            if current.status != ObjectionStatus.OPEN or current.signers.filter(
                withdrawn_at__isnull=True
            ):
                continue
            _apply(
                current,
                ObjectionStatus.WITHDRAWN,
                actor=None,
                decision=(
                    "Closed: no organisation signed it when objections were due "
                    f"({format_wg_time(window.objections_close_at, seconds=True)})."
                ),
                fix_required=current.fix_required,
                now=now,
            )
            closed += 1
    return closed


def objections_close_due(*, now: datetime | None = None) -> int:
    """The periodic sweep: close unsigned objections of every unpublished round whose filing
    deadline has passed. Returns how many were closed."""
    now = now or timezone.now()
    rounds = Round.objects.filter(
        published_at__isnull=True,
        window__isnull=False,
        objections__status=ObjectionStatus.OPEN,
    ).distinct()
    return sum(objections_close_unsigned(round=r, now=now) for r in rounds.select_related("window"))


def objection_acknowledge(
    *, actor: Any, objection: Objection, now: datetime | None = None
) -> Objection:
    """The owning submitter acknowledges the problem: the objection gets ``fix_required`` and
    the organisation may upload a fix for what it names. It stays open for the objectors to
    withdraw once satisfied, or for the committee to decide."""
    now = now or timezone.now()
    if not can_acknowledge_objection(actor, objection, now=now):
        raise PermissionDenied(
            "Only a submitter of the organisation objected to acknowledges an open objection, "
            "during the review."
        )
    with transaction.atomic():
        updated = Objection.objects.filter(
            pk=objection.pk, status=ObjectionStatus.OPEN, acknowledged_at__isnull=True
        ).update(acknowledged_at=now, acknowledged_by=actor, fix_required=True)
        if not updated:
            raise InvalidTransition("This objection was acknowledged or decided meanwhile.")
        audit_record(
            actor=actor,
            action="objection.acknowledge",
            obj=objection,
            after={"fix_required": True},
        )
        objection.refresh_from_db()
        notifications.objection_acknowledged(objection=objection)
    return objection


def objection_decide(
    *, actor: Any, objection: Objection, status: str, decision: str, fix_allowed: bool | None = None
) -> Objection:
    """Uphold or dismiss an open objection, with the decision recorded. When upholding, the
    committee decides whether the organisation may upload a fix (``fix_allowed``; by default
    what the objection asked for or the owner acknowledged)."""
    if not can_decide_objection(actor, objection.round):
        raise PermissionDenied("Only the chairs and the round's review chairs decide objections.")
    if status not in (ObjectionStatus.UPHELD, ObjectionStatus.DISMISSED):
        raise DomainError("An objection is either upheld or dismissed.")
    if not decision.strip():
        raise DomainError("Record the decision: the text is empty.")
    fix = objection.fix_required if fix_allowed is None else fix_allowed
    with transaction.atomic():
        current = Objection.objects.select_for_update().get(pk=objection.pk)
        return _apply(
            current,
            status,
            actor=actor,
            decision=decision.strip(),
            fix_required=fix and status == ObjectionStatus.UPHELD,
            now=timezone.now(),
        )


def _apply(
    current: Objection, to: str, *, actor: Any, decision: str, fix_required: bool, now: datetime
) -> Objection:
    """One transition of a locked objection, through the lifecycle table, with its event."""
    if to not in Objection.TRANSITIONS[current.status]:
        raise InvalidTransition(
            f"This objection is {current.get_status_display().lower()} already."
        )
    before = current.status
    current.status, current.decision, current.fix_required = to, decision, fix_required
    current.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    current.decided_at = now
    current.save(update_fields=["status", "decision", "fix_required", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action=f"objection.{to}",
        obj=current,
        before={"status": before},
        after={"status": to, "fix_required": fix_required},
        reason=decision,
    )
    notifications.objection_decided(objection=current)
    return current
