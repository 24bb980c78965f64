"""The roadmap's front page and a round's page: active rounds, phases and milestones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch

from roadmap.lifecycle import ROUND
from roadmap.models import (
    ACTIVE_ROUND_STATUSES,
    BenchmarkVersion,
    Decision,
    Milestone,
    MilestoneStatus,
    Round,
)
from roadmap.selectors.catalogue import rounds_in_order

UPCOMING = 8
# The overdue milestones shown on the front page across all rounds, the latest first; each
# round's page lists all of its own.
OVERDUE_SHOWN = 6


@dataclass(frozen=True)
class RoundSummary:
    round: Round
    suite: list[BenchmarkVersion]
    next_milestones: list[Milestone]
    overdue: list[Milestone]
    done: int
    total: int


@dataclass(frozen=True)
class Overview:
    rounds: list[RoundSummary]
    upcoming: list[Milestone]
    overdue: list[Milestone]  # all of them, oldest first
    unscheduled: list[Round]
    recent_decisions: list[Decision]

    @property
    def overdue_shown(self) -> list[Milestone]:
        return self.overdue[-OVERDUE_SHOWN:]

    @property
    def overdue_hidden(self) -> int:
        return max(0, len(self.overdue) - OVERDUE_SHOWN)


def _active_rounds() -> list[Round]:
    rounds = (
        Round.objects.filter(status__in=ACTIVE_ROUND_STATUSES, submission_date__isnull=False)
        .prefetch_related(
            Prefetch(
                "benchmark_versions",
                queryset=BenchmarkVersion.objects.select_related("benchmark").order_by(
                    "benchmark__slug"
                ),
            ),
            Prefetch("milestones", queryset=Milestone.objects.order_by("due_at", "position")),
        )
        .order_by("submission_date")
    )
    return list(rounds)


def round_summary(round_: Round, *, now: datetime, upcoming: int = 3) -> RoundSummary:
    milestones = list(round_.milestones.all())
    planned = [m for m in milestones if m.status == MilestoneStatus.PLANNED]
    return RoundSummary(
        round=round_,
        suite=list(round_.benchmark_versions.all()),
        next_milestones=[m for m in planned if m.due_at >= now][:upcoming],
        overdue=[m for m in planned if m.due_at < now],
        done=sum(1 for m in milestones if m.status != MilestoneStatus.PLANNED),
        total=len(milestones),
    )


def roadmap_overview(*, now: datetime) -> Overview:
    """Every active round (rounds overlap: about two at once) with its phase, its suite and
    the next milestones, and the next milestones across all of them with overdue ones first."""
    rounds = _active_rounds()
    summaries = [round_summary(r, now=now) for r in rounds]
    planned = [m for r in rounds for m in r.milestones.all() if m.status == MilestoneStatus.PLANNED]
    for m in planned:
        m.round = next(r for r in rounds if r.pk == m.round_id)  # no query per row
    scheduled = {r.pk for r in rounds}
    return Overview(
        rounds=summaries,
        upcoming=sorted((m for m in planned if m.due_at >= now), key=lambda m: m.due_at)[:UPCOMING],
        overdue=sorted((m for m in planned if m.due_at < now), key=lambda m: m.due_at),
        unscheduled=[r for r in rounds_in_order() if r.is_active and r.pk not in scheduled],
        recent_decisions=list(
            Decision.objects.select_related("proposal", "round").order_by("-decided_at", "-pk")[:5]
        ),
    )


def round_phase_moves(round_: Round) -> list[tuple[str, str]]:
    """The phases a chair may move the round to by hand (publication is not one of them)."""
    return [(e.target, e.action) for e in ROUND.edges_from(round_.status) if e.via == "direct"]
