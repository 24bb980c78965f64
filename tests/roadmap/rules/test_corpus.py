"""The engine on the real MLPerf rule documents (skipped when the corpus is absent)."""

from __future__ import annotations

import html
import re

import pytest

from roadmap.rules import (
    Change,
    diff_documents,
    diff_sections,
    fold_whitespace,
    render_document,
    split_sections,
)
from tests.roadmap.rules.corpus import SUBMISSION, TRAINING_2025, TRAINING_2026, corpus_text

HYPERPARAMETERS = "Training Loop > Hyperparameters"
DEEPSEEK = f"{HYPERPARAMETERS} > DeepSeek-V3-671B hyperparameter constraints"
V6_APPENDIX = "Appendix: v6.0 Specific Rules"


@pytest.fixture(scope="module")
def training_diff():
    old = split_sections(corpus_text(TRAINING_2025))
    new = split_sections(corpus_text(TRAINING_2026))
    return old, new, diff_documents(old, new)


def test_the_training_rules_have_their_title_and_numbered_sections():
    doc = split_sections(corpus_text(TRAINING_2026))
    assert doc.title == "MLPerf Training Rules"
    assert len(doc.sections) == 74
    hyper = doc.by_path(HYPERPARAMETERS)
    assert (hyper.number, hyper.level, hyper.anchor) == (
        "9.1.",
        2,
        "training-loop--hyperparameters",
    )
    assert doc.by_path(DEEPSEEK).number == "9.1.2."
    # A Markdown-style heading among the = ones.
    assert doc.by_path("Benchmarks > Benchmark Lifecycle").number == "3.1."
    # The anchor at the end of a heading is not part of its title.
    assert doc.by_path("Appendix: Benchmark Specific Rules").explicit_id == (
        "benchmark_specific_rules"
    )
    assert "Dec 9, 2025" in doc.preamble.text


def test_the_submission_rules_use_markdown_headings_and_code_is_not_a_heading():
    doc = split_sections(corpus_text(SUBMISSION))
    assert doc.title == "General MLPerf® Submission Rules"
    paths = [s.path for s in doc.sections]
    assert "Submission > Licensing > Inference" in paths
    assert not any("from the top" in p for p in paths)
    assert "# from the top of the mlperf inference repository" in (
        doc.by_path("Submission > Licensing > Inference").text
    )
    assert doc.by_path("Review > Filing objections").number == "6.4."


def test_the_diff_of_the_two_training_revisions_names_what_the_corpus_lists(training_diff):
    _, _, diff = training_diff
    assert diff.title_changed
    assert (diff.old_title, diff.new_title) == ("MLPerf™ Training Rules", "MLPerf Training Rules")
    assert diff.paths(Change.ADDED) == [
        DEEPSEEK,
        V6_APPENDIX,
        f"{V6_APPENDIX} > Small LLM MoE pretraining (GPT-OSS 20B)",
    ]
    assert diff.paths(Change.REMOVED) == []
    assert diff.paths(Change.RENAMED) == []
    modified = diff.paths(Change.MODIFIED)
    assert len(modified) >= 10
    # retinanet and rgat deprecated, gpt-oss-20b and deepseekv3_671b added (the tables),
    # cherry-picking and RCP bypass rules reworded.
    for path in (
        "Benchmarks",
        HYPERPARAMETERS,
        "Benchmark Results > Scoring",
        "Reference Convergence Points (RCPs) > RCP Rules and Guidelines",
        "Appendix: Deprecated benchmarks > Deprecated benchmarks",
    ):
        assert path in modified


def test_the_modified_sections_text_shows_the_reworded_rules(training_diff):
    old, new, _ = training_diff
    path = "Reference Convergence Points (RCPs) > RCP Rules and Guidelines"
    rows = diff_sections(old.by_path(path), new.by_path(path)).rows
    inserted = " ".join(f.text for r in rows for f in r.new if f.op == "insert")
    deleted = " ".join(f.text for r in rows for f in r.old if f.op == "delete")
    assert "rcp-bypass" in inserted and "rcp_bypass" in deleted
    benchmarks = diff_sections(old.by_path("Benchmarks"), new.by_path("Benchmarks")).rows
    removed_lines = " ".join(f.text for r in benchmarks for f in r.old if r.kind == "delete")
    # The retinanet (object detection) and rgat (node classification) rows left the table.
    assert "Object detection" in removed_lines and "Node classification" in removed_lines


def test_untouched_sections_keep_their_anchors_across_the_revisions(training_diff):
    old, _, diff = training_diff
    for section in diff.unchanged:
        assert old.by_path(section.path).anchor == section.anchor


@pytest.mark.parametrize("name", [TRAINING_2025, TRAINING_2026, SUBMISSION])
def test_every_section_renders_with_the_number_asciidoctor_shows(name):
    doc = split_sections(corpus_text(name))
    rendered = render_document(doc)
    assert rendered.warnings == ()
    for section in doc.sections[1:]:
        piece = rendered.sections[section.anchor]
        match = re.search(r"<h([1-6]) id=\"([^\"]+)\"[^>]*>(.*?)</h\1>", piece, re.S)
        assert match, section.path
        assert match[2] == section.anchor
        shown = fold_whitespace(html.unescape(re.sub(r"<[^>]+>", "", match[3])))
        assert shown == section.heading, section.path
