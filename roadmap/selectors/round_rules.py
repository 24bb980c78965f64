"""The rules of one round: what was frozen, the exceptions in force, what changed since.

``round_ruleset(round)`` is the one answer to "which official checker ruleset applies to this
round": the frozen one when the round's rules are frozen, else the round's planned ruleset.
Submission validation asks it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.db.models import QuerySet

from roadmap.models import (
    Benchmark,
    BenchmarkVersion,
    FrozenRuleRevision,
    Round,
    RoundRuleFreeze,
    RuleDocument,
    RuleException,
    RuleRevision,
    RuleSection,
)
from roadmap.permissions import rule_document_visibility_q
from roadmap.selectors.rules import RevisionDiff, latest_revision, revision_diff


def round_ruleset(round: Round) -> str:
    """The mlperf-logging ruleset that checks ``round``'s submissions."""
    frozen = RoundRuleFreeze.objects.filter(round=round).values_list("ruleset", flat=True).first()
    return frozen or round.ruleset


def round_benchmark_versions(round: Round) -> list[BenchmarkVersion]:
    """The round's benchmarks that its ruleset can check: its suite, less any benchmark the
    ruleset (the frozen one, once frozen) does not have. Intake accepts exactly these, and the
    round's page and API list them."""
    from mlperf_logging.benchmark_meta import get_allowed_benchmarks  # small, no NumPy

    allowed = set(get_allowed_benchmarks("training", round_ruleset(round)))
    versions = round.benchmark_versions.select_related("benchmark")
    return [v for v in versions if v.benchmark.slug in allowed]


def round_freeze(round: Round) -> RoundRuleFreeze | None:
    return RoundRuleFreeze.objects.filter(round=round).select_related("frozen_by").first()


def rule_exception_list(
    *, user: Any, round: Round | None = None, benchmark: Benchmark | None = None
) -> QuerySet[RuleException]:
    """Exceptions the user may see (those of documents they may read), oldest first. With a
    benchmark: the exceptions for it and those for every benchmark of the round."""
    rows = RuleException.objects.filter(rule_document_visibility_q(user, "document__"))
    if round is not None:
        rows = rows.filter(round=round)
    if benchmark is not None:
        rows = rows.filter(benchmark=benchmark)
    return rows.select_related(
        "round", "benchmark", "document", "revision", "later_revision", "decision", "requested_by"
    ).order_by("round__name", "recorded_at", "pk")


@dataclass(frozen=True)
class SectionWithExceptions:
    section: RuleSection
    exceptions: tuple[RuleException, ...]


@dataclass(frozen=True)
class FrozenDocument:
    document: RuleDocument
    revision: RuleRevision  # frozen (or, before the freeze, the latest)
    latest: RuleRevision | None
    sections: tuple[SectionWithExceptions, ...]

    @property
    def changed_since(self) -> bool:
        return self.latest is not None and self.latest.pk != self.revision.pk


@dataclass(frozen=True)
class RoundRules:
    round: Round
    freeze: RoundRuleFreeze | None
    ruleset: str
    documents: tuple[FrozenDocument, ...]
    exceptions: tuple[RuleException, ...]


def round_rules(*, user: Any, round: Round, with_sections: bool = True) -> RoundRules:
    """The round's frozen revisions (each section with the exceptions that change it), its
    ruleset, RCP set and exceptions; before the freeze, the revisions that would be frozen."""
    freeze = round_freeze(round)
    exceptions = tuple(rule_exception_list(user=user, round=round))
    revisions = _round_revisions(user, freeze)
    documents = []
    for revision in revisions:
        sections: tuple[SectionWithExceptions, ...] = ()
        if with_sections:
            by_anchor: dict[str, list[RuleException]] = {}
            for exception in exceptions:
                if exception.revision_id == revision.pk:
                    by_anchor.setdefault(exception.section_anchor, []).append(exception)
            sections = tuple(
                SectionWithExceptions(s, tuple(by_anchor.get(s.anchor, ())))
                for s in revision.sections.order_by("order")
            )
        documents.append(
            FrozenDocument(
                document=revision.document,
                revision=revision,
                latest=latest_revision(revision.document) if freeze else revision,
                sections=sections,
            )
        )
    return RoundRules(
        round=round,
        freeze=freeze,
        ruleset=freeze.ruleset if freeze else round.ruleset,
        documents=tuple(documents),
        exceptions=exceptions,
    )


def _round_revisions(user: Any, freeze: RoundRuleFreeze | None) -> list[RuleRevision]:
    if freeze is not None:
        bindings = (
            FrozenRuleRevision.objects.filter(freeze=freeze)
            .filter(rule_document_visibility_q(user, "document__"))
            .select_related("revision__document", "revision__decision")
            .order_by("document__slug")
        )
        return [b.revision for b in bindings]
    documents = RuleDocument.objects.filter(rule_document_visibility_q(user)).order_by("slug")
    latest = (latest_revision(d) for d in documents)
    return [r for r in latest if r is not None]


@dataclass(frozen=True)
class DocumentChanges:
    """One frozen document against its latest revision, exceptions beside their sections."""

    document: RuleDocument
    frozen: RuleRevision
    latest: RuleRevision
    diff: RevisionDiff | None  # None when nothing was published after the frozen revision
    exceptions: tuple[RuleException, ...]  # of this document
    unmatched: tuple[RuleException, ...]  # on sections the diff does not list (unchanged ones)


def round_changes(*, user: Any, round: Round, with_text: bool = True) -> list[DocumentChanges]:
    """For each frozen document: the sections changed since the freeze, changed ones first,
    each with the round's exceptions on it. Empty before the freeze."""
    rules = round_rules(user=user, round=round, with_sections=False)
    if rules.freeze is None:
        return []
    out = []
    for frozen in rules.documents:
        mine = tuple(e for e in rules.exceptions if e.revision_id == frozen.revision.pk)
        latest = frozen.latest or frozen.revision
        diff = None
        if latest.pk != frozen.revision.pk:
            diff = revision_diff(frozen.revision, latest, with_text=with_text)
            changes = tuple(
                replace(c, exceptions=tuple(e for e in mine if e.section_anchor == c.old_anchor))
                for c in diff.changes
            )
            diff = replace(diff, changes=changes)
        listed = {c.old_anchor for c in diff.changes} if diff else set()
        out.append(
            DocumentChanges(
                document=frozen.document,
                frozen=frozen.revision,
                latest=latest,
                diff=diff,
                exceptions=mine,
                unmatched=tuple(e for e in mine if e.section_anchor not in listed),
            )
        )
    return out
