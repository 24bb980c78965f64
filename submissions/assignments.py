"""Review assignments as the submission rules' "Required reviews" section sets them.

Pure functions over the round's submitters, so the rule can be read and tested alone:

1. Stack rank the submissions by their number of results.
2. Pair reviewers walking down the ranking; with an odd number, the bottom three review each
   other.
3. Large-scale submissions (512 or more accelerators) are ranked apart, by scale, and review
   each other; a single one is left to volunteers or the working-group chairs.
4. Each partner of a joint submission is a submitter of its own, and partners never review
   each other.
"""

from __future__ import annotations

from dataclasses import dataclass

LARGE_SCALE_ACCELERATORS = 512


@dataclass(frozen=True)
class Submitter:
    """One submitting organisation as the ranking sees it."""

    org_id: int
    name: str
    results: int  # results below the large-scale threshold
    large_results: int = 0  # results on systems with 512 or more accelerators
    scale: int = 0  # the largest accelerator count among them
    partners: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Pair:
    reviewer: int
    reviewee: int
    pool: str  # "standard" or "large_scale"


@dataclass(frozen=True)
class Plan:
    pairs: list[Pair]
    unassigned: list[tuple[int, str]]  # (org, pool) that no peer can review


def plan(submitters: list[Submitter]) -> Plan:
    standard = sorted(
        (s for s in submitters if s.results > 0), key=lambda s: (-s.results, s.name.lower())
    )
    large = sorted(
        (s for s in submitters if s.large_results > 0), key=lambda s: (-s.scale, s.name.lower())
    )
    pairs, unassigned = [], []
    for pool, ranked in (("standard", standard), ("large_scale", large)):
        groups = _groups(ranked)
        for group in groups:
            if len(group) == 1:
                unassigned.append((group[0].org_id, pool))
                continue
            pairs += [
                Pair(a.org_id, b.org_id, pool)
                for a in group
                for b in group
                if a is not b and b.org_id not in a.partners
            ]
    return Plan(pairs=pairs, unassigned=unassigned)


def _groups(ranked: list[Submitter]) -> list[list[Submitter]]:
    """Pairs down the ranking (the bottom three together when odd), moving a submitter one
    place down when its neighbour is its joint partner."""
    order = list(ranked)
    groups: list[list[Submitter]] = []
    while order:
        if len(order) == 3 or len(order) == 1:
            groups.append(order)
            break
        first = order.pop(0)
        peer_at = next(
            (i for i, other in enumerate(order) if other.org_id not in first.partners), None
        )
        if peer_at is None:
            # Everyone left is a partner of this one: it cannot be paired in this pool.
            groups.append([first])
            continue
        groups.append([first, order.pop(peer_at)])
    return groups
