"""Model rows to API schemas (the same facts the pages show)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from roadmap.api import schemas as s
from roadmap.models import BenchmarkVersion, Decision, Milestone, Proposal, Round, Vote
from roadmap.selectors.catalogue import target_of
from roadmap.selectors.proposals import visible_rule_document


def milestone(m: Milestone, now: datetime) -> s.MilestoneOut:
    return s.MilestoneOut(
        id=m.pk,
        round=m.round.name,
        key=m.key,
        title=m.title,
        when=m.when,
        phase=m.phase,
        owner=m.owner,
        due_at=m.due_at,
        status=m.status,
        overdue=m.is_overdue(now),
        note=m.note,
    )


def version(v: BenchmarkVersion) -> s.BenchmarkVersionOut:
    b = v.benchmark
    return s.BenchmarkVersionOut(
        slug=b.slug,
        name=b.name,
        area=b.area,
        task=b.task,
        dataset=b.dataset,
        target=target_of(v),
        runs_required=v.runs_required,
    )


def round_fields(r: Round) -> dict[str, Any]:
    return {
        "name": r.name,
        "ruleset": r.ruleset,
        "status": r.status,
        "phase": r.get_status_display(),
        "submission_date": r.submission_date,
        "publication_date": r.publication_date,
        "published_at": r.published_at,
    }


def proposal_fields(p: Proposal, *, user: Any) -> dict[str, Any]:
    document = visible_rule_document(user, p)
    return {
        "id": p.pk,
        "reference": p.reference,
        "title": p.title,
        "kind": p.kind,
        "status": p.status,
        "target_round": p.target_round.name if p.target_round else None,
        "benchmark": p.benchmark.slug if p.benchmark else None,
        "author": p.author.slug,
        "person_in_charge": p.person_in_charge.slug if p.person_in_charge else None,
        "rule_document": document.slug if document else None,
        "url": p.get_absolute_url(),
    }


def decision(d: Decision) -> s.DecisionOut:
    return s.DecisionOut(
        reference=d.reference,
        title=d.title,
        outcome=d.outcome,
        method=d.method,
        text=d.text,
        proposal=d.proposal.reference if d.proposal_id else None,
        round=d.round.name if d.round_id else None,
        vote=d.vote_id,
        tally=d.tally,
        tie_break=d.tie_break,
        meeting_on=d.meeting_on,
        objections_closed_at=d.objections_closed_at,
        decided_at=d.decided_at,
        url=d.get_absolute_url(),
    )


def vote_summary(v: Vote) -> s.VoteSummaryOut:
    return s.VoteSummaryOut(
        id=v.pk, question=v.question, method=v.method, status=v.status, closes_at=v.closes_at
    )
