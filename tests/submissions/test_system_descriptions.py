"""System descriptions and results the official summarizer would not table: counts that are
not whole numbers, a missing description, benchmarks of another round."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from submissions import checker, storage
from submissions.models import SystemDescription
from tests.submissions.conftest import upload
from tests.submissions.packages import generated_org

pytestmark = pytest.mark.usefixtures("eager", "submissions_root")
ROOT = Path(__file__).resolve().parents[2]


def _system(org_dir, **values):
    path = org_dir / "systems" / "acme_box.json"
    content = json.loads(path.read_text())
    content.update(values)
    path.write_text(json.dumps(content))


def _validate(path, ruleset="5.1.0"):
    done = subprocess.run(
        [sys.executable, "manage.py", "validate_package", str(path), "--ruleset", ruleset, "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    return done.returncode, json.loads(done.stdout)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("accelerators_per_node", "-8"),
        ("number_of_nodes", "99999999999"),
        ("number_of_nodes", "1\u200b"),
    ],
)
def test_a_count_out_of_range_is_a_finding_not_a_crash(
    round_open, acme, acme_submitter, tmp_path, django_capture_on_commit_callbacks, field, value
):
    org_dir = generated_org(tmp_path)
    _system(org_dir, **{field: value})
    version = upload(acme_submitter, round_open, acme, org_dir, django_capture_on_commit_callbacks)
    # The official checkers accept any string here, so the verdict stays theirs (valid) ...
    assert version.status == "valid", version.rejection
    # ... with a warning that names the field and the value, escaped.
    warning = version.report.findings.get(path="systems/acme_box.json", severity="warning")
    assert f'"{field}"' in warning.message and "whole number" in warning.message
    assert "\u200b" not in warning.message
    desc = SystemDescription.objects.get(version=version)
    assert desc.accelerators is None
    code, report = _validate(org_dir)
    assert code == 0 and any(
        f'"{field}"' in f["message"]
        for f in report["package_findings"]
        if f["severity"] == "warning"
    )


def test_the_unpacked_tree_of_a_failed_version_is_removed(
    round_open, acme, acme_submitter, tmp_path, django_capture_on_commit_callbacks, monkeypatch
):
    from config.celery import app

    monkeypatch.setattr(
        checker, "check_benchmark", lambda *a, **k: (_ for _ in ()).throw(OSError("disk full"))
    )
    app.conf.task_eager_propagates = False
    version = upload(
        acme_submitter,
        round_open,
        acme,
        generated_org(tmp_path),
        django_capture_on_commit_callbacks,
    )
    assert version.status == "failed"
    assert not storage.tree_path(version.pk).exists()
    assert storage.archive_path(version.sha256).exists()  # kept as received


def test_a_result_without_its_system_description_gets_no_score(tmp_path):
    org_dir = generated_org(tmp_path)
    (org_dir / "systems" / "acme_box.json").unlink()
    report = checker.check_package(org_dir, ruleset="5.1.0")
    assert not report.ok
    assert report.to_json()["scores"] == []  # the official summarizer drops the system


def test_a_description_without_a_table_field_gets_no_score(
    round_open, acme, acme_submitter, tmp_path, django_capture_on_commit_callbacks
):
    org_dir = generated_org(tmp_path)
    path = org_dir / "systems" / "acme_box.json"
    content = json.loads(path.read_text())
    content.pop("hw_notes")
    path.write_text(json.dumps(content))
    version = upload(acme_submitter, round_open, acme, org_dir, django_capture_on_commit_callbacks)
    assert not version.scores.exists()


def test_validate_package_refuses_a_benchmark_of_another_round_as_intake_does(tmp_path):
    org_dir = generated_org(tmp_path)
    bench = org_dir / "results" / "acme_box" / "llama2_70b_lora"
    bench.rename(bench.parent / "gpt_oss_20b")
    code, report = _validate(org_dir)
    assert code == 1 and report["ok"] is False
    [refusal] = [
        f for f in report["package_findings"] if f["rule"] == "intake: benchmarks of the round"
    ]
    assert "'gpt_oss_20b' is not a benchmark of round v5.1" in refusal["message"]
