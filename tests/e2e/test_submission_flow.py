"""The submitter's path in a real browser, with a real worker validating: upload a real corpus
package, watch the progress, read the findings of a corrupted log, fix, re-upload, see the
official scores; another organisation sees nothing before publication; the public table after."""

import shutil

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.e2e.conftest import login
from tests.factories import OrganizationFactory, person_with_role
from tests.submissions.conftest import close_window
from tests.submissions.packages import (
    OFFICIAL_SCORES,
    copy_org,
    corpus_org,
    edit_log,
    tar_gz,
    without_key,
)
from tests.workers import celery_worker
from wg.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setting(transactional_db, settings, tmp_path):
    from datetime import timedelta

    from roadmap.models import Round
    from submissions.models import SubmissionWindow

    settings.SUBMISSIONS_ROOT = tmp_path / "store"
    call_command("load_catalogue", stdout=open("/dev/null", "w"))  # noqa: SIM115
    round_ = Round.objects.get(name="v5.1")
    now = timezone.now()
    SubmissionWindow.objects.create(
        round=round_,
        opens_at=now - timedelta(days=1),
        deadline=now + timedelta(days=1),
        review_ends_at=now + timedelta(days=20),
    )
    amd = OrganizationFactory(name="AMD", slug="amd")
    person_with_role(Role.SUBMITTER, amd, username="amd-submitter")
    person_with_role(
        Role.SUBMITTER,
        OrganizationFactory(name="Lenovo", slug="lenovo"),
        username="lenovo-submitter",
    )
    person_with_role(Role.CHAIR, username="the-chair")
    return round_


def _write(buffer, path):
    path.write_bytes(buffer.getvalue())
    return path


def _upload(page, live_server, archive):
    page.goto(f"{live_server.url}/rounds/v5.1/")
    page.set_input_files("input[name=package]", str(archive))
    page.click("[data-testid=upload-form] button")
    page.wait_for_url("**/submissions/*/v*/", timeout=30_000)
    page.wait_for_selector("[data-testid=status]")
    # The page polls while the worker validates, then reloads with the verdict.
    page.wait_for_selector("[data-testid=verdict]", timeout=120_000)


def test_upload_fix_and_publish_in_the_browser(page, live_server, setting, settings, tmp_path):
    source = corpus_org("AMD")
    work = copy_org(source, tmp_path / "work")
    bench = work / "results" / "MI355X_EPYC_9575F_pytorch" / "llama31_8b"
    originals = {n: (bench / n).read_bytes() for n in ("result_2.txt", "result_7.txt")}
    for name in originals:
        edit_log(bench / name, without_key("run_stop"))
    broken = _write(tar_gz(work), tmp_path / "amd-broken.tar.gz")
    for name, data in originals.items():
        (bench / name).write_bytes(data)
    fixed = _write(tar_gz(work), tmp_path / "amd-fixed.tar.gz")
    shutil.rmtree(work)

    with celery_worker(
        ["validate"], concurrency=2, extra_env={"SUBMISSIONS_ROOT": str(settings.SUBMISSIONS_ROOT)}
    ):
        login(page, live_server, "amd-submitter")
        _upload(page, live_server, broken)
        assert "Not valid" in page.text_content("[data-testid=verdict]")
        findings = page.text_content("[data-testid=findings]")
        assert "llama31_8b/result_2.txt" in findings and "run_stop" in findings

        _upload(page, live_server, fixed)
        assert "Valid" in page.text_content("[data-testid=verdict]")
        assert "18 unchanged logs reused" in page.text_content("[data-testid=reused]")
        for bench_name in ("llama2_70b_lora", "llama31_8b"):
            shown = float(page.text_content(f"[data-testid=score-{bench_name}]"))
            assert round(shown, 4) == OFFICIAL_SCORES[("AMD", bench_name)]

    page.click("text=Log out")
    login(page, live_server, "lenovo-submitter")
    response = page.goto(f"{live_server.url}/rounds/v5.1/submissions/amd/v2/")
    assert response.status == 404
    assert page.goto(f"{live_server.url}/results/v5.1/").status == 404

    close_window(setting)
    page.goto(f"{live_server.url}/")
    page.click("text=Log out")
    login(page, live_server, "the-chair")
    page.goto(f"{live_server.url}/rounds/v5.1/manage/")
    page.fill("[data-testid=publish-confirm]", "v5.1")
    page.click("[data-testid=publish]")
    page.wait_for_selector("[data-testid=results-table]")
    table = page.text_content("[data-testid=results-table]")
    assert "AMD" in table and "10.185" in table and "99.709" in table
    page.click("text=Log out")
    page.goto(f"{live_server.url}/results/v5.1/")
    assert "SMCI355X" in page.text_content("[data-testid=results-table]")
