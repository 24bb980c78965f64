from __future__ import annotations

import pytest

from roadmap.rules import PREAMBLE, extract_title, fold_whitespace, split_sections


def paths(source: str) -> list[str]:
    return [s.path for s in split_sections(source).sections]


def test_title_line_belongs_to_no_section_and_text_before_the_first_heading_is_the_preamble():
    doc = split_sections(":toc:\n\n= The Rules\nDec 9, 2025\n\n== Overview\nText.\n")
    assert doc.title == "The Rules"
    assert doc.title_line == 3
    assert [s.path for s in doc.sections] == [PREAMBLE, "Overview"]
    assert doc.preamble.text == ":toc:\n\nDec 9, 2025\n\n"
    assert doc.sections[1].text == "== Overview\nText.\n"
    assert doc.sections[1].body == "Text.\n"


def test_a_document_without_text_before_its_first_heading_still_has_an_empty_preamble():
    doc = split_sections("== Only\nbody\n")
    assert doc.preamble.path == PREAMBLE
    assert doc.preamble.text == ""
    assert (doc.preamble.first_line, doc.preamble.last_line) == (1, 0)
    assert doc.title is None


def test_a_section_runs_to_the_next_heading_of_any_level_and_paths_join_enclosing_titles():
    source = (
        "= T\n\n== Training Loop\nintro\n=== Hyperparameters\nhp\n==== Llama\nllama\n"
        "=== Loss\nloss\n== Results\n"
    )
    doc = split_sections(source)
    assert [s.path for s in doc.sections[1:]] == [
        "Training Loop",
        "Training Loop > Hyperparameters",
        "Training Loop > Hyperparameters > Llama",
        "Training Loop > Loss",
        "Results",
    ]
    assert doc.by_path("Training Loop").body == "intro\n"
    assert [s.level for s in doc.sections[1:]] == [1, 2, 3, 2, 1]


def test_markdown_style_headings_are_headings_with_the_same_levels():
    doc = split_sections("# General Rules\n\n## Basics\nx\n### Scope\ny\n")
    assert doc.title == "General Rules"
    assert [(s.path, s.level) for s in doc.sections[1:]] == [
        ("Basics", 1),
        ("Basics > Scope", 2),
    ]


@pytest.mark.parametrize("fence", ["----", "....", "++++", "////", "____", "****", "```"])
def test_lines_inside_delimited_blocks_are_never_headings(fence):
    closing = "```" if fence == "```" else fence
    opening = "```bash" if fence == "```" else fence
    source = f"= T\n\n== Real\n{opening}\n# from the top\n== not a heading\n{closing}\n== After\n"
    assert paths(source) == [PREAMBLE, "Real", "After"]


def test_other_asciidoc_blocks_example_open_and_table_hide_headings_too():
    source = "== A\n====\n== in example\n====\n--\n== in open\n--\n|===\n| c\n== in table\n|===\n"
    assert paths(source) == [PREAMBLE, "A"]


def test_a_block_closes_only_on_its_own_delimiter_and_verbatim_blocks_do_not_nest():
    source = "== A\n------\n----\n== still code\n------\n== B\n....\n****\n....\n== C\n"
    assert paths(source) == [PREAMBLE, "A", "B", "C"]


def test_compound_blocks_nest_and_an_unclosed_block_runs_to_the_end():
    source = "== A\n****\n----\n****\n== code in sidebar\n----\n****\n== B\n----\n== never\n"
    assert paths(source) == [PREAMBLE, "A", "B"]


def test_a_title_underline_is_not_a_listing_delimiter():
    # asciidoctor reads "Title" over "-----" as a two-line section title, not as a listing.
    source = "== A\n\nTitle\n-----\n\n== B\n"
    assert paths(source) == [PREAMBLE, "A", "B"]


def test_trailing_anchor_and_closing_markers_are_not_part_of_the_title():
    doc = split_sections("== Appendix: Specific Rules [[specific_rules]]\n=== Scoring ===\n")
    first, second = doc.sections[1:]
    assert first.title == "Appendix: Specific Rules"
    assert first.explicit_id == "specific_rules"
    assert second.path == "Appendix: Specific Rules > Scoring"


def test_titles_are_whitespace_folded_and_markers_need_a_blank_and_a_title():
    source = "==  Small   LLM\t(GPT) \n==NoSpace\n== \n======= seven\n"
    assert paths(source) == [PREAMBLE, "Small LLM (GPT)"]


def test_a_repeated_path_gets_a_counter():
    source = "== A\n=== Notes\n=== Notes\n== B\n=== Notes\n== A\n=== Notes\n"
    assert paths(source)[1:] == [
        "A",
        "A > Notes",
        "A > Notes (2)",
        "B",
        "B > Notes",
        "A (2)",
        "A > Notes (3)",
    ]


def test_block_attribute_lines_above_a_heading_start_its_section():
    source = "== Results\nText.\n\n[#section-run-results]\n== Run Results\nruns\n"
    doc = split_sections(source)
    results, run_results = doc.sections[1:]
    assert results.text == "== Results\nText.\n\n"
    assert run_results.text == "[#section-run-results]\n== Run Results\nruns\n"
    assert run_results.explicit_id == "section-run-results"
    assert (run_results.first_line, run_results.heading_line) == (4, 5)


def test_a_discrete_heading_is_a_section_that_encloses_nothing():
    source = "== A\n=== A1\n[discrete]\n=== Aside\naside\n==== Deep\n"
    doc = split_sections(source)
    assert [s.path for s in doc.sections[1:]] == [
        "A",
        "A > A1",
        "A > A1 > Aside",
        "A > A1 > Deep",
    ]
    assert doc.by_path("A > A1 > Aside").discrete


def test_level_zero_lines_after_the_title_are_sections():
    doc = split_sections("= Title\n\n= Part One\n\n== Chapter\n")
    assert doc.title == "Title"
    assert [s.path for s in doc.sections[1:]] == ["Part One", "Part One > Chapter"]


def test_windows_line_endings_and_a_byte_order_mark_are_kept_but_not_in_the_way():
    source = "\ufeff= T\r\n\r\n== A\r\nx\r\n"
    doc = split_sections(source)
    assert doc.title == "T"
    assert doc.sections[1].text == "== A\r\nx\r\n"
    assert doc.sections[1].title == "A"


def test_only_newline_ends_a_line_as_in_asciidoctor():
    doc = split_sections("== A\nx\u2028== B\n")
    assert paths("== A\nx\u2028== B\n") == [PREAMBLE, "A"]
    assert "\u2028" in doc.sections[1].text


def test_extract_title_reads_the_title_line_or_the_doctitle_attribute():
    assert extract_title(":toc:\n\n= MLPerf™ Training Rules\n== A\n") == "MLPerf™ Training Rules"
    assert extract_title(":doctitle: Submission  Rules\n\n== A\n") == "Submission Rules"
    assert extract_title("== A\n") is None


def test_whitespace_folding_collapses_every_run_and_trims_the_ends():
    assert fold_whitespace("  a \t b\n\n c  ") == "a b c"
