"""The submitters' local validator: exit status, JSON shape, archives and bad usage."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.submissions.packages import corpus_org, edit_log, generated_org, tar_gz, without_key

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "validate_package", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_a_valid_folder_exits_0_with_the_documented_json(tmp_path):
    org = generated_org(tmp_path)
    result = _run(str(org), "--ruleset", "5.1.0", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert list(report)[:5] == ["ok", "ruleset", "results", "package_findings", "scores"]
    assert report["ok"] is True and report["ruleset"] == "5.1.0"
    assert report["results"][0]["path"] == "results/acme_box/llama2_70b_lora/result_0.txt"
    assert set(report["results"][0]) == {"path", "compliant", "findings"}
    score = report["scores"][0]
    assert (
        set(score) == {"division", "system", "benchmark", "score_minutes"}
        and score["score_minutes"] > 0
    )


def test_an_archive_with_errors_exits_1_and_names_the_files(tmp_path):
    org = generated_org(tmp_path)
    bench = org / "results" / "acme_box" / "llama2_70b_lora"
    for name in ("result_1.txt", "result_2.txt"):
        edit_log(bench / name, without_key("run_stop"))
    archive = tmp_path / "acme.tar.gz"
    archive.write_bytes(tar_gz(org).getvalue())
    result = _run(str(archive), "--ruleset", "5.1.0", "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    bad = {r["path"] for r in report["results"] if not r["compliant"]}
    assert bad == {
        "results/acme_box/llama2_70b_lora/result_1.txt",
        "results/acme_box/llama2_70b_lora/result_2.txt",
    }


def test_the_corpus_is_valid_with_the_human_summary():
    result = _run(str(corpus_org("Lenovo")), "--ruleset", "5.1.0")
    assert result.returncode == 0
    assert "retinanet: 22.1501 min" in result.stdout and result.stdout.strip().endswith(
        "VALID under ruleset 5.1.0"
    )


@pytest.mark.parametrize(
    "args",
    [
        ["--ruleset", "5.1.0"],  # no path
        ["/nonexistent/package", "--ruleset", "5.1.0"],
        ["{org}", "--ruleset", "9.9.9"],
        ["{org}"],  # no ruleset
    ],
)
def test_bad_usage_exits_2(tmp_path, args):
    org = generated_org(tmp_path)
    result = _run(*[a.replace("{org}", str(org)) for a in args])
    assert result.returncode == 2, (result.stdout, result.stderr)


def test_a_hostile_archive_is_an_error_not_a_crash(tmp_path):
    import io
    import tarfile

    archive = tmp_path / "evil.tar"
    with tarfile.open(archive, "w") as tar:
        info = tarfile.TarInfo("../escape.txt")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    result = _run(str(archive), "--ruleset", "5.1.0", "--json")
    assert result.returncode == 1
    assert "../escape.txt" in json.loads(result.stdout)["package_findings"][0]["message"]
    assert not (tmp_path.parent / "escape.txt").exists()


def test_the_console_script_prints_the_same_and_exits_the_same_without_django(tmp_path):
    import os

    org = generated_org(tmp_path)
    bench = org / "results" / "acme_box" / "llama2_70b_lora"
    for name in ("result_1.txt", "result_2.txt"):
        edit_log(bench / name, without_key("run_stop"))
    script = Path(sys.executable).parent / "mlperf-training-check"
    # No settings module, no database: a submitter's machine with only the package installed.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    for extra in ([], ["--json"]):
        ours = subprocess.run(
            [str(script), str(org), "--ruleset", "5.1.0", *extra],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        command = _run(str(org), "--ruleset", "5.1.0", *extra)
        assert (ours.returncode, ours.stdout) == (command.returncode, command.stdout)
        assert ours.returncode == 1
    bad = subprocess.run(
        [str(script), str(org), "--ruleset", "9.9.9"], env=env, capture_output=True, text=True
    )
    assert bad.returncode == 2 and "unknown ruleset" in bad.stderr


def test_the_command_run_by_call_command_gives_the_same_report(tmp_path, capsys):
    from django.core.management import call_command

    org = generated_org(tmp_path)
    with pytest.raises(SystemExit) as exit_:
        call_command("validate_package", str(org), "--ruleset", "5.1.0", "--json")
    assert exit_.value.code == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True


def test_the_checker_does_not_import_scipy_stats(tmp_path):
    org = generated_org(tmp_path)
    code = (
        "import sys, logging; logging.disable(logging.CRITICAL);"
        "from pathlib import Path; from submissions.checker import check_package;"
        f"print(check_package(Path({str(org)!r}), ruleset='5.1.0').ok,"
        "'scipy.stats._stats_py' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.stdout.split() == ["True", "False"], out.stderr
