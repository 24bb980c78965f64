"""Fixtures for the rules as the service keeps them: two small revisions of a training rules
document (written so that their diff has every kind of change), a round with benchmarks, and
helpers that import, freeze and grant through the services."""

from __future__ import annotations

import pytest

from roadmap.models import Round, RuleDocument
from roadmap.services.rules.freezes import rule_freeze_create
from roadmap.services.rules.revisions import rule_revision_import

V1 = """\
= Test Training Rules
:sectnums:

Version 1.

== Overview

The overview of the rules.

== Benchmarks

|===
|Area |Benchmark
|Vision |retinanet
|===

=== Benchmark Lifecycle

A benchmark stays in the suite for at least two years or four rounds, whichever comes first.

== Training Loop

=== Hyperparameters

The batch size may be tuned; the learning rate schedule follows the reference.

== Appendix: v5.1 Specific Rules

None for v5.1.
"""

V2 = (
    V1.replace("Version 1.", "Version 2.")
    .replace("|Vision |retinanet", "|Language |gpt_oss_20b")
    .replace("=== Benchmark Lifecycle", "=== Lifecycle of a benchmark")
    .replace("may be tuned;", "may be tuned within the table's limits;")
    .replace(
        "== Appendix: v5.1 Specific Rules\n\nNone for v5.1.\n",
        "=== DeepSeek constraints\n\nThe global batch size is 16384.\n\n"
        "== Appendix: v6.0 Specific Rules\n\nGPT-OSS 20B may bypass the RCP check.\n",
    )
)

# The sections the diff from V1 to V2 names, by kind.
V2_CHANGES = {
    "(preamble)": "modified",
    "Benchmarks": "modified",
    "Benchmarks > Lifecycle of a benchmark": "renamed",
    "Training Loop > Hyperparameters": "modified",
    "Training Loop > DeepSeek constraints": "added",
    "Appendix: v6.0 Specific Rules": "added",
    "Appendix: v5.1 Specific Rules": "removed",
}


def import_text(text: str, *, document: str = "training", message: str = "imported", **kw):
    return rule_revision_import(
        actor=None, document=document, source=text, message=message, **kw
    ).revision


@pytest.fixture
def training(db) -> RuleDocument:
    """The document ``training`` with revisions 1 (V1) and 2 (V2)."""
    import_text(V1, message="The rules as of v5.1")
    import_text(V2, message="The rules for v6.0")
    return RuleDocument.objects.get(slug="training")


@pytest.fixture
def frozen_round(catalogued_round, chair, training) -> Round:
    """v9.0 (ruleset 6.1.0, with its benchmarks) frozen on revision 1 of the training rules."""
    rule_freeze_create(actor=chair, round=catalogued_round, revisions={"training": 1})
    return catalogued_round
