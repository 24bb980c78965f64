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

Then, unless ``--no-pages``, the service around it, in a scratch SQLite database: importing
through the service (render and store the sections), and serving the pages of the rules —
a round's frozen rules with an exception beside a section, a revision, a diff — against
rendering the frozen document per request (asciidoctor, cut, sanitise), which the pages do
not do: they serve the HTML stored at import.
"""

from __future__ import annotations

import argparse
import difflib
import io
import os
import re
import statistics
import sys
import tempfile
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
    parser.add_argument("--no-pages", action="store_true", help="the engine only, no Django")
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
    if not args.no_pages:
        with tempfile.TemporaryDirectory(prefix="bench-rules-") as tmp:
            pages(Path(tmp), old, new, args.repeat)


def pages(tmp: Path, old: str, new: str, repeat: int) -> None:
    """The service: import through it, and the pages against rendering per request."""
    os.environ.update(
        {"VAR_DIR": str(tmp), "DJANGO_SETTINGS_MODULE": "config.settings", "LOG_LEVEL": "ERROR"}
    )
    for name in ("DATABASE_URL", "CELERY_BROKER_URL"):
        os.environ.pop(name, None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from roadmap.models import Round, RuleDocument
    from roadmap.services.decisions import decision_record
    from roadmap.services.rules.exceptions import rule_exception_grant
    from roadmap.services.rules.freezes import rule_freeze_create
    from roadmap.services.rules.revisions import rule_revision_import
    from tests.factories import person_with_role
    from wg.models import Role

    call_command("migrate", verbosity=0)
    call_command("load_catalogue", stdout=io.StringIO())
    chair = person_with_role(Role.CHAIR, username="bench-chair")
    rule_revision_import(actor=None, document="training", source=old, message="2025")
    rule_revision_import(actor=None, document="training", source=new, message="2026")
    round_ = Round.objects.get(name="v6.0")
    rule_freeze_create(actor=chair.user, round=round_, revisions={"training": 1})
    decision = decision_record(
        actor=chair.user, outcome="accepted", method="consensus", title="Late", text="."
    )
    rule_exception_grant(
        actor=chair.user,
        round=round_,
        document=RuleDocument.objects.get(slug="training"),
        section_anchor="benchmarks",
        text="gpt_oss_20b joins v6.0.",
        requested_by=chair,
        decision=decision,
    )
    frozen = split_sections(old)
    client = Client(HTTP_HOST="127.0.0.1")
    imports = iter(range(10**6))

    def get(url: str) -> Callable[[], object]:
        def page() -> object:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return page

    def import_new_document() -> object:
        slug = f"copy-{next(imports)}"
        return rule_revision_import(actor=None, document=slug, source=new, message="bench")

    def render_per_request() -> object:
        return render_document(frozen)

    rows = [
        ("import through the service", import_new_document, "asciidoctor alone",
         lambda: asciidoctor.convert(new)),
        ("round's rules page (stored)", get("/rules/rounds/v6.0/"), "render per request",
         render_per_request),
        ("revision page (stored)", get("/rules/training/revisions/1/"), "render per request",
         render_per_request),
        ("changes since the freeze", get("/rules/rounds/v6.0/changes/"), "render per request",
         render_per_request),
        ("diff API", get("/api/rules/training/diff/1/2"), "render per request",
         render_per_request),
    ]  # fmt: skip
    size = len(client.get("/rules/rounds/v6.0/").content)
    print(f"\nthe service (SQLite); the round's rules page is {size // 1000} kB of HTML")
    print(f"{'operation':28s} {'ours s':>8s} {'baseline':>20s} {'base s':>8s} {'ours/base':>9s}")
    for name, ours, baseline_name, baseline in rows:
        ours_s, base_s = median_seconds(ours, baseline, repeat)
        print(
            f"{name:28s} {ours_s:8.4f} {baseline_name:>20s} {base_s:8.4f} {ours_s / base_s:8.2f}x"
        )


if __name__ == "__main__":
    main()
