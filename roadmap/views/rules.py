"""The rule documents for readers: the documents, a revision with its table of contents, the
diff of two revisions by section, a section's history, a draft. Every page shows HTML stored at
import; nothing is rendered per request."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from roadmap.permissions import can_edit_rules, can_view_rule_drafts
from roadmap.selectors import rules as selectors
from roadmap.views.base import found


@require_GET
def rules_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "roadmap/rules_list.html",
        {
            "rows": selectors.rule_document_list(user=request.user),
            "can_edit": can_edit_rules(request.user),
        },
    )


@require_GET
def rules_document(request: HttpRequest, document: str) -> HttpResponse:
    doc = found(lambda: selectors.rule_document_get(user=request.user, slug=document))
    revisions = selectors.rule_revision_list(document=doc)
    return render(
        request,
        "roadmap/rules_document.html",
        {
            "document": doc,
            "revisions": revisions,
            "drafts": selectors.rule_draft_list(user=request.user, document=doc),
            "can_edit": can_edit_rules(request.user),
            "can_view_drafts": can_view_rule_drafts(request.user),
        },
    )


@require_GET
def rules_compare(request: HttpRequest, document: str) -> HttpResponse:
    """The document page's "compare" form: on to the diff of the two chosen revisions."""
    found(lambda: selectors.rule_document_get(user=request.user, slug=document))
    a, b = request.GET.get("a", ""), request.GET.get("b", "")
    if not (a.isdigit() and b.isdigit()):
        raise Http404("Choose two revisions to compare.")
    return redirect("roadmap:rules-diff", document, int(a), int(b))


@require_GET
def rules_revision(request: HttpRequest, document: str, number: int) -> HttpResponse:
    revision = found(
        lambda: selectors.rule_revision_get(user=request.user, slug=document, number=number)
    )
    latest = selectors.latest_revision(revision.document)
    return render(
        request,
        "roadmap/rules_revision.html",
        {
            "revision": revision,
            "document": revision.document,
            "sections": selectors.revision_sections(revision),
            "latest": latest,
            "can_edit": can_edit_rules(request.user) and latest is not None and latest == revision,
        },
    )


@require_GET
def rules_revision_source(request: HttpRequest, document: str, number: int) -> HttpResponse:
    """The AsciiDoc as imported, as plain text (never as HTML)."""
    revision = found(
        lambda: selectors.rule_revision_get(user=request.user, slug=document, number=number)
    )
    response = HttpResponse(revision.source, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{document}.r{number}.adoc"'
    return response


@require_GET
def rules_diff(request: HttpRequest, document: str, a: int, b: int) -> HttpResponse:
    diff = found(lambda: selectors.rule_diff_get(user=request.user, slug=document, a=a, b=b))
    return render(
        request,
        "roadmap/rules_diff.html",
        {
            "diff": diff,
            "document": diff.document,
            "view": "side" if request.GET.get("view") == "side" else "inline",
        },
    )


@require_GET
def rules_section(request: HttpRequest, document: str, anchor: str) -> HttpResponse:
    history = found(
        lambda: selectors.section_history(user=request.user, slug=document, anchor=anchor)
    )
    return render(
        request, "roadmap/rules_section.html", {"history": history, "document": history.document}
    )


@require_GET
def rules_draft(request: HttpRequest, document: str, pk: int) -> HttpResponse:
    draft = found(lambda: selectors.rule_draft_get(user=request.user, slug=document, pk=pk))
    return render(
        request,
        "roadmap/rules_draft.html",
        {
            "draft": draft,
            "document": draft.document,
            "sections": selectors.revision_sections(draft),
            "diff": selectors.revision_diff(draft.base, draft) if draft.base else None,
            "latest": selectors.latest_revision(draft.document),
            "can_edit": can_edit_rules(request.user),
        },
    )
