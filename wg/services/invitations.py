"""Invitations: a chair invites a person by email; the link lets them set a password (or log
in, if the address has an account) and accept, which grants the organisation and roles."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from core.audit import audit_record
from core.errors import DomainError, InvalidTransition, NotFound, PermissionDenied
from core.timezones import format_wg_time
from wg.models import Invitation, InvitationStatus, Organization, Person, Role
from wg.notifications import Recipient, notification_enqueue
from wg.notifications.kinds import INVITATION
from wg.permissions import can_manage_working_group, forget_powers
from wg.services.people import membership_ensure, person_save, role_assign
from wg.services.roles import role_check


def normalize_email(raw: str) -> str:
    email = raw.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(f"'{raw.strip()}' is not an email address.") from None
    return email


def person_with_email(email: str) -> Person | None:
    """The person who has ``email`` among their addresses or as their login's address."""
    candidates = Person.objects.filter(
        Q(emails__icontains=email) | Q(user__email__iexact=email) | Q(user__username__iexact=email)
    ).select_related("user")
    for person in candidates:
        addresses = {e.lower() for e in person.emails}
        if person.user is not None:
            addresses |= {person.user.email.lower(), person.user.username.lower()}
        if email in addresses:
            return person
    return None


def account_for(email: str, person: Person | None = None) -> Any:
    """The login that owns ``email`` (or the linked person's login), if there is one."""
    if person is not None and person.user_id:
        return person.user
    User = get_user_model()
    return User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).first()


def invitation_create(
    *,
    actor: Any,
    email: str,
    full_name: str,
    organization: Organization | None = None,
    roles: list[str] | tuple[str, ...] = (),
    round_name: str = "",
    role_end: date | None = None,
    message: str = "",
    person: Person | None = None,
) -> Invitation:
    """Invite a person (chairs and staff). An address that belongs to a known person or login
    links to it instead of creating another; inviting oneself is refused, as are roles past
    their term. The email with the link is queued after commit; only the token's hash is kept."""
    if not can_manage_working_group(actor):
        raise PermissionDenied("Only the chairs and staff invite people.")
    email = normalize_email(email)
    full_name = " ".join(full_name.split())
    if not full_name:
        raise DomainError("Give the person's name.")
    roles = list(dict.fromkeys(roles))
    for role in roles:
        role_check(role=role, organization=organization, round_name=round_name, end=role_end)
    linked = person or person_with_email(email)
    account = account_for(email, linked)
    if (linked is not None and linked.user_id == actor.pk) or (
        account is not None and account.pk == actor.pk
    ):
        raise PermissionDenied("You cannot invite yourself or grant yourself a role.")
    if not roles and linked is None:
        raise DomainError("Choose at least one role for a new person.")
    already = DomainError(f"{email} has an open invitation already: resend or revoke it.")
    with transaction.atomic():
        pending = Invitation.objects.select_for_update().filter(
            email=email, status=InvitationStatus.PENDING
        )
        for stale in pending.filter(expires_at__lte=timezone.now()):
            _revoke(stale, actor, reason="expired; replaced by a new invitation")
        if pending.exists():
            raise already
        raw = secrets.token_urlsafe(32)
        try:
            # The database holds one pending invitation per address: of two chairs inviting
            # the same address at once, the second is refused here.
            with transaction.atomic():
                invitation = Invitation.objects.create(
                    email=email,
                    full_name=full_name,
                    organization=organization,
                    roles=roles,
                    round_name=round_name.strip(),
                    role_end=role_end,
                    message=message.strip(),
                    person=linked,
                    token_hash=Invitation.hash(raw),
                    invited_by=actor,
                    expires_at=timezone.now() + timedelta(days=Invitation.VALID_DAYS),
                )
        except IntegrityError:
            raise already from None
        audit_record(
            actor=actor,
            action="invitation.create",
            obj=invitation,
            after={
                "email": email,
                "organization": organization.slug if organization else None,
                "roles": roles,
                "links_to_person": linked.slug if linked else None,
            },
        )
        _send(invitation, raw, actor, has_account=account is not None)
    return invitation


def invitation_resend(*, actor: Any, invitation: Invitation) -> Invitation:
    """A new link (the old one stops working) and a fresh expiry, by email again."""
    if not can_manage_working_group(actor):
        raise PermissionDenied("Only the chairs and staff resend invitations.")
    raw = secrets.token_urlsafe(32)
    with transaction.atomic():
        current = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if current.status != InvitationStatus.PENDING:
            raise InvitationTransitionError(current)
        current.token_hash = Invitation.hash(raw)
        current.expires_at = timezone.now() + timedelta(days=Invitation.VALID_DAYS)
        current.save(update_fields=["token_hash", "expires_at"])
        audit_record(actor=actor, action="invitation.resend", obj=current)
        account = account_for(current.email, current.person)
        _send(current, raw, actor, has_account=account is not None)
    return current


def invitation_revoke(*, actor: Any, invitation: Invitation) -> Invitation:
    if not can_manage_working_group(actor):
        raise PermissionDenied("Only the chairs and staff revoke invitations.")
    with transaction.atomic():
        _revoke(invitation, actor)
    return invitation


def _revoke(invitation: Invitation, actor: Any, *, reason: str = "") -> None:
    _move(invitation, InvitationStatus.REVOKED)
    audit_record(
        actor=actor,
        action="invitation.revoke",
        obj=invitation,
        before={"status": InvitationStatus.PENDING},
        after={"status": InvitationStatus.REVOKED},
        reason=reason,
    )


class InvitationTransitionError(InvalidTransition):
    def __init__(self, invitation: Invitation) -> None:
        super().__init__(f"This invitation is {invitation.get_status_display().lower()} already.")


def invitation_get_open(token: str, *, now: datetime | None = None) -> Invitation:
    """The pending, unexpired invitation of a link's token. Expired, used, revoked and unknown
    tokens all raise the same NotFound, so a link reveals nothing about other invitations."""
    now = now or timezone.now()
    invitation = (
        Invitation.objects.select_related("organization", "person__user", "invited_by")
        .filter(token_hash=Invitation.hash(token), status=InvitationStatus.PENDING)
        .filter(expires_at__gt=now)
        .first()
    )
    if invitation is None:
        raise NotFound("No such invitation.")
    return invitation


def invitation_accept(
    *, token: str, user: Any, password: str = "", full_name: str = ""
) -> tuple[Any, list[str]]:
    """Accept an invitation: link it to the address's existing login (the user must be logged
    in as it) or create a login with ``password``; attach the person, the affiliation and the
    roles (granted in the inviter's name). Returns the login and notes on roles not granted."""
    with transaction.atomic():
        invitation = invitation_get_open(token)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.status != InvitationStatus.PENDING:
            raise NotFound("No such invitation.")
        person = invitation.person or person_with_email(invitation.email)
        account = account_for(invitation.email, person)
        logged_in = user if getattr(user, "is_authenticated", False) else None
        if account is not None:
            if logged_in is None or logged_in.pk != account.pk:
                raise PermissionDenied(
                    f"{invitation.email} has an account already: log in with it to accept."
                )
        elif logged_in is not None:
            raise PermissionDenied(
                "You are logged in with another account: log out to accept this invitation."
            )
        else:
            account = _create_login(invitation.email, password)
        person = _attach_person(invitation, person, account, full_name)
        notes = _grant(invitation, person)
        invitation.status, invitation.accepted_at = InvitationStatus.ACCEPTED, timezone.now()
        invitation.accepted_by, invitation.person = account, person
        invitation.save(update_fields=["status", "accepted_at", "accepted_by", "person"])
        audit_record(
            actor=account,
            action="invitation.accept",
            obj=invitation,
            before={"status": InvitationStatus.PENDING},
            after={"status": InvitationStatus.ACCEPTED, "person": person.slug},
        )
    forget_powers(account)
    return account, notes


def _create_login(email: str, password: str) -> Any:
    User = get_user_model()
    candidate = User(username=email, email=email)
    try:
        password_validation.validate_password(password, user=candidate)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages)) from None
    user = User.objects.create_user(username=email, email=email, password=password)
    audit_record(actor=user, action="user.create", obj=user, after={"username": email})
    return user


def _attach_person(
    invitation: Invitation, person: Person | None, account: Any, full_name: str
) -> Person:
    name = " ".join(full_name.split()) or invitation.full_name
    if person is None:
        return person_save(
            actor=invitation.invited_by,
            slug=_free_slug(name),
            full_name=name,
            emails=[invitation.email],
            user=account,
        )
    emails = (
        person.emails if invitation.email in person.emails else [*person.emails, invitation.email]
    )
    return person_save(actor=account, slug=person.slug, user=account, emails=emails)


def _free_slug(name: str) -> str:
    base = slugify(name)[:40] or "person"
    slug, n = base, 1
    while Person.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _grant(invitation: Invitation, person: Person) -> list[str]:
    today = timezone.localdate()
    if invitation.organization is not None:
        membership_ensure(
            actor=invitation.invited_by,
            person=person,
            organization=invitation.organization,
            start=today,
        )
    notes = []
    for role in invitation.roles:
        label = Role(role).label
        if invitation.role_end is not None and invitation.role_end < today:
            notes.append(f"{label}: its term ended on {invitation.role_end:%Y-%m-%d}; not granted.")
            continue
        role_assign(
            actor=invitation.invited_by,
            person=person,
            role=role,
            start=today,
            organization=invitation.organization if role == Role.SUBMITTER else None,
            round_name=invitation.round_name if role == Role.REVIEW_CHAIR else "",
            end=invitation.role_end,
            note=f"invitation {invitation.pk}",
        )
    return notes


def _move(invitation: Invitation, to: str) -> None:
    if to not in Invitation.TRANSITIONS[invitation.status]:
        raise InvitationTransitionError(invitation)
    moved = Invitation.objects.filter(pk=invitation.pk, status=invitation.status).update(status=to)
    if not moved:
        invitation.refresh_from_db()
        raise InvitationTransitionError(invitation)
    invitation.status = to


def _send(invitation: Invitation, raw: str, actor: Any, *, has_account: bool) -> None:
    inviter = getattr(getattr(actor, "person", None), "full_name", "") or actor.get_username()
    notification_enqueue(
        kind=INVITATION.code,
        # A resend has a new token, hence a new key: it is a new message.
        event_key=f"{INVITATION.code}:{invitation.pk}:{invitation.token_hash[:16]}",
        recipients=[Recipient(email=invitation.email, name=invitation.full_name)],
        subject=f"{inviter} invites you to the MLPerf Training working group",
        template="wg/email/invitation.txt",
        context={
            "invitation": invitation,
            "inviter": inviter,
            "roles": ", ".join(Role(r).label for r in invitation.roles),
            "has_account": has_account,
            "expires": format_wg_time(invitation.expires_at),
        },
        url=reverse("wg:invitation-accept", kwargs={"token": raw}),
        sensitive=True,
    )
