"""Request and response schemas of the rules API (``/api/rules/…`` and a round's rules)."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema


class DocumentOut(Schema):
    slug: str
    title: str
    public: bool
    latest: int | None
    revisions: int
    url: str


class RevisionOut(Schema):
    number: int
    title: str
    date: date
    message: str
    content_hash: str
    decision: str | None
    proposal: str | None
    author: str | None
    published_at: datetime | None
    url: str


class SectionOut(Schema):
    path: str
    title: str
    anchor: str
    number: str
    level: int


class RevisionDetailOut(RevisionOut):
    document: str
    source_url: str
    sections: list[SectionOut]


class ChangedSectionOut(Schema):
    path: str
    title: str
    anchor: str
    change: str
    old_path: str | None = None  # renamed sections only


class DiffOut(Schema):
    from_: int = Field(..., alias="from")
    to: int
    sections: list[ChangedSectionOut]


class DraftOut(Schema):
    id: int
    document: str
    base: int | None
    proposal: str | None
    decision: str | None
    message: str
    content_hash: str
    url: str


class UnchangedOut(Schema):
    detail: str
    number: int


class HistoryEntryOut(Schema):
    revision: int
    date: date
    change: str
    path: str
    old_path: str | None
    decision: str | None
    message: str


class ExceptionOut(Schema):
    id: int
    round: str
    benchmark: str | None
    document: str
    revision: int
    section_anchor: str
    section_path: str
    later_revision: int | None
    text: str
    decision: str
    decision_url: str
    requested_by: str
    requested_on: date
    recorded_at: datetime


class SectionHistoryOut(Schema):
    document: str
    anchor: str
    path: str
    entries: list[HistoryEntryOut]
    decisions: list[str]
    exceptions: list[ExceptionOut]


class RcpSetOut(Schema):
    name: str
    digest: str
    benchmarks: list[str]


class FrozenRevisionOut(Schema):
    document: str
    number: int
    title: str
    date: date
    url: str
    latest: int | None


class RoundRulesOut(Schema):
    round: str
    frozen: bool
    frozen_at: datetime | None
    frozen_by: str | None
    ruleset: str
    checker_version: str | None
    rcp_set: RcpSetOut | None
    revisions: list[FrozenRevisionOut]
    exceptions: list[ExceptionOut]


class ChangeOut(ChangedSectionOut):
    exceptions: list[int]  # ids of the round's exceptions on this section


class DocumentChangesOut(Schema):
    document: str
    frozen: int
    latest: int
    sections: list[ChangeOut]


class FreezeIn(Schema):
    ruleset: str | None = None
    revisions: dict[str, int] = {}
    note: str = ""


class ExceptionIn(Schema):
    document: str
    section: str  # the anchor of a section of the frozen revision
    text: str
    requested_by: str  # a person's slug
    requested_on: date | None = None
    benchmark: str | None = None
    later_revision: int | None = None
    decision: str | None = None  # a decision's reference, or …
    decision_text: str = ""  # … the decision, recorded with the exception
