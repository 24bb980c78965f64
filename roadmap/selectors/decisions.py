"""Decisions: public, filterable, cited by reference."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from core.errors import NotFound
from roadmap.models import Decision


def decision_list(*, filters: dict[str, str] | None = None) -> QuerySet[Decision]:
    filters = filters or {}
    rows = Decision.objects.select_related("proposal", "round", "vote").order_by(
        "-decided_at", "-pk"
    )
    if filters.get("method"):
        rows = rows.filter(method=filters["method"])
    if filters.get("outcome"):
        rows = rows.filter(outcome=filters["outcome"])
    if filters.get("round"):
        rows = rows.filter(round__name=filters["round"])
    if filters.get("year", "").isdigit():
        rows = rows.filter(reference__startswith=f"D-{filters['year']}-")
    if filters.get("q"):
        q = filters["q"]
        rows = rows.filter(Q(title__icontains=q) | Q(text__icontains=q) | Q(reference__iexact=q))
    return rows


def decision_get(reference: str) -> Decision:
    decision = (
        Decision.objects.select_related("proposal", "round", "vote", "recorded_by")
        .prefetch_related("links")
        .filter(reference=reference)
        .first()
    )
    if decision is None:
        raise NotFound(f"No decision {reference}.")
    return decision
