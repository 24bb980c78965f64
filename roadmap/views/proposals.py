"""Proposal pages: the list, filing and editing, and every action on a proposal."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.errors import DomainError
from core.timezones import wg_zone
from roadmap.forms import (
    CommentForm,
    ConcernForm,
    DecideForm,
    LinkForm,
    ProposalCreateForm,
    ProposalForm,
    ResolveForm,
    TransitionForm,
    VoteForm,
)
from roadmap.models import Concern, Proposal, ProposalKind, ProposalStatus, Round, RuleDocument
from roadmap.permissions import can_edit_proposal, can_edit_rules, can_file_proposal
from roadmap.selectors import proposals as selectors
from roadmap.selectors.rules import proposal_rule_revisions
from roadmap.services import decisions, proposals, votes
from roadmap.views.base import action, cleaned, found


@require_GET
def proposal_list(request: HttpRequest) -> HttpResponse:
    filters = {k: request.GET.get(k, "").strip() for k in selectors.FILTERS}
    return render(
        request,
        "roadmap/proposal_list.html",
        {
            "proposals": selectors.proposal_list(user=request.user, filters=filters)[:200],
            "filters": filters,
            "statuses": ProposalStatus.choices,
            "kinds": ProposalKind.choices,
            "rounds": Round.objects.order_by("-name").values_list("name", flat=True),
            "can_file": can_file_proposal(request.user),
        },
    )


def _proposal(request: HttpRequest, pk: int) -> Proposal:
    return found(lambda: selectors.proposal_get_for_user(user=request.user, pk=pk))


@require_GET
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    now = timezone.now()
    with timezone.override(wg_zone()):
        return render(
            request,
            "roadmap/proposal_detail.html",
            {
                "p": selectors.proposal_page(user=request.user, proposal=proposal, now=now),
                "now": now,
                "vote_form": VoteForm(initial={"options": "yes, no"}),
                "decide_form": DecideForm(),
                "rule_revisions": proposal_rule_revisions(user=request.user, proposal=proposal),
                "can_start_draft": can_edit_rules(request.user)
                and proposal.status == ProposalStatus.ACCEPTED,
                "rule_documents": RuleDocument.objects.order_by("slug"),
            },
        )


@login_required
def proposal_create(request: HttpRequest) -> HttpResponse:
    if not can_file_proposal(request.user):
        raise Http404("Not found")
    form = ProposalCreateForm(
        request.POST or None, initial={"target_round": request.GET.get("round")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            proposal = proposals.proposal_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{proposal.reference} is filed as a draft.")
            if "submit" in request.POST:
                try:
                    proposals.proposal_transition(
                        actor=request.user, proposal=proposal, to="submitted"
                    )
                    messages.success(request, f"{proposal.reference} is submitted.")
                except DomainError as exc:
                    messages.error(request, str(exc))
            return redirect(proposal)
    return render(request, "roadmap/proposal_form.html", {"form": form, "proposal": None})


@login_required
def proposal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    if not can_edit_proposal(request.user, proposal):
        raise Http404("Not found")
    initial: dict[str, Any] = {
        "title": proposal.title,
        "kind": proposal.kind,
        "body": proposal.body,
        "target_round": proposal.target_round,
        "benchmark": proposal.benchmark,
        "person_in_charge": proposal.person_in_charge,
        "rule_document": proposal.rule_document,
    }
    form = ProposalForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            proposals.proposal_update(actor=request.user, proposal=proposal, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{proposal.reference} is saved.")
            return redirect(proposal)
    return render(request, "roadmap/proposal_form.html", {"form": form, "proposal": proposal})


@action
def proposal_transition(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    data = cleaned(TransitionForm(request.POST))
    moved = proposals.proposal_transition(actor=request.user, proposal=proposal, **data)
    messages.success(request, f"{proposal.reference} is now {moved.get_status_display().lower()}.")
    return redirect(proposal)


@action
def proposal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    data = cleaned(DecideForm(request.POST))
    newer = data.pop("superseded_by")
    decision = decisions.proposal_decide(
        actor=request.user,
        proposal=proposal,
        superseded_by=get_object_or_404(Proposal, pk=newer) if newer else None,
        **data,
    )
    messages.success(request, f"Recorded {decision.reference}.")
    return redirect(proposal)


@action
def vote_create(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    vote = votes.vote_open(actor=request.user, proposal=proposal, **cleaned(VoteForm(request.POST)))
    messages.success(request, "The vote is open.")
    return redirect(vote)


@action
def link_create(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    proposals.proposal_link_add(
        actor=request.user, proposal=proposal, **cleaned(LinkForm(request.POST))
    )
    return redirect(proposal)


@action
def proposal_watch(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    proposals.proposal_watch(
        actor=request.user, proposal=proposal, watching=request.POST.get("watching") == "1"
    )
    return redirect(proposal)


@action
def comment_create(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    comment = proposals.comment_add(
        actor=request.user, proposal=proposal, **cleaned(CommentForm(request.POST))
    )
    return redirect(proposal.get_absolute_url() + f"#comment-{comment.pk}")


@action
def concern_create(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    concern = proposals.concern_raise(
        actor=request.user, proposal=proposal, **cleaned(ConcernForm(request.POST))
    )
    return redirect(proposal.get_absolute_url() + f"#concern-{concern.pk}")


@action
def concern_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    concern = get_object_or_404(Concern, pk=pk)
    _proposal(request, concern.proposal_id)  # 404 where the proposal is not visible
    proposals.concern_resolve(
        actor=request.user, concern=concern, **cleaned(ResolveForm(request.POST))
    )
    return redirect(concern.proposal.get_absolute_url() + f"#concern-{concern.pk}")
