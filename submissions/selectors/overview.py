"""Everything a round page shows one user: their organisations' uploads, the review, and
the chairs' controls (which appear only where the action is possible)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from roadmap.models import BenchmarkVersion, Round
from roadmap.selectors.round_rules import round_benchmark_versions
from submissions.policy import can_decide_objection, can_manage_review
from submissions.selectors.review import ReviewOverview, publication_blockers, review_overview
from submissions.selectors.rounds import OrgSlot, org_slots
from wg.permissions import can_manage_round


@dataclass
class RoundOverview:
    round: Round
    now: datetime
    slots: list[OrgSlot]
    review: ReviewOverview
    can_manage: bool
    can_decide: bool
    can_manage_review: bool
    blockers: list[str]  # why it cannot be published yet (shown to the chairs)
    benchmarks: list[BenchmarkVersion]  # what the round takes, under its (frozen) ruleset

    @property
    def can_publish(self) -> bool:
        return self.can_manage and self.round.published_at is None and not self.blockers

    @property
    def reviewing(self) -> bool:
        return self.review.reviewing


def round_overview(*, user: Any, round: Round, now: datetime) -> RoundOverview:
    can_manage = can_manage_round(user)
    return RoundOverview(
        round=round,
        now=now,
        slots=org_slots(user=user, round=round, now=now),
        review=review_overview(user=user, round=round, now=now),
        can_manage=can_manage,
        can_decide=can_decide_objection(user, round),
        can_manage_review=can_manage_review(user, round) and round.published_at is None,
        blockers=publication_blockers(round, now=now)
        if can_manage and round.published_at is None
        else [],
        benchmarks=round_benchmark_versions(round),
    )
