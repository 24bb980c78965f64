"""The chairs' rule pages: upload a file as a new revision, edit one section, work on drafts.
Forms check shape; the rules services decide (and refuse with the reason)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from core.errors import DomainError
from roadmap.models import Proposal
from roadmap.permissions import can_edit_rules, person_of
from roadmap.rule_forms import (
    DocumentSettingsForm,
    DraftUploadForm,
    PublishForm,
    SectionEditForm,
    UploadForm,
)
from roadmap.rule_inputs import decision_named, read_upload
from roadmap.selectors import rules as selectors
from roadmap.services.rules import drafts, revisions
from roadmap.views.base import action, cleaned, found


def _chairs_only(request: HttpRequest) -> None:
    if not can_edit_rules(request.user):
        raise Http404("Not found")


@login_required
def rules_upload(request: HttpRequest) -> HttpResponse:
    _chairs_only(request)
    form = UploadForm(request.POST or None, request.FILES or None, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = revisions.rule_revision_import(
                actor=request.user,
                document=data["document"],
                source=read_upload(data["file"]),
                file_name=data["file"].name,
                message=data["message"],
                date=data["date"],
                decision=decision_named(data["decision"]),
                public=not data["members_only"],
                author=person_of(request.user),
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            if result.revision is None:
                form.add_error(
                    None,
                    f"Nothing imported: {data['file'].name} equals revision "
                    f"{result.latest.number} of {result.document.slug}.",  # type: ignore[union-attr]
                )
            else:
                messages.success(request, f"Imported as {result.revision.label}.")
                return redirect(result.revision)
    return render(request, "roadmap/rules_upload.html", {"form": form})


def _section_text(revision: Any, anchor: str) -> Any:
    section = selectors.sectioned(revision).by_anchor(anchor)
    if section is None:
        raise Http404(f"There is no section {anchor!r} in {revision.label}.")
    return section


def _edit_section(request: HttpRequest, revision: Any, anchor: str) -> HttpResponse:
    section = _section_text(revision, anchor)
    form = SectionEditForm(request.POST or None, initial={"text": section.text})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            edited = revisions.rule_section_edit(
                actor=request.user,
                revision=revision,
                anchor=anchor,
                text=data["text"],
                message=data["message"],
                decision=decision_named(data["decision"]),
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"“{section.title}” is saved in {edited.label}.")
            return redirect(edited.get_absolute_url() + f"#{anchor}")
    return render(
        request,
        "roadmap/rules_section_edit.html",
        {"form": form, "revision": revision, "document": revision.document, "section": section},
    )


@login_required
def rules_section_edit(request: HttpRequest, document: str, number: int, anchor: str) -> Any:
    _chairs_only(request)
    revision = found(
        lambda: selectors.rule_revision_get(user=request.user, slug=document, number=number)
    )
    latest = selectors.latest_revision(revision.document)
    if latest is not None and latest != revision:
        messages.info(request, f"Sections are edited in the latest revision, {latest.number}.")
        return redirect("roadmap:rules-section-edit", document, latest.number, anchor)
    return _edit_section(request, revision, anchor)


@login_required
def rules_draft_section_edit(request: HttpRequest, document: str, pk: int, anchor: str) -> Any:
    _chairs_only(request)
    draft = found(lambda: selectors.rule_draft_get(user=request.user, slug=document, pk=pk))
    return _edit_section(request, draft, anchor)


@action
def rules_draft_create(request: HttpRequest) -> HttpResponse:
    """From an accepted proposal's page: a draft of the chosen document implementing it."""
    slug = request.POST.get("document", "")
    doc = found(lambda: selectors.rule_document_get(user=request.user, slug=slug))
    proposal = get_object_or_404(Proposal, pk=request.POST.get("proposal") or 0)
    draft = drafts.rule_draft_create(actor=request.user, document=doc, proposal=proposal)
    messages.success(request, f"{draft.label} of {doc.slug} implements {proposal.reference}.")
    return redirect(draft)


@action
def rules_draft_upload(request: HttpRequest, document: str, pk: int) -> HttpResponse:
    draft = found(lambda: selectors.rule_draft_get(user=request.user, slug=document, pk=pk))
    form = DraftUploadForm(request.POST, request.FILES)
    data = cleaned(form)
    drafts.rule_draft_update(
        actor=request.user,
        draft=draft,
        source=read_upload(data["file"]),
        file_name=data["file"].name,
        message=data["message"],
    )
    messages.success(request, f"{draft.label} now holds {data['file'].name}.")
    return redirect(draft)


@action
def rules_draft_publish(request: HttpRequest, document: str, pk: int) -> HttpResponse:
    draft = found(lambda: selectors.rule_draft_get(user=request.user, slug=document, pk=pk))
    published = drafts.rule_draft_publish(
        actor=request.user, draft=draft, **cleaned(PublishForm(request.POST))
    )
    messages.success(request, f"Published as {published.label}.")
    return redirect(published)


@action
def rules_draft_discard(request: HttpRequest, document: str, pk: int) -> HttpResponse:
    draft = found(lambda: selectors.rule_draft_get(user=request.user, slug=document, pk=pk))
    drafts.rule_draft_discard(actor=request.user, draft=draft)
    messages.success(request, f"{draft.label} is discarded.")
    return redirect(draft.document)


@action
def rules_document_settings(request: HttpRequest, document: str) -> HttpResponse:
    doc = found(lambda: selectors.rule_document_get(user=request.user, slug=document))
    data = cleaned(DocumentSettingsForm(request.POST))
    revisions.rule_document_update(actor=request.user, document=doc, public=data["public"])
    messages.success(request, f"{doc} is {'public' if doc.public else 'for members only'}.")
    return redirect(doc)
