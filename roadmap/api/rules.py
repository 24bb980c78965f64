"""API: rule documents, their revisions and sections, diffs, histories and drafts, mounted at
``/api/rules/``. Public documents are readable anonymously; the others by members (a 404
otherwise, like the pages). Chairs import revisions with a token."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from roadmap.api import rule_schemas as s
from roadmap.models import RuleException, RuleRevision
from roadmap.permissions import person_of
from roadmap.rule_inputs import decision_named, read_upload
from roadmap.selectors import rules as selectors
from roadmap.services.rules.revisions import rule_revision_import
from wg.api_auth import auth_optional, auth_required

router = Router(tags=["rules"])


def revision_out(r: RuleRevision) -> dict:
    return {
        "number": r.number,
        "title": r.title,
        "date": r.date,
        "message": r.message,
        "content_hash": r.content_hash,
        "decision": r.decision.reference if r.decision_id else None,
        "proposal": r.proposal.reference if r.proposal_id else None,
        "author": r.author.slug if r.author_id else None,
        "published_at": r.published_at,
        "url": r.get_absolute_url(),
    }


def exception_out(e: RuleException) -> s.ExceptionOut:
    return s.ExceptionOut(
        id=e.pk,
        round=e.round.name,
        benchmark=e.benchmark.slug if e.benchmark_id else None,
        document=e.document.slug,
        revision=e.revision.number,
        section_anchor=e.section_anchor,
        section_path=e.section_path,
        later_revision=e.later_revision.number if e.later_revision_id else None,
        text=e.text,
        decision=e.decision.reference,
        decision_url=e.decision.get_absolute_url(),
        requested_by=e.requested_by.slug,
        requested_on=e.requested_on,
        recorded_at=e.recorded_at,
    )


@router.get("/rules/", response=list[s.DocumentOut], auth=auth_optional)
def document_list(request: HttpRequest) -> list[s.DocumentOut]:
    return [
        s.DocumentOut(
            slug=row.document.slug,
            title=row.document.title,
            public=row.document.public,
            latest=row.latest.number if row.latest else None,
            revisions=row.revisions,
            url=row.document.get_absolute_url(),
        )
        for row in selectors.rule_document_list(user=request.user)
    ]


@router.get("/rules/{document}/revisions", response=list[s.RevisionOut], auth=auth_optional)
def revision_list(request: HttpRequest, document: str) -> list[dict]:
    doc = selectors.rule_document_get(user=request.user, slug=document)
    return [revision_out(r) for r in selectors.rule_revision_list(document=doc)]


@router.post(
    "/rules/{document}/revisions",
    response={201: s.RevisionDetailOut, 200: s.UnchangedOut},
    auth=auth_required,
)
def revision_import(
    request: HttpRequest,
    document: str,
    file: UploadedFile = File(...),
    message: str = Form(...),
    date: date | None = Form(None),
    decision: str = Form(""),
) -> Status:
    """Import a file as the next revision (chairs). 200 and nothing created when it equals
    the latest revision."""
    result = rule_revision_import(
        actor=request.user,
        document=document,
        source=read_upload(file),
        file_name=file.name or "the file",
        message=message,
        date=date,
        decision=decision_named(decision),
        author=person_of(request.user),
    )
    if result.revision is None:
        latest = result.latest.number  # type: ignore[union-attr]
        detail = f"Nothing imported: the file equals revision {latest} of {document}."
        return Status(200, s.UnchangedOut(detail=detail, number=latest))
    return Status(201, _detail(result.revision))


def _detail(revision: RuleRevision) -> s.RevisionDetailOut:
    slug = revision.document.slug
    return s.RevisionDetailOut(
        **revision_out(revision),
        document=slug,
        source_url=reverse("roadmap:rules-revision-source", args=[slug, revision.number]),
        sections=[
            s.SectionOut(
                path=x.path, title=x.title, anchor=x.anchor, number=x.number, level=x.level
            )
            for x in selectors.revision_sections(revision)
        ],
    )


@router.get("/rules/{document}/revisions/{n}", response=s.RevisionDetailOut, auth=auth_optional)
def revision_detail(request: HttpRequest, document: str, n: int) -> s.RevisionDetailOut:
    return _detail(selectors.rule_revision_get(user=request.user, slug=document, number=n))


@router.get(
    "/rules/{document}/diff/{a}/{b}",
    response=s.DiffOut,
    auth=auth_optional,
    by_alias=True,
    exclude_none=True,
)
def revision_diff(request: HttpRequest, document: str, a: int, b: int) -> s.DiffOut:
    """Exactly the sections added, removed, modified or renamed from revision a to b."""
    diff = selectors.rule_diff_get(user=request.user, slug=document, a=a, b=b, with_text=False)
    return s.DiffOut(
        **{"from": a},
        to=b,
        sections=[
            s.ChangedSectionOut(
                path=c.path, title=c.title, anchor=c.anchor, change=c.change, old_path=c.old_path
            )
            for c in diff.changes
        ],
    )


@router.get("/rules/{document}/sections/{anchor}", response=s.SectionHistoryOut, auth=auth_optional)
def section_history(request: HttpRequest, document: str, anchor: str) -> s.SectionHistoryOut:
    history = selectors.section_history(user=request.user, slug=document, anchor=anchor)
    return s.SectionHistoryOut(
        document=document,
        anchor=anchor,
        path=history.path,
        entries=[
            s.HistoryEntryOut(
                revision=e.revision.number,
                date=e.revision.date,
                change=e.change,
                path=e.path,
                old_path=e.old_path,
                decision=e.revision.decision.reference if e.revision.decision_id else None,
                message=e.revision.message,
            )
            for e in history.entries
        ],
        decisions=[d.reference for d in history.decisions],
        exceptions=[exception_out(e) for e in history.exceptions],
    )


@router.get("/rules/{document}/drafts", response=list[s.DraftOut], auth=auth_optional)
def draft_list(request: HttpRequest, document: str) -> list[s.DraftOut]:
    """Members see the drafts (the list is empty for everyone else)."""
    doc = selectors.rule_document_get(user=request.user, slug=document)
    return [
        s.DraftOut(
            id=d.pk,
            document=doc.slug,
            base=d.base.number if d.base_id else None,
            proposal=d.proposal.reference if d.proposal_id else None,
            decision=d.decision.reference if d.decision_id else None,
            message=d.message,
            content_hash=d.content_hash,
            url=d.get_absolute_url(),
        )
        for d in selectors.rule_draft_list(user=request.user, document=doc)
    ]
