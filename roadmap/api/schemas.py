"""Request and response schemas of the roadmap API, one per operation's shape."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Schema


class MilestoneOut(Schema):
    id: int
    round: str
    key: str
    title: str
    when: str
    phase: str
    owner: str
    due_at: datetime
    status: str
    overdue: bool
    note: str


class BenchmarkVersionOut(Schema):
    slug: str
    name: str
    area: str
    task: str
    dataset: str
    target: str
    runs_required: int


class RoundOut(Schema):
    name: str
    ruleset: str
    status: str
    phase: str
    submission_date: date | None
    publication_date: date | None
    published_at: datetime | None


class RoundDetailOut(RoundOut):
    suite: list[BenchmarkVersionOut]
    milestones: list[MilestoneOut]
    moves: list[str]


class RoundSummaryOut(RoundOut):
    suite: list[str]
    next_milestones: list[MilestoneOut]
    overdue: int
    done: int
    total: int


class OverviewOut(Schema):
    rounds: list[RoundSummaryOut]
    upcoming: list[MilestoneOut]
    overdue: list[MilestoneOut]


class SuiteOut(Schema):
    round: str | None
    benchmarks: list[BenchmarkVersionOut]


class HistoryRowOut(Schema):
    round: str
    event: str
    target: str | None
    runs_required: int | None
    changes: list[str]


class BenchmarkHistoryOut(Schema):
    slug: str
    name: str
    task: str
    history: list[HistoryRowOut]


class ChangedOut(Schema):
    slug: str
    changes: list[str]


class ComparisonOut(Schema):
    a: str
    b: str
    added: list[str]
    retired: list[str]
    changed: list[ChangedOut]
    unchanged: list[str]


class RoundCreateIn(Schema):
    name: str
    ruleset: str
    submission_date: date
    publication_date: date | None = None


class RoundTransitionIn(Schema):
    to: str
    reason: str = ""


class RoundRescheduleIn(Schema):
    submission_date: date
    publication_date: date | None = None  # None keeps the current one
    reason: str


class MilestoneUpdateIn(Schema):
    title: str | None = None
    due_at: datetime | None = None
    owner: str | None = None
    note: str | None = None
    status: str | None = None


class LinkOut(Schema):
    url: str
    kind: str
    title: str


class ConcernOut(Schema):
    id: int
    title: str
    body: str
    raised_by: str
    raised_at: datetime
    status: str
    resolved_by: str | None
    resolution: str


class CommentOut(Schema):
    id: int
    author: str
    body: str
    created_at: datetime


class ProposalOut(Schema):
    id: int
    reference: str
    title: str
    kind: str
    status: str
    target_round: str | None
    benchmark: str | None
    author: str
    person_in_charge: str | None
    rule_document: str | None = None
    url: str


class DecisionOut(Schema):
    reference: str
    title: str
    outcome: str
    method: str
    text: str
    proposal: str | None
    round: str | None
    vote: int | None
    tally: dict[str, Any] | None
    tie_break: str
    meeting_on: date | None
    objections_closed_at: datetime | None
    decided_at: datetime
    url: str


class VoteSummaryOut(Schema):
    id: int
    question: str
    method: str
    status: str
    closes_at: datetime


class ProposalDetailOut(ProposalOut):
    body: str
    body_html: str
    needs: str
    scheduled_for: date | None
    objections_close_at: datetime | None
    links: list[LinkOut]
    concerns: list[ConcernOut]
    comments: list[CommentOut] | None
    decisions: list[DecisionOut]
    votes: list[VoteSummaryOut]
    moves: list[str]


class ProposalCreateIn(Schema):
    title: str
    kind: str
    body: str
    target_round: str | None = None
    benchmark: str | None = None
    person_in_charge: str | None = None
    rule_document: str | None = None
    links: list[str] = []
    submit: bool = False


class ProposalUpdateIn(Schema):
    title: str
    kind: str
    body: str
    target_round: str | None = None
    benchmark: str | None = None
    person_in_charge: str | None = None
    rule_document: str | None = None


class TransitionIn(Schema):
    to: str
    reason: str = ""
    scheduled_for: date | None = None
    objections_close_at: datetime | None = None


class DecideIn(Schema):
    outcome: str
    text: str
    meeting_on: date | None = None
    superseded_by: int | None = None


class VoteOpenIn(Schema):
    method: str
    closes_at: datetime
    options: list[str] | None = None
    electorate: str = "members"
    quorum: Decimal | None = None
    question: str = ""


class CommentIn(Schema):
    body: str


class ConcernIn(Schema):
    title: str
    body: str = ""


class ResolveIn(Schema):
    resolution: str = ""
    reopen: bool = False


class LinkIn(Schema):
    url: str
    title: str = ""


class WatchIn(Schema):
    watching: bool


class BallotIn(Schema):
    choice: str | None = None
    ranking: list[str] | None = None
    recuse: bool = False
    organization: str | None = None


class BallotOut(Schema):
    id: int
    organization: str
    voting_organization: str
    person: str
    ballot: str
    cast_at: datetime


class VoteOut(VoteSummaryOut):
    proposal: int | None
    options: list[str]
    electorate: str
    quorum: Decimal | None
    opens_at: datetime
    closed_at: datetime | None
    electors: list[str]
    not_voted: list[str]
    ballots: list[BallotOut] | None
    tally: dict[str, Any] | None
    decision: str | None


class ConcludeIn(Schema):
    tie_break: str = ""
    outcome: str = ""
    seed: int | None = None
    note: str = ""


class CancelIn(Schema):
    reason: str
