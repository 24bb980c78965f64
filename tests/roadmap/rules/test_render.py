"""Rendering with asciidoctor, and hostile documents that must render inert."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from roadmap.rules import RenderError, asciidoctor, render_document, sanitize_html, split_sections

DOC = """:sectnums:
= Rules
Dec 9, 2025

Read this first.

== Overview
See <<specific_rules>> and <<Loss function>>.

=== Loss function
Use the *reference* loss.

== Appendix: Specific Rules [[specific_rules]]
|===
| Benchmark | Rule
| llama | none
|===
"""


def test_the_whole_document_and_each_section_are_rendered_with_numbers():
    rendered = render_document(DOC)
    assert rendered.renderer.startswith("Asciidoctor ")
    assert set(rendered.sections) == {
        "preamble",
        "overview",
        "overview--loss-function",
        "appendix-specific-rules",
    }
    loss = rendered.sections["overview--loss-function"]
    assert '<h3 id="overview--loss-function">1.1. Loss function</h3>' in loss
    assert "<strong>reference</strong>" in loss
    assert "Read this first." in rendered.sections["preamble"]
    assert "<table" in rendered.sections["appendix-specific-rules"]
    assert "2. Appendix: Specific Rules" in rendered.html


def test_a_sections_html_holds_its_own_text_but_not_its_subsections():
    overview = render_document(DOC).sections["overview"]
    assert "See " in overview
    assert "reference" not in overview
    assert overview.count("<div") == overview.count("</div>")


def test_cross_references_follow_the_stable_anchors():
    rendered = render_document(DOC)
    overview = rendered.sections["overview"]
    assert 'href="#appendix-specific-rules"' in overview
    assert 'href="#overview--loss-function"' in overview
    assert 'id="specific_rules"' not in rendered.html
    assert 'id="appendix-specific-rules"' in rendered.html


def test_a_heading_glued_to_a_paragraph_is_still_its_own_section():
    rendered = render_document("== A\nSome text.\n== B\nMore.\n")
    assert "More." in rendered.sections["b"]
    assert "More." not in rendered.sections["a"]


def test_a_heading_asciidoctor_does_not_see_gets_a_warning_and_no_html():
    # Preprocessor conditionals are not part of the sectioning rules; asciidoctor drops the
    # lines, so the heading has no HTML, and the sections around it keep theirs.
    source = "== A\n\nifdef::never-set[]\n== Hidden\n\nhidden text\nendif::[]\n\n== B\n\nb text\n"
    rendered = render_document(source)
    assert [s.path for s in split_sections(source).sections] == ["(preamble)", "A", "Hidden", "B"]
    assert rendered.sections["hidden"] == ""
    assert "b text" in rendered.sections["b"]
    assert any("line 4" in w and "'Hidden'" in w for w in rendered.warnings), rendered.warnings


def test_warnings_point_at_lines_of_the_original_source():
    # The blank line we insert before "=== Late" must not shift the line asciidoctor reports.
    source = "== A\ntext\n=== Late\n\n===== Too deep\n"
    rendered = render_document(source)
    assert any("line 5" in w and "out of sequence" in w for w in rendered.warnings), (
        rendered.warnings
    )


def test_a_missing_renderer_is_a_clear_error():
    with pytest.raises(RenderError, match="not installed"):
        render_document(DOC, executable="asciidoctor-that-is-not-installed")


def test_a_renderer_that_runs_out_of_time_is_a_clear_error():
    with pytest.raises(RenderError, match="longer than"):
        render_document(DOC * 200, timeout=0.01)


# Markup that asciidoctor copies into its HTML as it is: the sanitiser must remove it.
PASSED_THROUGH = {
    "passthrough block": "++++\n<script>alert('x')</script>\n<img src=x onerror=\"alert('x')\">\n++++",
    "passthrough style": "++++\n<style>body{display:none}</style>\n++++",
    "inline passthrough": "pass:[<b onclick=\"alert('x')\">hi</b>] and +++<svg onload=alert('x')>+++",
    "javascript link": "link:javascript:alert('x')[click] and https://x.test[ok]",
    "javascript image": "image::javascript:alert('x')[img]",
    "data url": "link:data:text/html;base64,PHNjcmlwdD4=[d]",
    "iframe": '++++\n<iframe src="https://evil.test"></iframe><object data=x></object>\n++++',
    "entity obfuscation": "++++\n<a href=\"jav&#x61;script:alert('x')\">e</a>\n++++",
}
# Markup that asciidoctor already escapes; it must stay inert all the same.
ESCAPED = {
    "script tag": "<script>alert('x')</script>",
    "event handler role": "[.x\" onmouseover=\"alert('x')]\nText",
    "markdown html": "# Title\n\n<a href=\"javascript:alert('x')\" onclick=\"alert('x')\">md</a>",
}
_LIVE_TAGS = {
    "script",
    "style",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "form",
    "base",
    "link",
    "meta",
}
_SAFE_URL = re.compile(r"^(https?:|mailto:|#|[^:]*$)", re.I)


class _LiveParts(HTMLParser):
    """What a browser would act on: elements that run or load, handlers, dangerous URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _LIVE_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}")
            if name in ("href", "src", "action", "formaction") and not _SAFE_URL.match(value or ""):
                self.found.append(f"{tag} {name}={value}")


def live_parts(html: str) -> list[str]:
    parser = _LiveParts()
    parser.feed(html)
    parser.close()
    return parser.found


def test_the_checker_of_live_parts_sees_what_it_must():
    assert live_parts('<p onclick="x">a</p><a href="javascript:x">b</a><script></script>') == [
        "p onclick",
        "a href=javascript:x",
        "<script>",
    ]
    assert live_parts("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>") == []


@pytest.mark.parametrize("name", sorted(PASSED_THROUGH))
def test_hostile_markup_that_asciidoctor_passes_through_renders_inert(name):
    source = f"= T\n\n== Section\n\n{PASSED_THROUGH[name]}\n"
    assert live_parts(asciidoctor.convert(source).html), f"{name} is not hostile to begin with"
    rendered = render_document(source)
    for html in [rendered.html, *rendered.sections.values()]:
        assert live_parts(html) == [], (name, html)


@pytest.mark.parametrize("name", sorted(ESCAPED))
def test_hostile_markup_that_asciidoctor_escapes_renders_inert(name):
    rendered = render_document(f"= T\n\n== Section\n\n{ESCAPED[name]}\n")
    for html in [rendered.html, *rendered.sections.values()]:
        assert live_parts(html) == [], (name, html)


def test_include_directives_read_no_server_file(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT\n")
    source = (
        f"= T\n\n== Section\n\ninclude::{secret}[]\n\ninclude::secret.txt[]\n\n"
        f"include::/etc/passwd[]\n\n:data-uri:\nimage::{secret}[]\n"
    )
    rendered = render_document(source)
    assert "TOP-SECRET-CONTENT" not in rendered.html
    assert "root:" not in rendered.html
    assert "base64" not in rendered.html


def test_asciidoc_python_style_system_macros_are_plain_text():
    rendered = render_document(
        "== A\n\n{sys:id} {eval:1+1}\n\nifeval::[1 == 1]\nshown\nendif::[]\n"
    )
    assert "{sys:id}" in rendered.html
    assert "uid=" not in rendered.html


def test_the_sanitiser_keeps_tables_and_widths_and_drops_other_styles():
    html = sanitize_html(
        '<table style="width: 50%; position: fixed"><colgroup><col style="width: 25%;">'
        '</colgroup><tr><td class="tableblock" onclick="x">c</td></tr></table>'
    )
    assert 'style="width:50%"' in html.replace(" ", "") or 'style="width: 50%"' in html
    assert "position" not in html
    assert "onclick" not in html
    assert 'class="tableblock"' in html
