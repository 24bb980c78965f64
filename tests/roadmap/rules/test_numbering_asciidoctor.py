"""Section numbers compared with the numbers asciidoctor itself shows."""

from __future__ import annotations

import html
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roadmap.rules import fold_whitespace, render_document, split_sections

_SHOWN = re.compile(r"<h[1-6][^>]*>(.*?)</h[1-6]>", re.S)


def shown_by_asciidoctor(source: str) -> dict[str, str]:
    """Each section's heading text in asciidoctor's HTML, by anchor."""
    rendered = render_document(source)
    shown = {}
    for anchor, piece in rendered.sections.items():
        match = _SHOWN.search(piece)
        if match and anchor != "preamble":
            shown[anchor] = fold_whitespace(html.unescape(re.sub(r"<[^>]+>", "", match[1])))
    return shown


HAND_MADE = [
    ":sectnums:\n= T\n\n== A\n\n==== Skipped a level\n\n== B\n\n= Part\n\n== C\n",
    "= T\n:sectnums:\n:sectnumlevels: 1\n\n== A\n\n=== A1\n\n[appendix]\n== App\n\n=== Sub\n",
    "= T\n\n[appendix]\n== App\n\n=== Sub\n\n== Normal\n",
    ":sectnums!:\n= T\n\n== A\n\n:sectnums:\n\n== B\n",
    "= T\n:sectnums:\n:appendix-caption!:\n\n[appendix]\n== App\n\n[glossary]\n== Gl\n\n== C\n",
    "= T\n:sectnums: all\n\n[preface]\n== Pre\n\n=== Inside\n\n== A\n",
]


def test_numbers_match_asciidoctor_on_hand_made_documents():
    for source in HAND_MADE:
        doc = split_sections(source)
        shown = shown_by_asciidoctor(source)
        assert {s.anchor: s.heading for s in doc.sections[1:]} == shown, source


_TITLES = st.sampled_from(["Scope", "Rules", "Results", "RCP", "Timing", "Data", "Model"])


@st.composite
def numbered_documents(draw: st.DrawFn) -> str:
    lines = [":sectnums:" if draw(st.booleans()) else "", "= Title", ""]
    if draw(st.booleans()):
        lines[1:1] = [":doctype: book"]
    level = 1
    for index in range(draw(st.integers(1, 14))):
        kind = draw(st.sampled_from(["plain"] * 6 + ["toggle", "style", "caption", "levels"]))
        if kind == "toggle":
            toggle = draw(st.sampled_from([":sectnums:", ":sectnums!:", ":sectnums: all"]))
            lines += [toggle, ""]
        elif kind == "levels":
            lines += [f":sectnumlevels: {draw(st.integers(1, 4))}", ""]
        elif kind == "caption":
            lines += [draw(st.sampled_from([":appendix-caption!:", ":appendix-caption: Annex"]))]
            lines += [""]
        elif kind == "style":
            style = draw(st.sampled_from(["appendix", "discrete", "preface", "glossary", "sect2"]))
            lines += [f"[{style}]"]
        level = draw(st.integers(0 if index else 1, min(5, level + 1)))
        lines += [f"{'=' * (level + 1)} {draw(_TITLES)} {index}", "", "text", ""]
    return "\n".join(lines)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(numbered_documents())
def test_numbers_match_asciidoctor_on_generated_documents(source):
    doc = split_sections(source)
    assert {s.anchor: s.heading for s in doc.sections[1:]} == shown_by_asciidoctor(source)
