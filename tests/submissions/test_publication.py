"""Publication loses nothing: it waits for every verdict and objection, asks for confirmation,
and the tables get one row per system whichever versions its results came from."""

import csv
import io

import pytest
from django.utils import timezone

from core.errors import DomainError
from core.work import Execution
from submissions.models import PublishedResult, PublishedSystem
from submissions.services.intake import version_upload
from submissions.services.processing import version_process
from submissions.services.publication import round_publish
from tests.submissions.conftest import close_window, publish, upload
from tests.submissions.packages import generated_org, tar_gz

pytestmark = pytest.mark.usefixtures("eager", "submissions_root")


def test_publication_waits_for_an_on_time_upload_that_is_still_validating(
    submitted, acme, acme_submitter, chair, tmp_path, django_capture_on_commit_callbacks
):
    close_window(submitted, days_ago=0.02)  # in the grace period
    # The grace-period upload is received, but no worker has picked it up yet.
    with django_capture_on_commit_callbacks(execute=False):
        late = version_upload(
            actor=acme_submitter,
            round=submitted,
            organization=acme,
            original_name="late.tar.gz",
            stream=tar_gz(generated_org(tmp_path / "late", runs=None)),
        )
    close_window(submitted)
    with pytest.raises(
        DomainError, match=r"Acme version 2 \(on-time upload received .*:\d\d:\d\d .*\) is received"
    ):
        publish(chair, submitted)
    submitted.refresh_from_db()
    assert submitted.published_at is None and not PublishedResult.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        version_process(version_id=late.pk, execution=Execution("late"))
    late.refresh_from_db()
    assert late.status == "valid"
    publish(chair, submitted)
    assert PublishedResult.objects.get(organization=acme).version_id == late.pk


def test_publication_asks_for_the_round_name(submitted, chair):
    close_window(submitted)
    for confirm in ("", "yes", "v5.0"):
        with pytest.raises(DomainError, match="typing the round's name"):
            round_publish(actor=chair, round=submitted, confirm=confirm)
    assert round_publish(actor=chair, round=submitted, confirm="v5.1") == 2


def test_the_publish_button_shows_only_where_publication_is_possible(
    client, submitted, chair, acme, amd_submitter
):
    from submissions.services.review import objection_file

    client.force_login(chair)
    page = client.get("/rounds/v5.1/manage/").content.decode()
    assert 'data-testid="publish"' not in page and "Uploads are open until" in page
    close_window(submitted)
    objection = objection_file(actor=amd_submitter, round=submitted, against=acme, text="x")
    page = client.get("/rounds/v5.1/manage/").content.decode()
    assert 'data-testid="publish"' not in page and "objection is open" in page
    from submissions.services.review import objection_decide

    objection_decide(actor=chair, objection=objection, status="dismissed", decision="fine")
    page = client.get("/rounds/v5.1/manage/").content.decode()
    assert 'data-testid="publish"' in page and 'data-testid="publish-confirm"' in page
    refused = client.post("/rounds/v5.1/publish/", {"confirm": "nope"}, follow=True)
    assert "typing the round" in refused.content.decode()
    done = client.post("/rounds/v5.1/publish/", {"confirm": "v5.1"})
    assert done.status_code == 302 and done.url.endswith("/results/v5.1/")


def _version(submission, number, user, *, during_review, received_at, scores):
    from submissions.models import Score, SubmissionVersion, SystemDescription
    from tests.submissions.checker.mllog_factory import system_description

    version = SubmissionVersion.objects.create(
        submission=submission, number=number, uploaded_by=user, received_at=received_at,
        original_name="p.tar.gz", archive_format="tar.gz", size_bytes=1, sha256=f"{number:064d}",
        during_review=during_review, status="valid",
    )  # fmt: skip
    SystemDescription.objects.create(
        version=version, name="box", content=system_description("Acme", "box")
    )
    for benchmark, minutes in scores.items():
        Score.objects.create(
            version=version, system="box", benchmark=benchmark, division="closed",
            score_minutes=minutes,
        )  # fmt: skip
    return version


def test_a_system_whose_benchmarks_come_from_two_versions_is_one_row(
    client, round_open, acme, acme_submitter, amd, chair
):
    """Acme's system has two benchmarks; an upheld objection allowed a fix of one of them."""
    from datetime import timedelta

    from submissions.models import Objection, ObjectionSigner, Submission

    submission = Submission.objects.create(round=round_open, organization=acme)
    now = timezone.now()
    _version(submission, 1, acme_submitter, during_review=False, received_at=now,
             scores={"llama2_70b_lora": 10.0, "retinanet": 20.0})  # fmt: skip
    close_window(round_open)
    objection = Objection.objects.create(
        round=round_open, filed_by=amd, against=acme, author=chair, text="rerun",
        path="results/box/retinanet", fix_required=True, status="upheld",
        decided_at=timezone.now(), decided_by=chair,
    )  # fmt: skip
    ObjectionSigner.objects.create(
        objection=objection, organization=amd, signed_by=chair, signed_at=objection.decided_at
    )
    fix = _version(submission, 2, acme_submitter, during_review=True,
                   received_at=timezone.now() + timedelta(seconds=1),
                   scores={"llama2_70b_lora": 9.0, "retinanet": 19.0})  # fmt: skip
    publish(chair, round_open)
    row = PublishedSystem.objects.get(organization=acme)
    scores = {r.benchmark: (r.version.number, r.score_minutes) for r in row.results.all()}
    assert scores == {"llama2_70b_lora": (1, 10.0), "retinanet": (2, 19.0)}
    assert row.description_version == fix
    client.logout()
    html = client.get("/results/v5.1/").content.decode()
    assert html.count('data-testid="result-row"') == 1
    records = list(
        csv.DictReader(io.StringIO(client.get("/results/v5.1/export.csv").content.decode()))
    )
    assert len(records) == 1 and (records[0]["llama2_70b_lora"], records[0]["retinanet"]) == (
        "10.0",
        "19.0",
    )
    data = client.get("/results/v5.1/export.json").json()
    assert [r["scores"] for r in data["results"]] == [{"llama2_70b_lora": 10.0, "retinanet": 19.0}]


def test_two_versions_of_one_system_make_one_row(
    round_open,
    acme,
    acme_submitter,
    amd_submitter,
    amd,
    chair,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    """A system with two benchmarks, one of them fixed during review: the row has both scores,
    from the counting version and from the fix."""
    from submissions.services.review import objection_decide, objection_file
    from tests.submissions.checker.mllog_factory import write_package

    org_dir = generated_org(tmp_path / "v1")
    # A second system of the same organisation, to show rows are per system.
    write_package(tmp_path / "v1", "5.1.0", system="acme_big")
    upload(acme_submitter, round_open, acme, org_dir, django_capture_on_commit_callbacks)
    upload(
        amd_submitter,
        round_open,
        amd,
        generated_org(tmp_path / "amd", org="AMD"),
        django_capture_on_commit_callbacks,
    )
    close_window(round_open)
    objection = objection_file(
        actor=amd_submitter,
        round=round_open,
        against=acme,
        text="rerun",
        path="results/acme_box/llama2_70b_lora",
        fix_required=True,
    )
    objection_decide(actor=chair, objection=objection, status="upheld", decision="rerun")
    fix = upload(
        acme_submitter,
        round_open,
        acme,
        generated_org(tmp_path / "fix"),
        django_capture_on_commit_callbacks,
    )
    publish(chair, round_open)
    rows = {r.system: r for r in PublishedSystem.objects.filter(organization=acme)}
    assert set(rows) == {"acme_box", "acme_big"}
    assert rows["acme_box"].results.get().version_id == fix.pk
    assert rows["acme_big"].results.get().version.number == 1


def test_withdrawn_results_are_not_published_and_moved_ones_are_open(
    submitted,
    acme,
    amd,
    acme_submitter,
    amd_submitter,
    chair,
    tmp_path,
):
    from submissions.services.own_results import result_change_request

    close_window(submitted)
    result_change_request(
        actor=acme_submitter,
        round=submitted,
        organization=acme,
        system="acme_box",
        kind="withdraw",
    )
    result_change_request(
        actor=amd_submitter,
        round=submitted,
        organization=amd,
        system="acme_box",
        benchmark="llama2_70b_lora",
        kind="move_to_open",
    )
    publish(chair, submitted)
    assert not PublishedResult.objects.filter(organization=acme).exists()
    moved = PublishedSystem.objects.get(organization=amd)
    assert moved.division == "open" and moved.results.get().division == "open"


def test_result_changes_are_the_owners_and_end_with_the_review(
    submitted, acme, acme_submitter, amd_submitter
):
    from datetime import timedelta

    from core.errors import PermissionDenied
    from submissions.services.own_results import result_change_request

    close_window(submitted)
    with pytest.raises(PermissionDenied):
        result_change_request(
            actor=amd_submitter, round=submitted, organization=acme, system="acme_box",
            kind="withdraw",
        )  # fmt: skip
    with pytest.raises(PermissionDenied, match="final results deadline"):
        result_change_request(
            actor=acme_submitter, round=submitted, organization=acme, system="acme_box",
            kind="withdraw", now=submitted.window.review_ends_at + timedelta(seconds=1),
        )  # fmt: skip
    with pytest.raises(DomainError, match="no result"):
        result_change_request(
            actor=acme_submitter, round=submitted, organization=acme, system="other",
            kind="withdraw",
        )  # fmt: skip


def test_the_import_publishes_through_the_same_step(
    catalogue, admin_user, tmp_path, submissions_root, django_capture_on_commit_callbacks
):
    from core.models import AuditEvent
    from roadmap.models import Round
    from submissions.services.importing import round_import_publish, round_import_versions

    round_ = Round.objects.get(name="v5.1")
    generated_org(tmp_path / "import", org="Acme")
    with django_capture_on_commit_callbacks(execute=True):
        versions = round_import_versions(actor=admin_user, round=round_, folder=tmp_path / "import")
    assert round_import_publish(actor=admin_user, round=round_, versions=versions) == 1
    row = PublishedSystem.objects.get()
    assert row.result_id == "5.1-0001"
    assert AuditEvent.objects.filter(action="round.import").exists()
    assert timezone.now() >= Round.objects.get(pk=round_.pk).published_at
