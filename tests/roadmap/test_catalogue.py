"""The catalogue across rounds, read from data/catalogue.yaml and the pinned mlperf-logging."""

from __future__ import annotations

from roadmap.catalogue_meta import closed_target
from roadmap.models import BenchmarkVersion, Round
from roadmap.selectors.catalogue import benchmark_history, current_round, round_compare


def test_targets_come_from_each_rulesets_checker_files():
    assert closed_target("5.1.0", "retinanet") == "eval_accuracy ≥ 0.340"
    assert closed_target("6.1.0", "llama2_70b_lora") == "eval_accuracy ≤ 0.925"
    assert closed_target("5.0.0", "stable_diffusion") == "FID ≤ 90.0 and CLIP ≥ 0.15"
    # A target held in the rule file's state block is resolved, not executed.
    assert closed_target("6.1.0", "dlrmv4") == "eval_accuracy ≥ 0.75"
    assert closed_target("6.1.0", "no_such_benchmark") == ""


def test_the_loaded_rounds_carry_their_rulesets_suites(catalogue):
    v61 = Round.objects.get(name="v6.1")
    assert v61.milestones.count() > 20  # it has a submission date, so a schedule
    assert not Round.objects.get(name="v5.1").milestones.exists()  # no date, no schedule
    version = v61.benchmark_versions.get(benchmark__slug="qwen35_397b_grpo")
    assert (version.runs_required, version.target) == (3, "eval_accuracy > 0.69")
    assert current_round() == v61


def test_comparing_two_real_rounds_names_what_was_added_and_retired(catalogue):
    c = round_compare(Round.objects.get(name="v5.1"), Round.objects.get(name="v6.1"))
    assert [v.benchmark.slug for v in c.added] == [
        "deepseekv3_671b",
        "dlrmv4",
        "gpt_oss_20b",
        "qwen35_397b_grpo",
    ]
    assert [v.benchmark.slug for v in c.retired] == [
        "dlrm_dcnv2",
        "llama31_405b",
        "retinanet",
        "rgat",
    ]
    assert [v.benchmark.slug for v in c.unchanged] == ["flux1", "llama2_70b_lora", "llama31_8b"]


def test_a_benchmarks_history_shows_entry_changes_and_retirement(catalogue):
    from roadmap.models import Benchmark

    retinanet = Benchmark.objects.get(slug="retinanet")
    events = [(r.round.name, r.event) for r in benchmark_history(retinanet)]
    assert events == [
        ("v5.0", "entered"),
        ("v5.1", "unchanged"),
        ("v6.0", "retired"),
        ("v6.1", "absent"),
    ]
    BenchmarkVersion.objects.filter(round__name="v6.0", benchmark__slug="flux1").update(
        target="eval_accuracy ≤ 0.600", runs_required=5
    )
    flux = {r.round.name: r for r in benchmark_history(Benchmark.objects.get(slug="flux1"))}
    assert flux["v6.0"].event == "changed"
    assert [str(c) for c in flux["v6.0"].changes] == [
        "Target: eval_accuracy ≤ 0.586 → eval_accuracy ≤ 0.600",
        "Runs required: 10 → 5",
    ]
    assert flux["v6.1"].event == "changed"  # and back again


def test_loading_the_catalogue_twice_changes_nothing(catalogue):
    from django.core.management import call_command

    from core.models import AuditEvent

    before = AuditEvent.objects.count()
    call_command("load_catalogue", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert AuditEvent.objects.count() == before


def test_the_tally_engine_imports_no_django():
    import subprocess
    import sys

    code = (
        "import sys; import roadmap.tally; "
        "bad = [m for m in sys.modules if m == 'django' or m.startswith('django.')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    from django.conf import settings

    done = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_loading_the_catalogue_again_keeps_a_rescheduled_round_and_says_so(catalogue, chair):
    import io
    from datetime import timedelta

    from django.core.management import call_command

    from roadmap.services.rounds import round_reschedule

    planned = Round.objects.get(submission_date__isnull=False)
    moved_to = planned.submission_date + timedelta(days=14)
    round_reschedule(
        actor=chair, round=planned, submission_date=moved_to, reason="the RCPs are late"
    )
    due = sorted(planned.milestones.values_list("key", "due_at"))
    out = io.StringIO()
    call_command("load_catalogue", stdout=out)
    planned.refresh_from_db()
    assert planned.submission_date == moved_to
    assert sorted(planned.milestones.values_list("key", "due_at")) == due
    assert f"{planned.name}: the service's dates (submission {moved_to}" in out.getvalue()
    assert "kept the service's" in out.getvalue()
