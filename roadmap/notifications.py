"""What the roadmap tells people, through the working group's outbox.

Services call one function here at each event, inside their transaction, so a message exists
exactly when its event committed:

- votes (kind ``roadmap.vote``), to the people who can cast a ballot for an organisation of the
  electorate: a vote opens, reminders a day and an hour before it closes (to the organisations
  that have not voted; ``services.reminders`` decides when), a vote closes with its result, is
  concluded after a tie-break, or is cancelled;
- proposals (``roadmap.proposal``), to their watchers and person in charge: a change of state,
  a comment, a blocking concern raised, resolved or reopened;
- decisions (``roadmap.decision``), to the watchers and person in charge of the decided
  proposal;
- schedules (``roadmap.schedule``), to every current member and submitter contact: a round's
  submission or publication date moves.

Every event key names one event (a vote's reminder also names the organisation and the offset),
so an event announced twice sends nothing new. The person who acted is never told of their own
action, and nobody is told what they may not read: a draft only reaches its author, its person
in charge and the chairs; comments, the members' discussion, only current members.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from core.timezones import format_wg_time
from roadmap.electorate import ballot_holders
from roadmap.models import (
    Comment,
    Concern,
    ConcernStatus,
    Decision,
    Proposal,
    ProposalStatus,
    ReminderKind,
    Round,
    Vote,
)
from roadmap.permissions import person_of
from wg.models import Notification, Organization, Person, Role, RoleAssignment
from wg.notifications import kind_register, notification_enqueue, recipients_for_people
from wg.notifications.outbox import absolute_url
from wg.permissions import MEMBER_ROLES

if TYPE_CHECKING:
    from roadmap.services.transitions import Moved

VOTE = kind_register(
    "roadmap.vote",
    "Votes",
    "A vote your organisation takes part in opens, still lacks your organisation's ballot a "
    "day and an hour before it closes, or closes with its result.",
)
PROPOSAL = kind_register(
    "roadmap.proposal",
    "Proposals you watch",
    "A proposal you watch or are in charge of changes state, gets a comment, or a blocking "
    "concern on it is raised or resolved.",
)
DECISION = kind_register(
    "roadmap.decision",
    "Decisions on proposals you watch",
    "A decision is recorded on a proposal you watch or are in charge of.",
)

SCHEDULE = kind_register(
    "roadmap.schedule",
    "Round schedules",
    "A round's submission or publication date moves.",
)

WHEN = {ReminderKind.DAY: "in a day", ReminderKind.HOUR: "in an hour"}
# "P-4 is …" for the states whose label does not read well there.
_PHRASES = {
    ProposalStatus.VOTING: "put to a vote",
    ProposalStatus.CALL_FOR_OBJECTIONS: "under a call for objections",
}


# --- Votes ------------------------------------------------------------------------------------


def _electorate_people(vote: Vote, *, actor: Any = None) -> list[Person]:
    """Everyone who can cast a ballot in ``vote``, for any organisation, but the actor."""
    acting = person_of(actor)
    people: dict[int, Person] = {}
    for family in ballot_holders(vote=vote).values():
        people.update((p.pk, p) for p in family)
    return [p for p in people.values() if acting is None or p.pk != acting.pk]


def _vote_message(
    vote: Vote, event: str, people: Iterable[Person], subject: str, template: str, **context: Any
) -> list[Notification]:
    return notification_enqueue(
        kind=VOTE.code,
        event_key=f"{VOTE.code}:{vote.pk}:{event}",
        recipients=recipients_for_people(people),
        subject=subject,
        template=template,
        context={"vote": vote, "closes": format_wg_time(vote.closes_at), **context},
        url=vote.get_absolute_url(),
    )


def vote_opened(*, vote: Vote, actor: Any) -> list[Notification]:
    """The electorate hears that a vote is open and until when."""
    return _vote_message(
        vote,
        "open",
        _electorate_people(vote, actor=actor),
        f"Vote open until {format_wg_time(vote.closes_at)}: {vote.question}",
        "roadmap/email/vote_open.txt",
        electors=list(vote.electors.order_by("name")),
    )


def vote_reminded(
    *, vote: Vote, organization: Organization, kind: str, people: list[Person]
) -> list[Notification]:
    """Remind the people who can cast ``organization``'s ballot that it has not voted. The key
    names the organisation and the offset: each reminder goes out once, whoever runs it."""
    return _vote_message(
        vote,
        f"reminder:{organization.pk}:{kind}",
        people,
        f"Vote closes {WHEN[kind]}: {organization.name} has not voted on {vote.question}",
        "roadmap/email/vote_reminder.txt",
        organization=organization,
        when=WHEN[kind],
    )


def vote_closed(*, vote: Vote, decision: Decision | None) -> list[Notification]:
    """The electorate hears the count and what follows from it."""
    result = vote.tally or {}
    return _vote_message(
        vote,
        "closed",
        _electorate_people(vote),
        f"Vote closed: {vote.question} — {_result_phrase(result)}",
        "roadmap/email/vote_result.txt",
        result=result,
        result_sentence=_result_sentence(vote, result, decision),
        decision=decision,
        decision_url=absolute_url(decision.get_absolute_url()) if decision else "",
    )


def vote_concluded(*, vote: Vote, decision: Decision, actor: Any) -> list[Notification]:
    """A closed vote the count left open (a tie, or a concern) has its decision now."""
    result = decision.tally or vote.tally or {}
    return _vote_message(
        vote,
        "concluded",
        _electorate_people(vote, actor=actor),
        f"Vote decided: {vote.question} — {_result_phrase(result)}",
        "roadmap/email/vote_result.txt",
        result=result,
        result_sentence=_result_sentence(vote, result, decision),
        decision=decision,
        decision_url=absolute_url(decision.get_absolute_url()) if decision else "",
    )


def vote_cancelled(*, vote: Vote, actor: Any, reason: str) -> list[Notification]:
    return _vote_message(
        vote,
        "cancelled",
        _electorate_people(vote, actor=actor),
        f"Vote cancelled: {vote.question}",
        "roadmap/email/vote_cancelled.txt",
        reason=reason,
    )


def _result_phrase(result: dict[str, Any]) -> str:
    status = result.get("status")
    if status == "no_quorum":
        return "no quorum"
    if status == "tie":
        return "tied between " + ", ".join(f"“{o}”" for o in result.get("tied", []))
    if result.get("outcome") is not None:
        return f"“{result['outcome']}” wins" + (" by draw" if status == "decided_by_draw" else "")
    return str(status or "counted")


def _result_sentence(vote: Vote, result: dict[str, Any], decision: Decision | None) -> str:
    counted = (
        f"{result.get('counted', 0)} of {len(result.get('voting_organizations', []))} "
        "voting organisations counted"
    )
    status = result.get("status")
    if status == "no_quorum":
        return (
            f"The vote did not reach its quorum ({counted}, {result.get('quorum_needed')} "
            "needed): it decided nothing"
            + (", and the proposal is back in discussion." if vote.proposal_id else ".")
        )
    if decision is not None:
        return f"{_result_phrase(result)} ({counted}). Decision: {decision.title}."
    if status == "tie":
        return f"It is {_result_phrase(result)} ({counted}); the chairs record the tie-break."
    return (
        f"{_result_phrase(result)} ({counted}). The proposal is accepted once its "
        "open concerns are resolved."
    )


# --- Proposals ------------------------------------------------------------------------------


def _readers(proposal: Proposal, people: Iterable[Person], *, discussion: bool) -> list[Person]:
    """Those of ``people`` who may read this about ``proposal`` today (see the module doc)."""
    people = list(people)
    ids = {p.pk for p in people}
    current = RoleAssignment.objects.current().filter(person_id__in=ids)
    chairs = set(current.filter(role=Role.CHAIR).values_list("person_id", flat=True))
    admins = set(
        Person.objects.filter(pk__in=ids, user__is_superuser=True).values_list("pk", flat=True)
    )
    members = set(current.filter(role__in=MEMBER_ROLES).values_list("person_id", flat=True))
    in_charge = {proposal.author_id, proposal.person_in_charge_id}
    readers = []
    for person in people:
        sees = proposal.status != ProposalStatus.DRAFT or person.pk in in_charge | chairs | admins
        if sees and (not discussion or person.pk in members | admins):
            readers.append(person)
    return readers


def _followers(proposal: Proposal, *, actor: Any, discussion: bool = False) -> list[Person]:
    """The watchers and the person in charge, minus the actor, who may read the event."""
    acting = person_of(actor)
    people = Person.objects.select_related("user").filter(
        Q(watched_proposals=proposal) | Q(pk=proposal.person_in_charge_id or 0)
    )
    if acting is not None:
        people = people.exclude(pk=acting.pk)
    return _readers(proposal, people.distinct().order_by("full_name"), discussion=discussion)


def _proposal_message(
    proposal: Proposal,
    event: str,
    people: list[Person],
    subject: str,
    text: str,
    *,
    actor: Any,
    url: str = "",
    **context: Any,
) -> list[Notification]:
    return notification_enqueue(
        kind=PROPOSAL.code,
        event_key=f"{PROPOSAL.code}:{proposal.pk}:{event}",
        recipients=recipients_for_people(people),
        subject=f"{proposal.reference} {subject}: {proposal.title}",
        template="roadmap/email/proposal_event.txt",
        context={"proposal": proposal, "text": text, **context},
        url=url or proposal.get_absolute_url(),
    )


def _name(actor: Any) -> str:
    person = person_of(actor)
    if person is not None:
        return person.full_name
    return "the service" if actor is None else (actor.get_full_name() or actor.get_username())


def proposal_moved(
    *, proposal: Proposal, moved: Moved, actor: Any, reason: str = "", url: str = ""
) -> list[Notification]:
    """A move along the proposal's table (not a decision: ``decision_recorded`` says those).
    The move's audit event names it, so going back and forth is told each time."""
    text = (
        f"“{moved.edge.action}”, by {_name(actor)}: the proposal went from "
        f"“{ProposalStatus(moved.source).label}” to “{proposal.get_status_display()}”."
    )
    if proposal.status == ProposalStatus.SCHEDULED and proposal.scheduled_for:
        text += f" It is on the agenda of the meeting of {proposal.scheduled_for:%a %d %b %Y}."
    if proposal.status == ProposalStatus.CALL_FOR_OBJECTIONS and proposal.objections_close_at:
        text += f" Objections are heard until {format_wg_time(proposal.objections_close_at)}."
    return _proposal_message(
        proposal,
        f"move:{moved.event.pk}",
        _followers(proposal, actor=actor),
        f"is {_PHRASES.get(proposal.status, proposal.get_status_display().lower())}",
        text,
        actor=actor,
        url=url,
        reason=reason,
    )


def comment_added(*, comment: Comment, actor: Any) -> list[Notification]:
    proposal = comment.proposal
    return _proposal_message(
        proposal,
        f"comment:{comment.pk}",
        _followers(proposal, actor=actor, discussion=True),
        f"new comment by {comment.author.full_name}",
        f"{comment.author.full_name} commented:",
        actor=actor,
        quote=comment.body,
    )


def concern_changed(*, concern: Concern, actor: Any, event_id: int = 0) -> list[Notification]:
    """A concern raised (``event_id`` 0), or resolved or reopened (the move's audit event)."""
    proposal = concern.proposal
    if not event_id:
        what, who, quote = "raised", concern.raised_by.full_name, concern.body
    else:
        resolved = concern.status == ConcernStatus.RESOLVED
        what, who = ("resolved" if resolved else "reopened"), _name(actor)
        quote = concern.resolution if resolved else ""
    blocks = (
        "While it is open, the proposal cannot be accepted."
        if concern.status == ConcernStatus.OPEN
        else "It no longer blocks the proposal."
    )
    return _proposal_message(
        proposal,
        f"concern:{concern.pk}:{what}:{event_id}",
        _followers(proposal, actor=actor),
        f"concern “{concern.title}” {what}",
        f"{who} {what} the blocking concern “{concern.title}”. {blocks}",
        actor=actor,
        quote=quote,
    )


def decision_recorded(*, decision: Decision, actor: Any) -> list[Notification]:
    """The watchers and person in charge of the decided proposal hear the decision."""
    proposal = decision.proposal
    if proposal is None:
        return []
    return notification_enqueue(
        kind=DECISION.code,
        event_key=f"{DECISION.code}:{decision.reference}",
        recipients=recipients_for_people(_followers(proposal, actor=actor)),
        subject=f"Decision {decision.reference}: {decision.title}",
        template="roadmap/email/decision.txt",
        context={
            "decision": decision,
            "proposal": proposal,
            "proposal_url": absolute_url(proposal.get_absolute_url()),
        },
        url=decision.get_absolute_url(),
    )


# --- Round schedules --------------------------------------------------------------------------


def round_rescheduled(
    *, round: Round, before: tuple[Any, Any], reason: str, event_id: int, actor: Any
) -> list[Notification]:
    """Every current member and submitter contact but the chair who moved it hears the new
    dates and why. ``before`` is (submission date, publication date) as they were; the key
    names the audit event, so each reschedule is told once."""
    acting = person_of(actor)
    holders = RoleAssignment.objects.current().filter(role__in=MEMBER_ROLES)
    people = Person.objects.select_related("user").filter(pk__in=holders.values("person"))
    if acting is not None:
        people = people.exclude(pk=acting.pk)
    return notification_enqueue(
        kind=SCHEDULE.code,
        event_key=f"{SCHEDULE.code}:{round.pk}:{event_id}",
        recipients=recipients_for_people(people.order_by("full_name")),
        subject=f"{round.name} now submits on {round.submission_date:%a %-d %b %Y}",
        template="roadmap/email/round_rescheduled.txt",
        context={
            "round": round,
            "old_submission": before[0],
            "old_publication": before[1],
            "reason": reason,
        },
        url=round.get_roadmap_url(),
    )
