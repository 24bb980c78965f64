"""The rules engine: rule documents cut into sections, compared and rendered.

Plain Python with no Django, so that it can be tested, benchmarked and run anywhere; the
models, services and pages of the rules build on it.

- ``decode_source(data)`` -> ``str``: a file's text, or RulesError saying why it is not text;
  ``content_hash(source)`` tells identical revisions apart.
- ``split_sections(source)`` -> ``SectionedDocument``: the title and the sections (path,
  title, level, number, stable anchor, lines, text) of an AsciiDoc or Markdown-headed source.
- ``diff_documents(old, new)`` -> ``DocumentDiff``: the sections added, removed, modified or
  renamed, and whether the title changed.
- ``diff_sections(old, new)`` -> ``TextDiff``: one section's line and word differences, with
  ``inline_html`` and ``side_by_side_html`` to show them.
- ``render_document(document)`` -> ``RenderedDocument``: sanitised HTML, whole and per
  section (by anchor), from asciidoctor in safe mode.
"""

from roadmap.rules.anchors import PREAMBLE_ANCHOR, slugify
from roadmap.rules.diff import Change, DocumentDiff, SectionChange, diff_documents
from roadmap.rules.errors import RenderError, RulesError
from roadmap.rules.lines import fold_whitespace
from roadmap.rules.render import RenderedDocument, render_document
from roadmap.rules.sanitize import sanitize_html
from roadmap.rules.sections import (
    PATH_SEPARATOR,
    PREAMBLE,
    Section,
    SectionedDocument,
    extract_title,
    split_sections,
)
from roadmap.rules.source import MAX_SOURCE_BYTES, content_hash, decode_source
from roadmap.rules.textdiff import (
    DiffRow,
    Fragment,
    TextDiff,
    diff_sections,
    diff_text,
    inline_html,
    side_by_side_html,
)

__all__ = [
    "MAX_SOURCE_BYTES",
    "PATH_SEPARATOR",
    "PREAMBLE",
    "PREAMBLE_ANCHOR",
    "Change",
    "DiffRow",
    "DocumentDiff",
    "Fragment",
    "RenderError",
    "RenderedDocument",
    "RulesError",
    "Section",
    "SectionChange",
    "SectionedDocument",
    "TextDiff",
    "content_hash",
    "decode_source",
    "diff_documents",
    "diff_sections",
    "diff_text",
    "extract_title",
    "fold_whitespace",
    "inline_html",
    "render_document",
    "sanitize_html",
    "side_by_side_html",
    "slugify",
    "split_sections",
]
