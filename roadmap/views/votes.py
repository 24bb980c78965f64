"""A vote's page, ballots, and the chairs' closing, tie-breaks and cancellations."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.timezones import wg_zone
from roadmap.forms import BallotForm, CancelForm, ConcludeForm
from roadmap.models import VoteMethod
from roadmap.permissions import can_view_ballots
from roadmap.selectors.votes import vote_get, vote_page
from roadmap.services import votes as services
from roadmap.views.base import action, cleaned, found
from roadmap.voting import tally_file
from wg.models import Organization


@require_GET
def vote_detail(request: HttpRequest, pk: int) -> HttpResponse:
    vote = found(lambda: vote_get(pk))
    with timezone.override(wg_zone()):
        return render(
            request,
            "roadmap/vote_detail.html",
            {
                "v": vote_page(user=request.user, vote=vote),
                "now": timezone.now(),
                "ranks": range(1, len(vote.options) + 1),
                "condorcet": vote.method == VoteMethod.CONDORCET,
            },
        )


@action
def ballot_create(request: HttpRequest, pk: int) -> HttpResponse:
    vote = found(lambda: vote_get(pk))
    data = cleaned(BallotForm(request.POST))
    ranking = [r for r in request.POST.getlist("rank") if r] if "rank" in request.POST else None
    organization = (
        Organization.objects.filter(slug=data["organization"]).first()
        if data["organization"]
        else None
    )
    ballot = services.ballot_cast(
        actor=request.user,
        vote=vote,
        choice=data["choice"] or None,
        ranking=ranking,
        recuse=data["recuse"],
        organization=organization,
    )
    messages.success(
        request, f"Your ballot for {ballot.voting_organization.name} is recorded: {ballot.summary}."
    )
    return redirect(vote)


@action
def vote_close(request: HttpRequest, pk: int) -> HttpResponse:
    vote = found(lambda: vote_get(pk))
    services.vote_close(actor=request.user, vote=vote)
    return redirect(vote)


@action
def vote_conclude(request: HttpRequest, pk: int) -> HttpResponse:
    vote = found(lambda: vote_get(pk))
    services.vote_conclude(actor=request.user, vote=vote, **cleaned(ConcludeForm(request.POST)))
    return redirect(vote)


@action
def vote_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    vote = found(lambda: vote_get(pk))
    services.vote_cancel(actor=request.user, vote=vote, **cleaned(CancelForm(request.POST)))
    return redirect(vote)


@require_GET
def vote_tally_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The vote as a tally file, for a recount with ``manage.py tally`` (members: it lists
    who voted how)."""
    if not can_view_ballots(request.user):
        raise Http404("Not found")
    vote = found(lambda: vote_get(pk))
    response = HttpResponse(tally_file(vote), content_type="text/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="vote-{vote.pk}.yaml"'
    return response
