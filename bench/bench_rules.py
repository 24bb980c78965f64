"""Wall time of the rules engine on the real training rules (about 1,000 lines, 110 kB).

    python bench/bench_rules.py [--corpus DIR] [--repeat N]

Measures, in one process, the median of N runs of: sectioning the 2026 training rules;
rendering them (asciidoctor in secure mode, then cutting and sanitising every section, also
timed alone on asciidoctor's output); an
import, which is both; and diffing the 2025 and 2026 revisions (sectioning both, comparing the
sections, and the line and word diff of every changed section). Baselines, measured the same
way: a bare scan for heading lines (no blocks, paths, numbers or anchors), asciidoctor alone on
the file, and plain difflib over the two whole files. The ratio is ours / baseline. Target: an
import and a diff each well under a second.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from roadmap.rules import (  # noqa: E402
    asciidoctor,
    diff_documents,
    diff_sections,
    render_document,
    split_sections,
)
from roadmap.rules.render import assemble  # noqa: E402

HEADING = re.compile(r"^(={1,6}|#{1,6})[ \t]+\S")
OLD = "training_rules.2025-09-23.adoc"
NEW = "training_rules.2026-05-08.adoc"


def _default_corpus() -> Path:
    return Path(os.environ.get("RULES_CORPUS_DIR", REPO.parent / "shared" / "corpus" / "rules"))


def _timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def median_seconds(
    ours: Callable[[], object], baseline: Callable[[], object], repeat: int
) -> tuple[float, float]:
    """Medians of both, run in turns so that a change of machine load hits both alike."""
    pairs = [(_timed(ours), _timed(baseline)) for _ in range(repeat)]
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)


def diff_revisions(old: str, new: str) -> int:
    before, after = split_sections(old), split_sections(new)
    diff = diff_documents(before, after)
    return sum(len(diff_sections(c.old, c.new).rows) for c in diff.changes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=_default_corpus())
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    if not (args.corpus / NEW).is_file():
        sys.exit(f"no rules corpus at {args.corpus} (use --corpus or RULES_CORPUS_DIR)")
    old, new = (args.corpus / OLD).read_text(), (args.corpus / NEW).read_text()
    doc = split_sections(new)
    diff = diff_documents(split_sections(old), doc)
    print(
        f"{NEW}: {len(new.splitlines())} lines, {len(new) // 1000} kB, {len(doc.sections)} "
        f"sections; diff with {OLD}: {len(diff.changes)} changed sections"
    )
    command = asciidoctor.find_asciidoctor()
    print(f"renderer: {asciidoctor.asciidoctor_version(command)}, median of {args.repeat} runs\n")

    converted = asciidoctor.convert(new)

    def heading_scan() -> list[str]:
        return [line for line in new.splitlines() if HEADING.match(line)]

    def whole_file_difflib() -> list[str]:
        return list(difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm=""))

    rows = [
        ("sectioning", lambda: split_sections(new), "heading scan", heading_scan),
        ("rendering", lambda: render_document(doc), "asciidoctor alone",
         lambda: asciidoctor.convert(new)),
        ("  of which cut + sanitise", lambda: assemble(doc, converted), "asciidoctor alone",
         lambda: asciidoctor.convert(new)),
        ("import (section + render)", lambda: render_document(split_sections(new)),
         "asciidoctor alone", lambda: asciidoctor.convert(new)),
        ("diff of the two revisions", lambda: diff_revisions(old, new),
         "difflib, whole files", whole_file_difflib),
    ]  # fmt: skip
    print(f"{'operation':28s} {'ours s':>8s} {'baseline':>20s} {'base s':>8s} {'ours/base':>9s}")
    results = {}
    for name, ours, baseline_name, baseline in rows:
        ours_s, base_s = median_seconds(ours, baseline, args.repeat)
        results[name] = ours_s
        print(
            f"{name:28s} {ours_s:8.4f} {baseline_name:>20s} {base_s:8.4f} {ours_s / base_s:8.2f}x"
        )
    for name in ("import (section + render)", "diff of the two revisions"):
        verdict = "ok" if results[name] < 1.0 else "TOO SLOW"
        print(f"\n{name}: {results[name]:.3f} s (target < 1 s): {verdict}", end="")
    print()


if __name__ == "__main__":
    main()
