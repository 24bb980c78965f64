"""Properties of sectioning and diffing over generated documents, hostile ones included."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from roadmap.rules import Change, diff_documents, split_sections
from roadmap.rules.sections import raw_lines

# Lines that exercise every rule: headings of both kinds and all depths, the title, every
# delimiter (closed, nested, left open), fences, attribute lines, anchors and odd white space.
_SPECIAL_LINES = st.sampled_from(
    [
        "= Title", "# Title", "== A", "=== B [[b]]", "#### C", "====== F", "======= seven",
        "== ", "==NoSpace", "## Md", "----", "------", "....", "++++", "////", "____", "****",
        "====", "--", "|===", "```", "```python", "[appendix]", "[discrete]", "[[id]]",
        "[#x]", ":sectnums:", ":sectnums!:", ":doctype: book", "Title", "-----", "",
        "  ", "\t", "// comment", "text", "== A ==",
    ]
)  # fmt: skip
_ANY_LINE = st.one_of(_SPECIAL_LINES, st.text(max_size=20), st.text("=#-+ \t\r[]:.*_", max_size=8))


@st.composite
def sources(draw: st.DrawFn) -> str:
    lines = draw(st.lists(_ANY_LINE, max_size=40))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(line.replace("\n", " ") for line in lines)
    return text + (newline if draw(st.booleans()) else "")


@settings(max_examples=300)
@given(sources())
def test_sectioning_never_loses_a_line(source):
    doc = split_sections(source)
    raw = raw_lines(source)
    owner: dict[int, str] = {}
    for section in doc.sections:
        lines = range(section.first_line, section.last_line + 1)
        kept = [n for n in lines if n != doc.title_line]
        assert section.text == "".join(raw[n - 1] for n in kept)
        for number in kept:
            assert number not in owner, f"line {number} is in two sections"
            owner[number] = section.path
    expected = {n for n in range(1, len(raw) + 1) if n != doc.title_line}
    assert set(owner) == expected
    # Joined in order, with the title line put back at its place, the sections are the source.
    preamble, rest = doc.sections[0].text, "".join(s.text for s in doc.sections[1:])
    if doc.title_line is not None:
        cut = len("".join(raw[: doc.title_line - 1]))
        preamble = preamble[:cut] + raw[doc.title_line - 1] + preamble[cut:]
    assert preamble + rest == source


@settings(max_examples=300)
@given(sources())
def test_paths_and_anchors_are_unique_in_a_revision(source):
    doc = split_sections(source)
    assert len({s.path for s in doc.sections}) == len(doc.sections)
    assert len({s.anchor for s in doc.sections}) == len(doc.sections)


@settings(max_examples=300)
@given(sources())
def test_a_revision_diffed_with_itself_is_empty(source):
    assert diff_documents(split_sections(source), split_sections(source)).is_empty


@settings(max_examples=200)
@given(sources(), st.data())
def test_trailing_white_space_changes_nothing(source, data):
    raw = raw_lines(source)
    padded = [
        line.replace("\n", data.draw(st.sampled_from(["", " ", "\t "])) + "\n", 1)
        if line.endswith("\n") and not line.endswith("\r\n")
        else line
        for line in raw
    ]
    assert diff_documents(split_sections(source), split_sections("".join(padded))).is_empty


@settings(max_examples=200)
@given(sources(), sources())
def test_diffing_backwards_swaps_added_and_removed(first, second):
    old, new = split_sections(first), split_sections(second)
    forward, backward = diff_documents(old, new), diff_documents(new, old)
    assert sorted(forward.paths(Change.ADDED)) == sorted(backward.paths(Change.REMOVED))
    assert sorted(forward.paths(Change.MODIFIED)) == sorted(backward.paths(Change.MODIFIED))
    assert len(forward.of_kind(Change.RENAMED)) == len(backward.of_kind(Change.RENAMED))


# Documents as a list of sections, to edit one section or insert another between them.
_WORDS = st.sampled_from(["Scope", "Rules", "Results", "RCP", "Timing", "Data", "Model", "Loss"])
_TITLES = st.lists(_WORDS, min_size=1, max_size=3).map(" ".join)
_TEXT = st.lists(st.sampled_from(["Run five times.", "| a | b |", "x = 1", ""]), max_size=4)
_LISTING = st.sampled_from([[], ["", "----", "== not a heading", "# nor this", "----"]])


@st.composite
def outlines(draw: st.DrawFn) -> list[tuple[int, str, str]]:
    """(level, title, body) of each section; bodies may hold whole listing blocks."""
    sections, level = [], 1
    for _ in range(draw(st.integers(1, 12))):
        level = draw(st.integers(1, min(level + 1, 5)))
        body = draw(_TEXT) + draw(_LISTING)
        sections.append((level, draw(_TITLES), "\n".join(body)))
    return sections


def write(outline: list[tuple[int, str, str]]) -> str:
    parts = ["= Rules", "", "Preamble text."]
    for level, title, body in outline:
        parts += [f"{'=' * (level + 1)} {title}", body, ""]
    return "\n".join(parts) + "\n"


@settings(max_examples=200)
@given(outlines(), st.data())
def test_editing_one_section_moves_no_other_anchor(outline, data):
    index = data.draw(st.integers(0, len(outline) - 1))
    level, title, body = outline[index]
    edited = [*outline[:index], (level, title, body + "\nA new sentence."), *outline[index + 1 :]]
    before, after = split_sections(write(outline)), split_sections(write(edited))
    assert [s.anchor for s in before.sections] == [s.anchor for s in after.sections]
    changed = diff_documents(before, after).changes
    assert [c.change for c in changed] == [Change.MODIFIED]
    assert changed[0].anchor == before.sections[index + 1].anchor


@settings(max_examples=200)
@given(outlines(), st.data())
def test_inserting_a_section_moves_no_other_anchor(outline, data):
    index = data.draw(st.integers(0, len(outline)))
    # A new section deeper than the one after it would adopt that one as a child and change
    # its path; at the same level or higher it encloses nothing.
    lowest = outline[index][0] if index < len(outline) else 1
    level = data.draw(st.integers(lowest, 5))
    inserted = [*outline[:index], (level, "Inserted Late", "New rule."), *outline[index:]]
    before, after = split_sections(write(outline)), split_sections(write(inserted))
    new_anchors = [s.anchor for s in after.sections]
    assert new_anchors[: index + 1] + new_anchors[index + 2 :] == [
        s.anchor for s in before.sections
    ]
    added = diff_documents(before, after).changes
    assert [(c.change, c.title) for c in added] == [(Change.ADDED, "Inserted Late")]
