"""Both real revisions of the training rules, imported with the command as an operator would,
then read through the API and the pages: the diff names the sections the corpus lists
(skipped when the corpus is absent)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from roadmap.models import RuleDocument
from roadmap.services.rules.freezes import rule_freeze_create
from tests.roadmap.rules.corpus import (
    RULES_CORPUS,
    SUBMISSION,
    TRAINING_2025,
    TRAINING_2026,
    corpus_text,
)

HYPERPARAMETERS = "Training Loop > Hyperparameters"
DEEPSEEK = f"{HYPERPARAMETERS} > DeepSeek-V3-671B hyperparameter constraints"
V6_APPENDIX = "Appendix: v6.0 Specific Rules"


def _import(document: str, name: str, message: str, day: str) -> str:
    corpus_text(name)  # skips, saying why, without the corpus
    out = io.StringIO()
    call_command(
        "import_rules",
        document,
        str(RULES_CORPUS / name),
        "--message",
        message,
        "--date",
        day,
        stdout=out,
        stderr=io.StringIO(),
    )
    return out.getvalue().strip()


@pytest.fixture
def real_rules(db):
    assert _import("training", TRAINING_2025, "In force for v5.1", "2025-09-23") == "1"
    assert _import("training", TRAINING_2026, "In force for v6.0", "2026-05-08") == "2"
    assert _import("submission", SUBMISSION, "General rules", "2026-02-06") == "1"
    return RuleDocument.objects.get(slug="training")


def test_importing_the_2026_rules_again_creates_nothing(real_rules):
    again = _import("training", TRAINING_2026, "again", "2026-05-08")
    assert again.startswith("Nothing imported:") and again.endswith(
        "equals revision 2 of training."
    )


def test_the_documents_are_titled_from_their_files(real_rules, client):
    documents = {d["slug"]: d for d in client.get("/api/rules/").json()}
    assert documents["training"]["title"] == "MLPerf Training Rules"  # the 2026 title
    assert documents["submission"]["title"] == "General MLPerf® Submission Rules"
    first = client.get("/api/rules/training/revisions/1").json()
    assert first["title"] == "MLPerf™ Training Rules" and first["date"] == "2025-09-23"
    assert len(first["sections"]) == 71
    hyper = next(
        s
        for s in client.get("/api/rules/training/revisions/2").json()["sections"]
        if s["path"] == HYPERPARAMETERS
    )
    assert (hyper["number"], hyper["level"], hyper["anchor"]) == (
        "9.1.",
        2,
        "training-loop--hyperparameters",
    )


def test_the_api_diff_names_the_sections_the_corpus_lists(real_rules, client):
    body = client.get("/api/rules/training/diff/1/2").json()
    by_change: dict[str, list[str]] = {}
    for section in body["sections"]:
        by_change.setdefault(section["change"], []).append(section["path"])
    assert by_change["added"] == [
        DEEPSEEK,
        V6_APPENDIX,
        f"{V6_APPENDIX} > Small LLM MoE pretraining (GPT-OSS 20B)",
    ]
    assert "removed" not in by_change and "renamed" not in by_change
    for path in (
        "Benchmarks",  # retinanet and rgat deprecated, gpt-oss-20b and deepseekv3_671b added
        HYPERPARAMETERS,
        "Benchmark Results > Scoring",  # cherry-picking reworded
        "Reference Convergence Points (RCPs) > RCP Rules and Guidelines",  # RCP bypass
        "Appendix: Deprecated benchmarks > Deprecated benchmarks",
    ):
        assert path in by_change["modified"], path


def test_the_diff_page_shows_the_changed_sections_first_and_the_reworded_text(real_rules, client):
    page = client.get("/rules/training/diff/1/2/").content.decode()
    changes, unchanged = page.split('data-testid="unchanged"')
    assert V6_APPENDIX in changes and "DeepSeek-V3-671B hyperparameter constraints" in changes
    assert "rcp-bypass" in changes and "rcp_bypass" in changes
    assert "MLPerf™ Training Rules" in changes  # the title's change
    # An untouched section is listed among the unchanged ones, after every change.
    assert "2.3. Benchmark detection is not allowed" in unchanged
    assert "Benchmark detection is not allowed" not in changes


def test_a_round_frozen_on_the_2025_rules_shows_the_late_v6_appendix_as_a_change(
    real_rules, chair, catalogued_round, client
):
    rule_freeze_create(actor=chair, round=catalogued_round, revisions={"training": 1})
    body = client.get("/api/rounds/v9.0/rules/changes").json()
    training = next(d for d in body if d["document"] == "training")
    assert (training["frozen"], training["latest"]) == (1, 2)
    assert V6_APPENDIX in [s["path"] for s in training["sections"]]
    rules = client.get("/api/rounds/v9.0/rules").json()
    assert {(r["document"], r["number"]) for r in rules["revisions"]} == {
        ("submission", 1),
        ("training", 1),
    }
