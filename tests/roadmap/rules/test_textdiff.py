from __future__ import annotations

from roadmap.rules import diff_sections, diff_text, inline_html, side_by_side_html, split_sections


def describe(old: str, new: str) -> list[tuple[str, int | None, int | None]]:
    return [(r.kind, r.old_number, r.new_number) for r in diff_text(old, new).rows]


def test_unchanged_lines_are_equal_rows_and_a_changed_line_marks_the_words_that_changed():
    diff = diff_text("Run five times.\nKeep logs.\n", "Run ten times.\nKeep logs.\n")
    changed, same = diff.rows
    assert (changed.kind, same.kind) == ("replace", "equal")
    assert [(f.op, f.text) for f in changed.old] == [
        ("equal", "Run "),
        ("delete", "five"),
        ("equal", " times."),
    ]
    assert [(f.op, f.text) for f in changed.new] == [
        ("equal", "Run "),
        ("insert", "ten"),
        ("equal", " times."),
    ]


def test_inserted_and_deleted_lines_have_a_number_on_one_side_only():
    assert describe("a\nb\nc\n", "a\nc\nd\n") == [
        ("equal", 1, 1),
        ("delete", 2, None),
        ("equal", 3, 2),
        ("insert", None, 3),
    ]


def test_changed_lines_pair_with_the_most_alike_line_not_the_next_one():
    old = "| llama | v5.1\n| flux | v5.1\n"
    new = "| gpt-oss | samples from zero | v6.0\n| llama | v6.0\n| flux | v6.0\n"
    assert describe(old, new) == [
        ("insert", None, 1),
        ("replace", 1, 2),
        ("replace", 2, 3),
    ]


def test_white_space_only_changes_are_equal_rows():
    assert [r.kind for r in diff_text("a  b\n", "a b \n").rows] == ["equal"]


def test_section_diffs_number_lines_as_in_the_document():
    old = split_sections("== A\nx\n== B\nthe old rule\n").by_path("B")
    new = split_sections("== A\nx\ny\n== B\nthe new rule\n").by_path("B")
    rows = diff_sections(old, new).rows
    assert [(r.kind, r.old_number, r.new_number) for r in rows] == [
        ("equal", 3, 4),
        ("replace", 4, 5),
    ]
    added = diff_sections(None, new).rows
    assert [(r.kind, r.new_number) for r in added] == [("insert", 4), ("insert", 5)]


def test_context_folds_long_runs_of_unchanged_lines():
    old = "".join(f"line {i}\n" for i in range(20))
    new = old.replace("line 10\n", "line ten\n")
    rows = diff_text(old, new).with_context(2)
    assert [r.kind for r in rows] == ["skip", "equal", "equal", "replace", "equal", "equal", "skip"]
    assert (rows[0].skipped, rows[-1].skipped) == (8, 7)


def test_views_escape_the_documents_text():
    diff = diff_text("<b>old</b>\n", "<script>alert(1)</script>\n")
    for html in (inline_html(diff), side_by_side_html(diff)):
        assert "<script>" not in html
        assert "&lt;script&gt;" in html
    assert "<del>" in inline_html(diff) and "<ins>" in side_by_side_html(diff)
