"""Proposals: filing and editing, moving along their table, links, watchers, comments and
blocking concerns. Outcomes (accepted, rejected, …) are recorded in ``services.decisions``.
Moves, comments and concerns are told to the proposal's watchers and person in charge through
the outbox (``roadmap.notifications``), in the same transaction."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.errors import DomainError, NotFound, PermissionDenied
from roadmap import notifications
from roadmap.lifecycle import AUTHOR, CHAIR, CONCERN, PROPOSAL, PROPOSAL_EDITABLE, PROPOSAL_OPEN
from roadmap.models import (
    Benchmark,
    Comment,
    Concern,
    ConcernStatus,
    Proposal,
    ProposalKind,
    ProposalLink,
    ProposalStatus,
    Round,
    RuleDocument,
)
from roadmap.permissions import (
    can_comment,
    can_edit_proposal,
    can_file_proposal,
    can_raise_concern,
    can_resolve_concern,
    can_watch,
    is_in_charge,
    person_of,
)
from roadmap.services.transitions import capacities, move
from wg.models import Person
from wg.permissions import is_chair, is_member

_NEEDS_BENCHMARK = (ProposalKind.RETIRE_BENCHMARK, ProposalKind.TARGET_CHANGE)
_NEEDS_ROUND = (ProposalKind.EXCEPTION, ProposalKind.SCHEDULE_CHANGE)
MAX_LINKS = 20


def _check_target(kind: str, target_round: Round | None, benchmark: Benchmark | None) -> None:
    if kind not in ProposalKind.values:
        raise DomainError(f"{kind!r} is not a kind of proposal.")
    if target_round is not None:
        # Read the round's phase as it is now, not as the caller's copy remembers it.
        target_round = Round.objects.get(pk=target_round.pk)
    if target_round is not None and not target_round.is_active:
        raise DomainError(
            f"{target_round.name} is {target_round.get_status_display().lower()}: "
            "proposals target a round that is still being planned or run."
        )
    if kind in _NEEDS_ROUND and target_round is None:
        raise DomainError(f"A proposal of kind “{ProposalKind(kind).label}” names its round.")
    if kind in _NEEDS_BENCHMARK and benchmark is None:
        raise DomainError(f"A proposal of kind “{ProposalKind(kind).label}” names its benchmark.")


def _check_text(title: str, body: str) -> None:
    if not title.strip():
        raise DomainError("A proposal needs a title.")
    if not body.strip():
        raise DomainError("A proposal needs a text saying what changes and why.")


def proposal_create(
    *,
    actor: Any,
    title: str,
    kind: str,
    body: str,
    target_round: Round | None = None,
    benchmark: Benchmark | None = None,
    person_in_charge: Person | None = None,
    links: list[str] | None = None,
    rule_document: RuleDocument | None = None,
) -> Proposal:
    """A member files a draft; its author watches it from the start. A rule change may name
    the rule document it changes: its acceptance then starts a draft revision of it."""
    if not can_file_proposal(actor):
        raise PermissionDenied("Only members of the working group file proposals.")
    _check_text(title, body)
    _check_target(kind, target_round, benchmark)
    author = person_of(actor)
    with transaction.atomic():
        proposal = Proposal.objects.create(
            title=title.strip(),
            kind=kind,
            body=body,
            target_round=target_round,
            benchmark=benchmark,
            author=author,
            person_in_charge=person_in_charge,
            rule_document=rule_document,
        )
        proposal.watchers.add(author)
        audit_record(
            actor=actor,
            action="proposal.create",
            obj=proposal,
            after={
                "title": proposal.title,
                "kind": kind,
                "round": getattr(target_round, "name", None),
            },
        )
        for url in links or []:
            _link_add(actor, proposal, url, "")
    return proposal


def proposal_update(
    *,
    actor: Any,
    proposal: Proposal,
    title: str,
    kind: str,
    body: str,
    target_round: Round | None,
    benchmark: Benchmark | None,
    person_in_charge: Person | None,
    rule_document: RuleDocument | None = None,
) -> Proposal:
    """Its author, person in charge or a chair edit the text until a decision process starts."""
    if not can_edit_proposal(actor, proposal):
        if proposal.status not in PROPOSAL_EDITABLE:
            raise DomainError(
                f"A proposal that is {proposal.get_status_display().lower()} is not edited any "
                "more; comment or file a new proposal instead."
            )
        raise PermissionDenied("Only its author, its person in charge or a chair edit it.")
    _check_text(title, body)
    _check_target(kind, target_round, benchmark)
    fields = {
        "title": title.strip(),
        "kind": kind,
        "body": body,
        "target_round": target_round,
        "benchmark": benchmark,
        "person_in_charge": person_in_charge,
        "rule_document": rule_document,
    }
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.status not in PROPOSAL_EDITABLE:
            raise DomainError("The proposal moved on meanwhile; it is not edited any more.")
        before = {k: _plain(getattr(locked, k)) for k in fields}
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save()
        after = {k: _plain(v) for k, v in fields.items()}
        changed = [k for k in fields if before[k] != after[k]]
        if changed:
            audit_record(
                actor=actor,
                action="proposal.update",
                obj=locked,
                before={k: before[k] for k in changed},
                after={k: after[k] for k in changed},
            )
    return locked


def _plain(value: Any) -> Any:
    return value.pk if hasattr(value, "pk") else value


def proposal_transition(
    *,
    actor: Any,
    proposal: Proposal,
    to: str,
    reason: str = "",
    scheduled_for: date | None = None,
    objections_close_at: datetime | None = None,
    now: datetime | None = None,
) -> Proposal:
    """A direct move of the table (submit, schedule, open the discussion, call for
    objections, withdraw, mark implemented, …). Decisions and votes have their own services."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Proposal.objects.select_for_update(of=("self",))
            .select_related("target_round")
            .get(pk=proposal.pk)
        )
        changes: dict[str, Any] = {}
        if to == ProposalStatus.SUBMITTED:
            _check_target(locked.kind, locked.target_round, locked.benchmark)
        if to == ProposalStatus.SCHEDULED:
            if scheduled_for is None:
                raise DomainError("Say for which meeting (date) the proposal is scheduled.")
            if scheduled_for < now.date():
                raise DomainError("A proposal is scheduled for a meeting that is still to come.")
            changes["scheduled_for"] = scheduled_for
        if to == ProposalStatus.CALL_FOR_OBJECTIONS:
            if objections_close_at is None or objections_close_at <= now:
                raise DomainError("A call for objections closes at a time still to come.")
            _no_open_concerns(locked, "a call for objections can start")
            changes["objections_close_at"] = objections_close_at
        moved = move(
            lifecycle=PROPOSAL,
            obj=locked,
            target=to,
            actor=actor,
            held=capacities(actor, author=is_in_charge(actor, locked)),
            reason=reason,
            changes=changes,
        )
        notifications.proposal_moved(proposal=locked, moved=moved, actor=actor, reason=reason)
    proposal.status = locked.status  # the caller's copy follows
    return locked


def _no_open_concerns(proposal: Proposal, what: str) -> None:
    open_titles = list(
        proposal.concerns.filter(status=ConcernStatus.OPEN).values_list("title", flat=True)
    )
    if open_titles:
        quoted = ", ".join(f"“{t}”" for t in open_titles)
        raise DomainError(f"Resolve the open concern(s) {quoted} before {what}.")


def proposal_link_add(*, actor: Any, proposal: Proposal, url: str, title: str = "") -> ProposalLink:
    if not (is_chair(actor) or (is_member(actor) and is_in_charge(actor, proposal))):
        raise PermissionDenied("Only its author, its person in charge or a chair add links.")
    with transaction.atomic():
        return _link_add(actor, proposal, url, title)


def _link_add(actor: Any, proposal: Proposal, url: str, title: str) -> ProposalLink:
    url = url.strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise DomainError(f"{url!r} is not a web address (https://…).") from None
    if proposal.links.filter(url=url).exists():
        raise DomainError(f"{url} is linked already.")
    if proposal.links.count() >= MAX_LINKS:
        raise DomainError(f"A proposal has at most {MAX_LINKS} links.")
    link = ProposalLink.objects.create(
        proposal=proposal, url=url, title=title.strip(), kind=ProposalLink.kind_of(url)
    )
    audit_record(actor=actor, action="proposal.link_add", obj=proposal, after={"url": url})
    return link


def proposal_watch(*, actor: Any, proposal: Proposal, watching: bool) -> None:
    if not can_watch(actor, proposal):
        raise NotFound("No such proposal.")
    person = person_of(actor)
    if watching:
        proposal.watchers.add(person)
    else:
        proposal.watchers.remove(person)


def comment_add(*, actor: Any, proposal: Proposal, body: str) -> Comment:
    proposal = Proposal.objects.get(pk=proposal.pk)
    if not can_comment(actor, proposal):
        raise PermissionDenied("Only members comment on proposals.")
    if not body.strip():
        raise DomainError("A comment needs a text.")
    with transaction.atomic():
        comment = Comment.objects.create(proposal=proposal, author=person_of(actor), body=body)
        audit_record(actor=actor, action="comment.create", obj=comment)
        notifications.comment_added(comment=comment, actor=actor)
    return comment


def concern_raise(*, actor: Any, proposal: Proposal, title: str, body: str = "") -> Concern:
    """A member names a blocking concern; until it is resolved the proposal is not accepted."""
    if not (is_member(actor) and person_of(actor) is not None):
        raise PermissionDenied("Only members raise concerns.")
    if not title.strip():
        raise DomainError("Name the concern in a few words.")
    with transaction.atomic():
        # Locked, so a concern cannot slip in while the proposal is being accepted.
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if not can_raise_concern(actor, proposal):
            raise DomainError(
                f"A proposal that is {proposal.get_status_display().lower()} takes no new concerns."
            )
        concern = Concern.objects.create(
            proposal=proposal, title=title.strip(), body=body, raised_by=person_of(actor)
        )
        audit_record(
            actor=actor, action="concern.raise", obj=concern, after={"title": concern.title}
        )
        notifications.concern_changed(concern=concern, actor=actor)
    return concern


def concern_resolve(
    *, actor: Any, concern: Concern, resolution: str, reopen: bool = False
) -> Concern:
    """Only the member who raised it, or a chair, resolves a concern (or reopens it)."""
    if not can_resolve_concern(actor, concern):
        raise PermissionDenied("Only the member who raised a concern, or a chair, resolves it.")
    if not reopen and not resolution.strip():
        raise DomainError("Say how the concern was resolved.")
    target = ConcernStatus.OPEN if reopen else ConcernStatus.RESOLVED
    with transaction.atomic():
        locked = (
            Concern.objects.select_for_update(of=("self",))
            .select_related("proposal")
            .get(pk=concern.pk)
        )
        if reopen and locked.proposal.status not in PROPOSAL_OPEN:
            raise DomainError("The proposal has been decided; open a new proposal instead.")
        moved = move(
            lifecycle=CONCERN,
            obj=locked,
            target=target,
            actor=actor,
            held=frozenset({AUTHOR, CHAIR}),
            reason=resolution,
            changes={
                "resolved_by": None if reopen else person_of(actor),
                "resolved_at": None if reopen else timezone.now(),
                "resolution": "" if reopen else resolution.strip(),
            },
        )
        notifications.concern_changed(concern=locked, actor=actor, event_id=moved.event.pk)
    return locked
