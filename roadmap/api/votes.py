"""API: votes, ballots, closing and concluding; the public register of decisions."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from roadmap.api import out
from roadmap.api import schemas as s
from roadmap.models import Vote
from roadmap.selectors.decisions import decision_get, decision_list
from roadmap.selectors.votes import vote_get, vote_page
from roadmap.services import votes as services
from wg.api_auth import auth_optional, auth_required
from wg.models import Organization

router = Router(tags=["roadmap votes and decisions"])


def vote_out(request: HttpRequest, vote: Vote) -> s.VoteOut:
    page = vote_page(user=request.user, vote=vote)
    return s.VoteOut(
        **out.vote_summary(vote).dict(),
        proposal=vote.proposal_id,
        options=vote.options,
        electorate=vote.electorate,
        quorum=vote.quorum,
        opens_at=vote.opens_at,
        closed_at=vote.closed_at,
        electors=[o.slug for o in page.electors],
        not_voted=[o.slug for o in page.not_voted],
        ballots=[
            s.BallotOut(
                id=b.pk,
                organization=b.organization.slug,
                voting_organization=b.voting_organization.slug,
                person=b.person.slug,
                ballot=b.summary,
                cast_at=b.cast_at,
            )
            for b in page.ballots
        ]
        if page.may_see_ballots
        else None,
        tally=vote.tally,
        decision=page.decision.reference if page.decision else None,
    )


@router.get("/votes/{pk}", response=s.VoteOut, auth=auth_optional)
def vote_detail(request: HttpRequest, pk: int) -> s.VoteOut:
    return vote_out(request, vote_get(pk))


@router.post("/votes/{pk}/ballots", response={201: s.BallotOut}, auth=auth_required)
def ballot_create(request: HttpRequest, pk: int, payload: s.BallotIn) -> Status:
    organization = (
        Organization.objects.filter(slug=payload.organization).first()
        if payload.organization
        else None
    )
    b = services.ballot_cast(
        actor=request.user,
        vote=vote_get(pk),
        choice=payload.choice,
        ranking=payload.ranking,
        recuse=payload.recuse,
        organization=organization,
    )
    return Status(
        201,
        s.BallotOut(
            id=b.pk,
            organization=b.organization.slug,
            voting_organization=b.voting_organization.slug,
            person=b.person.slug,
            ballot=b.summary,
            cast_at=b.cast_at,
        ),
    )


@router.post("/votes/{pk}/close", response=s.VoteOut, auth=auth_required)
def vote_close(request: HttpRequest, pk: int) -> s.VoteOut:
    return vote_out(request, services.vote_close(actor=request.user, vote=vote_get(pk)))


@router.post("/votes/{pk}/conclude", response=s.VoteOut, auth=auth_required)
def vote_conclude(request: HttpRequest, pk: int, payload: s.ConcludeIn) -> s.VoteOut:
    vote = services.vote_conclude(actor=request.user, vote=vote_get(pk), **payload.dict())
    return vote_out(request, vote)


@router.post("/votes/{pk}/cancel", response=s.VoteOut, auth=auth_required)
def vote_cancel(request: HttpRequest, pk: int, payload: s.CancelIn) -> s.VoteOut:
    vote = services.vote_cancel(actor=request.user, vote=vote_get(pk), reason=payload.reason)
    return vote_out(request, vote)


class DecisionFilters(Schema):
    method: str = ""
    outcome: str = ""
    round: str = ""
    year: str = ""
    q: str = ""


@router.get("/decisions", response=list[s.DecisionOut], auth=auth_optional)
def decisions(request: HttpRequest, filters: DecisionFilters = Query(...)) -> list[s.DecisionOut]:
    return [out.decision(d) for d in decision_list(filters=filters.dict())[:500]]


@router.get("/decisions/{reference}", response=s.DecisionOut, auth=auth_optional)
def decision_detail(request: HttpRequest, reference: str) -> s.DecisionOut:
    return out.decision(decision_get(reference))
