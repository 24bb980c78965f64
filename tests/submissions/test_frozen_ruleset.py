"""A round whose rules are frozen is checked with the frozen ruleset, not the planned one."""

from __future__ import annotations

import pytest

from roadmap.services.rules.freezes import rule_freeze_create
from roadmap.services.rules.revisions import rule_revision_import
from submissions.models.intake import VersionStatus
from submissions.models.validation import LogCheckCache
from submissions.services.intake import version_upload
from tests.submissions.packages import generated_org, tar_gz

pytestmark = pytest.mark.usefixtures("eager", "submissions_root")


def _upload(submitter, round_, org, tmp_path, capture):
    with capture(execute=True):
        version = version_upload(
            actor=submitter,
            round=round_,
            organization=org,
            stream=tar_gz(generated_org(tmp_path)),
            original_name="acme.tar.gz",
        )
    version.refresh_from_db()
    return version


def test_validation_uses_the_planned_ruleset_until_the_freeze_then_the_frozen_one(
    round_open, acme, acme_submitter, chair, tmp_path, django_capture_on_commit_callbacks
):
    before = _upload(
        acme_submitter, round_open, acme, tmp_path / "a", django_capture_on_commit_callbacks
    )
    assert before.report.ruleset == round_open.ruleset == "5.1.0"
    rule_revision_import(
        actor=None, document="training", source="= Rules\n\n== A\n\nB.\n", message="m"
    )
    rule_freeze_create(actor=chair, round=round_open, ruleset="5.0.0")
    after = _upload(
        acme_submitter, round_open, acme, tmp_path / "b", django_capture_on_commit_callbacks
    )
    assert after.report.ruleset == "5.0.0"
    assert after.report.package_json["ruleset"] == "5.0.0"
    # The logs were checked (and their results cached) under the frozen ruleset.
    assert LogCheckCache.objects.filter(ruleset="5.0.0").exists()
    round_open.refresh_from_db()
    assert round_open.ruleset == "5.1.0"  # the plan is kept; the freeze decides


def test_after_a_freeze_intake_refuses_a_benchmark_the_frozen_ruleset_does_not_have(
    round_open, acme, acme_submitter, chair, tmp_path, django_capture_on_commit_callbacks
):
    """flux1 is in v5.1's suite (ruleset 5.1.0) but not in 5.0.0: once the round is frozen on
    5.0.0 the validator could not check it, so intake refuses it, naming the frozen ruleset."""

    def upload_flux1(folder):
        org_dir = generated_org(folder)
        results = org_dir / "results" / "acme_box"
        (results / "llama2_70b_lora").rename(results / "flux1")
        with django_capture_on_commit_callbacks(execute=True):
            version = version_upload(
                actor=acme_submitter,
                round=round_open,
                organization=acme,
                stream=tar_gz(org_dir),
                original_name="acme.tar.gz",
            )
        version.refresh_from_db()
        return version

    before = upload_flux1(tmp_path / "a")
    assert before.status != VersionStatus.REJECTED, before.rejection
    rule_revision_import(
        actor=None, document="training", source="= Rules\n\n== A\n\nB.\n", message="m"
    )
    rule_freeze_create(actor=chair, round=round_open, ruleset="5.0.0")
    after = upload_flux1(tmp_path / "b")
    assert after.status == VersionStatus.REJECTED
    assert "'flux1' is not a benchmark of round v5.1 (ruleset 5.0.0;" in after.rejection
    assert "llama2_70b_lora" in after.rejection and "bert" not in after.rejection


def test_the_round_page_and_api_list_only_the_benchmarks_the_frozen_ruleset_has(
    client, round_open, chair
):
    def listed():
        page = client.get(f"/rounds/{round_open.name}/").content.decode()
        api = client.get(f"/api/rounds/{round_open.name}").json()
        return (
            "<code>flux1</code>" in page,
            "flux1" in {b["slug"] for b in api["benchmarks"]},
            "llama2_70b_lora" in {b["slug"] for b in api["benchmarks"]},
        )

    assert listed() == (True, True, True)
    rule_revision_import(
        actor=None, document="training", source="= Rules\n\n== A\n\nB.\n", message="m"
    )
    rule_freeze_create(actor=chair, round=round_open, ruleset="5.0.0")
    assert listed() == (False, False, True)
