"""Verdicts read clearly: the verdict first in words, findings grouped by cause with their
lines, and an RCP scaling only next to a score."""

import pytest

from submissions.selectors import version_finding_groups, version_verdict
from tests.submissions.checker.mllog_factory import RunSpec, default_runs
from tests.submissions.conftest import upload
from tests.submissions.packages import edit_log, first_line_with, generated_org, without_key

pytestmark = pytest.mark.usefixtures("eager", "submissions_root")

BENCH = "results/acme_box/llama2_70b_lora"


def test_a_valid_package_with_a_dropped_run_says_so_instead_of_counting_errors(
    client, round_open, acme, acme_submitter, tmp_path, django_capture_on_commit_callbacks
):
    runs = default_runs()
    runs[4] = RunSpec(seed=99, final_loss=0.95)  # never reaches the target
    version = upload(
        acme_submitter,
        round_open,
        acme,
        generated_org(tmp_path, runs=runs),
        django_capture_on_commit_callbacks,
    )
    assert version.status == "valid"
    verdict = version_verdict(version)
    assert verdict.sentence == (
        "Valid — one run that did not converge or comply is dropped under olympic scoring."
    )
    client.force_login(acme_submitter)
    page = client.get(version.get_absolute_url()).content.decode()
    assert verdict.sentence in page and "1 error" not in page
    [group] = [g for g in version_finding_groups(version) if g.kind == "in_run"]
    assert group.dropped and group.places[0][0] == f"{BENCH}/result_4.txt"
    assert "run dropped under olympic scoring" in page


def test_one_root_cause_is_one_finding_with_its_line(
    round_open, acme, acme_submitter, tmp_path, django_capture_on_commit_callbacks
):
    org_dir = generated_org(tmp_path)
    log = org_dir / BENCH / "result_2.txt"
    edit_log(log, without_key("run_start"))
    run_stop_at = first_line_with(log, "run_stop")
    version = upload(acme_submitter, round_open, acme, org_dir, django_capture_on_commit_callbacks)
    findings = list(version.report.findings.filter(path=f"{BENCH}/result_2.txt"))
    assert len(findings) == 1, [f.message for f in findings]
    [finding] = findings
    assert finding.message.startswith("'run_start' is missing")
    # It points at the first later line that failed for want of it (a block_start before the
    # run_stop), and names the others.
    assert finding.line is not None and finding.line < run_stop_at
    assert f"Later lines fail because of it (line {finding.line}, {run_stop_at})" in finding.message


def test_every_log_finding_has_a_line(
    round_open, acme, acme_submitter, tmp_path, django_capture_on_commit_callbacks
):
    org_dir = generated_org(tmp_path)
    for name, key in (("result_1.txt", "train_samples"), ("result_2.txt", "run_stop")):
        edit_log(org_dir / BENCH / name, without_key(key))
    version = upload(acme_submitter, round_open, acme, org_dir, django_capture_on_commit_callbacks)
    log_findings = version.report.findings.filter(path__contains="/result_")
    assert log_findings.exists() and not log_findings.filter(line=None).exists()


def test_the_same_problem_in_many_logs_is_one_group_listing_where(
    round_open, acme, acme_submitter, tmp_path, django_capture_on_commit_callbacks
):
    org_dir = generated_org(tmp_path)
    for index in range(3):
        edit_log(org_dir / BENCH / f"result_{index}.txt", without_key("train_samples"))
    version = upload(acme_submitter, round_open, acme, org_dir, django_capture_on_commit_callbacks)
    assert version.status == "invalid"
    assert version_verdict(version).sentence.startswith("Not valid — one problem to fix")
    [group] = [g for g in version_finding_groups(version) if "train_samples" in g.message]
    assert [path for path, _ in group.places] == [f"{BENCH}/result_{i}.txt" for i in range(3)]
    assert all(line for _, line in group.places)


def test_an_unscored_result_shows_no_rcp_scaling(
    client, round_open, acme, acme_submitter, tmp_path, django_capture_on_commit_callbacks
):
    org_dir = generated_org(tmp_path)
    for index in range(2):  # two failing runs: no score
        edit_log(org_dir / BENCH / f"result_{index}.txt", without_key("run_stop"))
    version = upload(acme_submitter, round_open, acme, org_dir, django_capture_on_commit_callbacks)
    client.force_login(acme_submitter)
    page = client.get(version.get_absolute_url()).content.decode()
    row = page[page.index('data-testid="scores"') :].split("</table>")[0]
    assert "not scored" in row and "1.0000" not in row and "—" not in row
