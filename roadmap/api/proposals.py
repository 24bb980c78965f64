"""API: proposals, their links, watchers, comments and concerns, decisions and votes on them."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from core.errors import NotFound
from core.markdown import render_markdown
from roadmap.api import out
from roadmap.api import schemas as s
from roadmap.api.rounds import aware
from roadmap.api.votes import vote_out
from roadmap.models import Benchmark, Concern, Proposal, Round, RuleDocument
from roadmap.selectors import proposals as selectors
from roadmap.services import decisions, proposals, votes
from wg.api_auth import auth_optional, auth_required
from wg.models import Person

router = Router(tags=["roadmap proposals"])


class ProposalFilters(Schema):
    status: str = ""
    kind: str = ""
    round: str = ""
    q: str = ""


def _detail(request: HttpRequest, proposal: Proposal) -> s.ProposalDetailOut:
    page = selectors.proposal_page(user=request.user, proposal=proposal, now=timezone.now())
    return s.ProposalDetailOut(
        **out.proposal_fields(proposal, user=request.user),
        body=proposal.body,
        body_html=str(render_markdown(proposal.body)),
        needs=page.needs,
        scheduled_for=proposal.scheduled_for,
        objections_close_at=proposal.objections_close_at,
        links=[s.LinkOut(url=x.url, kind=x.kind, title=x.title) for x in proposal.links.all()],
        concerns=[_concern(c) for c in page.concerns],
        comments=[
            s.CommentOut(id=c.pk, author=c.author.slug, body=c.body, created_at=c.created_at)
            for c in page.comments
        ]
        if page.may["discussion"]
        else None,
        decisions=[out.decision(d) for d in page.decisions],
        votes=[out.vote_summary(v) for v in page.votes],
        moves=[e.target for e in page.moves],
    )


def _concern(c: Concern) -> s.ConcernOut:
    return s.ConcernOut(
        id=c.pk,
        title=c.title,
        body=c.body,
        raised_by=c.raised_by.slug,
        raised_at=c.raised_at,
        status=c.status,
        resolved_by=c.resolved_by.slug if c.resolved_by else None,
        resolution=c.resolution,
    )


def _get(request: HttpRequest, pk: int) -> Proposal:
    return selectors.proposal_get_for_user(user=request.user, pk=pk)


def _references(payload: Any) -> dict[str, Any]:
    """Names in the payload to rows; an unknown name is a clear 404."""

    def lookup(model: Any, field: str, value: str | None, what: str) -> Any:
        if not value:
            return None
        row = model.objects.filter(**{field: value}).first()
        if row is None:
            raise NotFound(f"No {what} {value!r}.")
        return row

    return {
        "target_round": lookup(Round, "name", payload.target_round, "round"),
        "benchmark": lookup(Benchmark, "slug", payload.benchmark, "benchmark"),
        "person_in_charge": lookup(Person, "slug", payload.person_in_charge, "person"),
        "rule_document": lookup(RuleDocument, "slug", payload.rule_document, "rule document"),
    }


@router.get("/proposals", response=list[s.ProposalOut], auth=auth_optional)
def proposal_list(
    request: HttpRequest, filters: ProposalFilters = Query(...)
) -> list[s.ProposalOut]:
    rows = selectors.proposal_list(user=request.user, filters=filters.dict())[:500]
    return [s.ProposalOut(**out.proposal_fields(p, user=request.user)) for p in rows]


@router.post("/proposals", response={201: s.ProposalDetailOut}, auth=auth_required)
def proposal_create(request: HttpRequest, payload: s.ProposalCreateIn) -> Status:
    proposal = proposals.proposal_create(
        actor=request.user,
        title=payload.title,
        kind=payload.kind,
        body=payload.body,
        links=payload.links,
        **_references(payload),
    )
    if payload.submit:
        proposals.proposal_transition(actor=request.user, proposal=proposal, to="submitted")
    return Status(201, _detail(request, _get(request, proposal.pk)))


@router.get("/proposals/{pk}", response=s.ProposalDetailOut, auth=auth_optional)
def proposal_detail(request: HttpRequest, pk: int) -> s.ProposalDetailOut:
    return _detail(request, _get(request, pk))


@router.put("/proposals/{pk}", response=s.ProposalDetailOut, auth=auth_required)
def proposal_update(
    request: HttpRequest, pk: int, payload: s.ProposalUpdateIn
) -> s.ProposalDetailOut:
    proposal = proposals.proposal_update(
        actor=request.user,
        proposal=_get(request, pk),
        title=payload.title,
        kind=payload.kind,
        body=payload.body,
        **_references(payload),
    )
    return _detail(request, _get(request, proposal.pk))


@router.post("/proposals/{pk}/transition", response=s.ProposalDetailOut, auth=auth_required)
def proposal_transition(
    request: HttpRequest, pk: int, payload: s.TransitionIn
) -> s.ProposalDetailOut:
    proposals.proposal_transition(
        actor=request.user,
        proposal=_get(request, pk),
        to=payload.to,
        reason=payload.reason,
        scheduled_for=payload.scheduled_for,
        objections_close_at=aware(payload.objections_close_at),
    )
    return _detail(request, _get(request, pk))


@router.post("/proposals/{pk}/decision", response={201: s.DecisionOut}, auth=auth_required)
def proposal_decide(request: HttpRequest, pk: int, payload: s.DecideIn) -> Status:
    decision = decisions.proposal_decide(
        actor=request.user,
        proposal=_get(request, pk),
        outcome=payload.outcome,
        text=payload.text,
        meeting_on=payload.meeting_on,
        superseded_by=get_object_or_404(Proposal, pk=payload.superseded_by)
        if payload.superseded_by
        else None,
    )
    return Status(201, out.decision(decision))


@router.post("/proposals/{pk}/votes", response={201: s.VoteOut}, auth=auth_required)
def vote_open(request: HttpRequest, pk: int, payload: s.VoteOpenIn) -> Status:
    vote = votes.vote_open(
        actor=request.user,
        proposal=_get(request, pk),
        method=payload.method,
        closes_at=aware(payload.closes_at),
        options=payload.options,
        electorate=payload.electorate,
        quorum=payload.quorum,
        question=payload.question,
    )
    return Status(201, vote_out(request, vote))


@router.post("/proposals/{pk}/comments", response={201: s.CommentOut}, auth=auth_required)
def comment_create(request: HttpRequest, pk: int, payload: s.CommentIn) -> Status:
    c = proposals.comment_add(actor=request.user, proposal=_get(request, pk), body=payload.body)
    return Status(
        201, s.CommentOut(id=c.pk, author=c.author.slug, body=c.body, created_at=c.created_at)
    )


@router.post("/proposals/{pk}/concerns", response={201: s.ConcernOut}, auth=auth_required)
def concern_create(request: HttpRequest, pk: int, payload: s.ConcernIn) -> Status:
    concern = proposals.concern_raise(
        actor=request.user, proposal=_get(request, pk), title=payload.title, body=payload.body
    )
    return Status(201, _concern(concern))


@router.post("/concerns/{pk}/resolve", response=s.ConcernOut, auth=auth_required)
def concern_resolve(request: HttpRequest, pk: int, payload: s.ResolveIn) -> s.ConcernOut:
    concern = get_object_or_404(Concern, pk=pk)
    _get(request, concern.proposal_id)
    return _concern(
        proposals.concern_resolve(
            actor=request.user,
            concern=concern,
            resolution=payload.resolution,
            reopen=payload.reopen,
        )
    )


@router.post("/proposals/{pk}/links", response={201: s.LinkOut}, auth=auth_required)
def link_create(request: HttpRequest, pk: int, payload: s.LinkIn) -> Status:
    link = proposals.proposal_link_add(
        actor=request.user, proposal=_get(request, pk), url=payload.url, title=payload.title
    )
    return Status(201, s.LinkOut(url=link.url, kind=link.kind, title=link.title))


@router.put("/proposals/{pk}/watch", response=s.WatchIn, auth=auth_required)
def proposal_watch(request: HttpRequest, pk: int, payload: s.WatchIn) -> s.WatchIn:
    proposals.proposal_watch(
        actor=request.user, proposal=_get(request, pk), watching=payload.watching
    )
    return payload
