from __future__ import annotations

from roadmap.rules import Change, diff_documents, split_sections

BASE = """= Rules

== Overview
The rules of the game.

== Training Loop
=== Hyperparameters
Batch size is unconstrained for every benchmark.

=== Loss function
Use the reference loss.

== Results
Report the median of five runs.
"""

LONG_BODY = " ".join(f"word{i}" for i in range(40))


def diff(old: str, new: str):
    return diff_documents(split_sections(old), split_sections(new))


def changes(old: str, new: str) -> list[tuple[str, str]]:
    return [(c.change.value, c.path) for c in diff(old, new).changes]


def test_a_revision_compared_with_itself_has_no_changes():
    result = diff(BASE, BASE)
    assert result.is_empty
    assert len(result.unchanged) == len(split_sections(BASE).sections)


def test_added_removed_and_modified_sections_are_named_in_document_order():
    new = BASE.replace("Use the reference loss.", "Use the reference loss, unscaled.")
    new = new.replace("== Results\n", "== Scoring\nTime to train.\n\n== Results\n")
    new = new.replace("== Overview\nThe rules of the game.\n\n", "")
    assert changes(BASE, new) == [
        ("removed", "Overview"),
        ("modified", "Training Loop > Loss function"),
        ("added", "Scoring"),
    ]


def test_white_space_changes_alone_are_not_changes():
    new = BASE.replace("Batch size is", "Batch  size\nis").replace("== Results", "==   Results  ")
    assert diff(BASE, new).is_empty


def test_a_changed_title_is_reported_as_the_documents_and_not_as_a_section():
    result = diff(BASE, BASE.replace("= Rules", "= MLPerf Rules"))
    assert result.title_changed
    assert (result.old_title, result.new_title) == ("Rules", "MLPerf Rules")
    assert result.changes == ()
    assert not result.is_empty


def test_a_retitled_section_with_the_same_body_is_a_rename():
    result = diff(BASE, BASE.replace("=== Loss function", "=== Loss"))
    (change,) = result.changes
    assert change.change is Change.RENAMED
    assert (change.old_path, change.path) == (
        "Training Loop > Loss function",
        "Training Loop > Loss",
    )
    assert change.old_anchor == "training-loop--loss-function"
    assert change.anchor == "training-loop--loss"
    assert not change.text_changed


def test_renaming_a_parent_renames_its_children_even_those_without_a_body():
    result = diff(BASE, BASE.replace("== Training Loop", "== The Training Loop"))
    assert [(c.change.value, c.old_path, c.path) for c in result.changes] == [
        ("renamed", "Training Loop", "The Training Loop"),
        ("renamed", "Training Loop > Hyperparameters", "The Training Loop > Hyperparameters"),
        ("renamed", "Training Loop > Loss function", "The Training Loop > Loss function"),
    ]


def test_a_long_body_edited_a_little_and_retitled_is_still_a_rename():
    old = f"== Scope\n{LONG_BODY}\n"
    new = f"== Purpose\n{LONG_BODY.replace('word7 ', 'term7 ')}\n"
    (change,) = diff(old, new).changes
    assert change.change is Change.RENAMED
    assert change.text_changed
    assert 0.9 <= change.similarity < 1


def test_a_short_body_edited_and_retitled_is_a_removal_and_an_addition():
    old = "== Scope\nOnly closed division.\n"
    new = "== Purpose\nOnly open division.\n"
    assert changes(old, new) == [("removed", "Scope"), ("added", "Purpose")]


def test_a_rewritten_body_under_a_new_title_is_not_a_rename():
    old = f"== Scope\n{LONG_BODY}\n"
    new = f"== Purpose\n{' '.join(f'other{i}' for i in range(40))}\n"
    assert changes(old, new) == [("removed", "Scope"), ("added", "Purpose")]


def test_a_rename_needs_the_same_level():
    old = f"== A\n=== Scope\n{LONG_BODY}\n"
    new = f"== A\n== Purpose\n{LONG_BODY}\n"
    assert sorted(changes(old, new)) == [("added", "Purpose"), ("removed", "A > Scope")]


def test_two_equally_good_candidates_pair_with_neither():
    old = f"== Scope\n{LONG_BODY}\n"
    new = f"== Purpose\n{LONG_BODY}\n== Aim\n{LONG_BODY}\n"
    assert changes(old, new) == [
        ("removed", "Scope"),
        ("added", "Purpose"),
        ("added", "Aim"),
    ]


def test_empty_sections_pair_only_when_their_own_title_is_unchanged():
    old = "== A\n=== Empty\n== B\n"
    new = "== A\n=== Vacant\n== B\n"
    assert changes(old, new) == [("removed", "A > Empty"), ("added", "A > Vacant")]


def test_a_removed_section_is_listed_where_it_was():
    old = "== A\na\n== B\nb\n== C\nc\n"
    new = "== A\na!\n== C\nc!\n"
    assert changes(old, new) == [("modified", "A"), ("removed", "B"), ("modified", "C")]


def test_a_change_to_the_block_attributes_of_a_heading_modifies_that_section_only():
    old = "== A\na\n\n== B\nb\n"
    new = "== A\na\n\n[#b-id]\n== B\nb\n"
    assert changes(old, new) == [("modified", "B")]


def test_the_diff_is_symmetric():
    new = BASE.replace("== Results\n", "== Scoring\nTime.\n\n== Results\n").replace("five", "ten")
    forward, backward = diff(BASE, new), diff(new, BASE)
    assert forward.paths(Change.ADDED) == backward.paths(Change.REMOVED) == ["Scoring"]
    assert forward.paths(Change.MODIFIED) == backward.paths(Change.MODIFIED) == ["Results"]
