"""Line and word differences of one section's source, for inline and side-by-side views.

Lines are compared with white space folded, as sections are, so re-indenting a table row is
not a change; a changed line is paired with its counterpart and the words that differ are
marked inside it. Rows carry the lines' numbers in the document, so a reader can find them in
the source.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from roadmap.rules.lines import fold_whitespace
from roadmap.rules.sections import Section, raw_lines

FragmentOp = Literal["equal", "insert", "delete"]
RowKind = Literal["equal", "insert", "delete", "replace", "skip"]
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")
_PAIR_CUTOFF = 0.6
_MAX_PAIRING_WORK = 2500  # line pairs compared in one changed block before pairing by position


@dataclass(frozen=True)
class Fragment:
    op: FragmentOp
    text: str


@dataclass(frozen=True)
class DiffRow:
    kind: RowKind  # "skip" stands for ``skipped`` unchanged lines left out of a view
    old_number: int | None = None
    old: tuple[Fragment, ...] = ()
    new_number: int | None = None
    new: tuple[Fragment, ...] = ()
    skipped: int = 0


@dataclass(frozen=True)
class TextDiff:
    rows: tuple[DiffRow, ...]

    @property
    def changed(self) -> bool:
        return any(row.kind != "equal" for row in self.rows)

    def with_context(self, lines: int = 3) -> list[DiffRow]:
        """The rows, with runs of unchanged lines farther than ``lines`` from a change folded
        into one "skip" row."""
        near: set[int] = set()
        for index, row in enumerate(self.rows):
            if row.kind != "equal":
                near.update(range(index - lines, index + lines + 1))
        out: list[DiffRow] = []
        for index, row in enumerate(self.rows):
            if index in near or row.kind != "equal":
                out.append(row)
            elif out and out[-1].kind == "skip":
                out[-1] = DiffRow("skip", skipped=out[-1].skipped + 1)
            else:
                out.append(DiffRow("skip", skipped=1))
        return out


def diff_text(old: str, new: str, *, old_start: int = 1, new_start: int = 1) -> TextDiff:
    """Rows comparing ``old`` and ``new`` line by line; line numbers start at the given ones."""
    old_lines = [line.rstrip("\n") for line in raw_lines(old)]
    new_lines = [line.rstrip("\n") for line in raw_lines(new)]
    old_keys = [fold_whitespace(line) for line in old_lines]
    new_keys = [fold_whitespace(line) for line in new_lines]
    matcher = SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    pairs: list[tuple[int | None, int | None]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs.extend(zip(range(i1, i2), range(j1, j2), strict=True))
        else:
            pairs.extend(_pair_lines(old_keys, new_keys, i1, i2, j1, j2))
    rows = []
    for i, j in pairs:
        old_number = None if i is None else old_start + i
        new_number = None if j is None else new_start + j
        if i is not None and j is not None:
            if old_keys[i] == new_keys[j]:
                rows.append(
                    DiffRow(
                        "equal", old_number, _whole(old_lines[i]), new_number, _whole(new_lines[j])
                    )
                )
            else:
                before, after = _word_diff(old_lines[i], new_lines[j])
                rows.append(DiffRow("replace", old_number, before, new_number, after))
        elif i is not None:
            rows.append(DiffRow("delete", old_number, (Fragment("delete", old_lines[i]),)))
        elif j is not None:
            rows.append(
                DiffRow("insert", new_number=new_number, new=(Fragment("insert", new_lines[j]),))
            )
    return TextDiff(tuple(rows))


def _pair_lines(
    old: list[str], new: list[str], i1: int, i2: int, j1: int, j2: int
) -> list[tuple[int | None, int | None]]:
    """Pair the changed lines old[i1:i2] and new[j1:j2]: the most alike pair first, then the
    lines before it and after it the same way (as difflib.Differ does). Lines with no
    counterpart at least 60 % alike are a deletion or an insertion, not a replacement."""
    if i1 == i2 or j1 == j2:
        return [(i, None) for i in range(i1, i2)] + [(None, j) for j in range(j1, j2)]
    if (i2 - i1) * (j2 - j1) > _MAX_PAIRING_WORK:
        # A big rewrite: pairing by position keeps the cost linear and the view readable.
        count = min(i2 - i1, j2 - j1)
        return (
            list(zip(range(i1, i1 + count), range(j1, j1 + count), strict=True))
            + [(i, None) for i in range(i1 + count, i2)]
            + [(None, j) for j in range(j1 + count, j2)]
        )
    best, best_i, best_j = _PAIR_CUTOFF, -1, -1
    matcher = SequenceMatcher(autojunk=False)
    for j in range(j1, j2):
        matcher.set_seq2(_TOKEN.findall(new[j]))
        for i in range(i1, i2):
            matcher.set_seq1(_TOKEN.findall(old[i]))
            if (
                matcher.real_quick_ratio() > best
                and matcher.quick_ratio() > best
                and matcher.ratio() > best
            ):
                best, best_i, best_j = matcher.ratio(), i, j
    if best_i < 0:
        return [(i, None) for i in range(i1, i2)] + [(None, j) for j in range(j1, j2)]
    before = _pair_lines(old, new, i1, best_i, j1, best_j)
    after = _pair_lines(old, new, best_i + 1, i2, best_j + 1, j2)
    return [*before, (best_i, best_j), *after]


def diff_sections(old: Section | None, new: Section | None) -> TextDiff:
    """The line diff of one section between two revisions (either side may be missing)."""
    return diff_text(
        old.text if old else "",
        new.text if new else "",
        old_start=old.first_line if old else 1,
        new_start=new.first_line if new else 1,
    )


def _whole(line: str | None) -> tuple[Fragment, ...]:
    return (Fragment("equal", line or ""),)


def _word_diff(old: str, new: str) -> tuple[tuple[Fragment, ...], tuple[Fragment, ...]]:
    old_tokens, new_tokens = _TOKEN.findall(old), _TOKEN.findall(new)
    matcher = SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    old_out: list[Fragment] = []
    new_out: list[Fragment] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            old_out.append(Fragment("equal", "".join(old_tokens[i1:i2])))
            new_out.append(Fragment("equal", "".join(new_tokens[j1:j2])))
            continue
        if i2 > i1:
            old_out.append(Fragment("delete", "".join(old_tokens[i1:i2])))
        if j2 > j1:
            new_out.append(Fragment("insert", "".join(new_tokens[j1:j2])))
    return tuple(old_out), tuple(new_out)


def _fragments_html(fragments: tuple[Fragment, ...]) -> str:
    tags = {"insert": "ins", "delete": "del"}
    parts = []
    for fragment in fragments:
        text = html.escape(fragment.text)
        tag = tags.get(fragment.op)
        parts.append(f"<{tag}>{text}</{tag}>" if tag else text)
    return "".join(parts)


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


def inline_html(diff: TextDiff, *, context: int | None = 3) -> str:
    """One column: removed lines (``-``) above the lines that replaced them (``+``)."""
    rows = diff.with_context(context) if context is not None else list(diff.rows)
    out = ['<table class="rules-diff rules-diff-inline">']
    for row in rows:
        if row.kind == "skip":
            out.append(f'<tr class="skip"><td colspan="3">{row.skipped} unchanged lines</td></tr>')
            continue
        if row.kind == "equal":
            out.append(_inline_row("equal", row.old_number, row.new_number, " ", row.new))
            continue
        if row.old_number is not None:
            out.append(_inline_row("delete", row.old_number, None, "-", row.old))
        if row.new_number is not None:
            out.append(_inline_row("insert", None, row.new_number, "+", row.new))
    out.append("</table>")
    return "\n".join(out)


def _inline_row(
    kind: str, old: int | None, new: int | None, sign: str, frags: tuple[Fragment, ...]
) -> str:
    return (
        f'<tr class="{kind}"><td class="num">{_number(old)}</td><td class="num">{_number(new)}</td>'
        f"<td><code>{sign} {_fragments_html(frags)}</code></td></tr>"
    )


def side_by_side_html(diff: TextDiff, *, context: int | None = 3) -> str:
    """Two columns: the old line on the left, the new one on the right."""
    rows = diff.with_context(context) if context is not None else list(diff.rows)
    out = ['<table class="rules-diff rules-diff-side">']
    for row in rows:
        if row.kind == "skip":
            out.append(f'<tr class="skip"><td colspan="4">{row.skipped} unchanged lines</td></tr>')
            continue
        out.append(
            f'<tr class="{row.kind}"><td class="num">{_number(row.old_number)}</td>'
            f"<td><code>{_fragments_html(row.old)}</code></td>"
            f'<td class="num">{_number(row.new_number)}</td>'
            f"<td><code>{_fragments_html(row.new)}</code></td></tr>"
        )
    out.append("</table>")
    return "\n".join(out)
