"""From upload to verdict, with the tasks run inline: verdicts, findings, scores, reuse."""

import io
import tarfile

import pytest

from submissions.models import BenchmarkCheck, SubmissionVersion
from submissions.models.validation import CheckStatus
from submissions.services import checking, processing, reaper
from submissions.services.intake import version_upload
from tests.submissions.packages import (
    OFFICIAL_SCORES,
    copy_org,
    corpus_org,
    edit_log,
    first_line_with,
    generated_org,
    tar_gz,
    without_key,
)

pytestmark = pytest.mark.usefixtures("eager", "submissions_root")


def _submit(actor, round_, org, stream, django_capture_on_commit_callbacks) -> SubmissionVersion:
    with django_capture_on_commit_callbacks(execute=True):
        version = version_upload(
            actor=actor,
            round=round_,
            organization=org,
            stream=stream,
            original_name=getattr(stream, "name", "package.tar.gz"),
        )
    version.refresh_from_db()
    return version


def test_a_valid_generated_package_is_valid_with_scores(
    round_open, acme, acme_submitter, tmp_path, django_capture_on_commit_callbacks
):
    version = _submit(
        acme_submitter,
        round_open,
        acme,
        tar_gz(generated_org(tmp_path)),
        django_capture_on_commit_callbacks,
    )
    assert version.status == "valid", list(
        version.report.findings.values_list("message", flat=True)
    )
    assert version.report.ok is True
    assert version.report.logs_checked == 10
    score = version.scores.get()
    assert score.benchmark == "llama2_70b_lora" and score.score_minutes is not None
    assert version.files.filter(path__endswith="result_0.txt").exists()
    assert version.systems.get().division == "closed"
    assert version.report.package_json["ok"] is True


def test_a_missing_run_stop_is_reported_on_its_file_and_a_fixed_upload_reuses_the_rest(
    round_open, acme, acme_submitter, tmp_path, django_capture_on_commit_callbacks
):
    org_dir = generated_org(tmp_path)
    bench = org_dir / "results" / "acme_box" / "llama2_70b_lora"
    good = {name: (bench / name).read_text() for name in ("result_3.txt", "result_5.txt")}
    for name in (
        "result_3.txt",
        "result_5.txt",
    ):  # two bad runs: more than olympic scoring forgives
        edit_log(bench / name, without_key("run_stop"))
    broken = _submit(
        acme_submitter, round_open, acme, tar_gz(org_dir), django_capture_on_commit_callbacks
    )
    assert broken.status == "invalid"
    paths = set(broken.report.findings.filter(severity="error").values_list("path", flat=True))
    assert "results/acme_box/llama2_70b_lora/result_3.txt" in paths
    for name, text in good.items():
        (bench / name).write_text(text)
    fixed = _submit(
        acme_submitter, round_open, acme, tar_gz(org_dir), django_capture_on_commit_callbacks
    )
    assert fixed.number == 2
    assert fixed.status == "valid", list(fixed.report.findings.values_list("message", flat=True))
    assert fixed.report.logs_reused == 8  # only the two changed logs were checked again
    assert sorted(fixed.report.package_json["reused"]) == sorted(
        f"results/acme_box/llama2_70b_lora/result_{i}.txt" for i in (0, 1, 2, 4, 6, 7, 8, 9)
    )


def test_a_finding_names_the_file_and_line(
    round_open, acme, acme_submitter, tmp_path, django_capture_on_commit_callbacks
):
    from tests.submissions.packages import set_value

    org_dir = generated_org(tmp_path)
    log = org_dir / "results" / "acme_box" / "llama2_70b_lora" / "result_0.txt"
    for name in ("result_0.txt", "result_1.txt"):
        edit_log(log.parent / name, set_value("lora_rank", 64))
    version = _submit(
        acme_submitter, round_open, acme, tar_gz(org_dir), django_capture_on_commit_callbacks
    )
    assert version.status == "invalid"
    finding = version.report.findings.get(
        path="results/acme_box/llama2_70b_lora/result_0.txt", check_name="compliance"
    )
    assert finding.line == first_line_with(log, "lora_rank")
    assert "lora_rank" in finding.message + finding.rule


@pytest.mark.parametrize("org_name", ["AMD", "NVIDIA", "Lenovo"])
def test_corpus_packages_are_valid_with_the_official_scores(
    round_open, org_name, tmp_path, django_capture_on_commit_callbacks
):
    from tests.factories import OrganizationFactory, person_with_role
    from wg.models import Role

    source = corpus_org(org_name)
    org = OrganizationFactory(name=org_name, slug=org_name.lower())
    submitter = person_with_role(Role.SUBMITTER, org).user
    version = _submit(
        submitter,
        round_open,
        org,
        tar_gz(copy_org(source, tmp_path)),
        django_capture_on_commit_callbacks,
    )
    assert version.status == "valid"
    scores = {(org_name, s.benchmark): round(s.score_minutes, 4) for s in version.scores.all()}
    assert scores == {k: v for k, v in OFFICIAL_SCORES.items() if k[0] == org_name}


def _hostile_tar() -> io.BytesIO:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        info = tarfile.TarInfo("Acme/results/../../../etc/evil")
        data = b"x"
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    buffer.seek(0)
    return buffer


def test_a_hostile_archive_is_rejected_naming_the_entry(
    round_open, acme, acme_submitter, submissions_root, django_capture_on_commit_callbacks
):
    version = _submit(
        acme_submitter, round_open, acme, _hostile_tar(), django_capture_on_commit_callbacks
    )
    assert version.status == "rejected"
    assert "Acme/results/../../../etc/evil" in version.rejection
    assert not (submissions_root / "trees" / str(version.pk)).exists()
    assert not (submissions_root.parent / "etc").exists()


def test_a_package_of_another_organisation_is_rejected(
    round_open, acme, acme_submitter, tmp_path, django_capture_on_commit_callbacks
):
    version = _submit(
        acme_submitter,
        round_open,
        acme,
        tar_gz(generated_org(tmp_path, org="Globex")),
        django_capture_on_commit_callbacks,
    )
    assert version.status == "rejected"
    assert "'Globex'" in version.rejection and "not for Acme" in version.rejection


def test_a_package_for_another_round_is_rejected(
    round_open, acme, acme_submitter, tmp_path, django_capture_on_commit_callbacks
):
    org_dir = generated_org(tmp_path)
    (org_dir / "results" / "acme_box" / "llama2_70b_lora").rename(
        org_dir / "results" / "acme_box" / "gpt_oss_20b"
    )
    version = _submit(
        acme_submitter, round_open, acme, tar_gz(org_dir), django_capture_on_commit_callbacks
    )
    assert version.status == "rejected"
    assert "'gpt_oss_20b' is not a benchmark of round v5.1" in version.rejection


def test_a_package_without_an_organisation_folder_is_rejected(
    round_open, acme, acme_submitter, tmp_path, django_capture_on_commit_callbacks
):
    (tmp_path / "Acme" / "notes").mkdir(parents=True)
    (tmp_path / "Acme" / "notes" / "readme.txt").write_text("hello")
    version = _submit(
        acme_submitter,
        round_open,
        acme,
        tar_gz(tmp_path / "Acme"),
        django_capture_on_commit_callbacks,
    )
    assert version.status == "rejected"
    assert "systems/*.json" in version.rejection


def test_a_check_that_keeps_crashing_fails_the_version_instead_of_hanging(
    round_open, acme, acme_submitter, tmp_path, django_capture_on_commit_callbacks, monkeypatch
):
    from submissions import checker

    def crash(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(checker, "check_benchmark", crash)
    from config.celery import app

    app.conf.task_eager_propagates = False
    version = _submit(
        acme_submitter,
        round_open,
        acme,
        tar_gz(generated_org(tmp_path)),
        django_capture_on_commit_callbacks,
    )
    check = BenchmarkCheck.objects.get(report__version=version)
    assert check.status == CheckStatus.FAILED and check.attempts == checking.MAX_CHECK_ATTEMPTS
    assert version.status == "failed"
    assert "disk on fire" in version.rejection


def test_the_reaper_requeues_work_whose_message_was_lost(
    round_open, acme, acme_submitter, tmp_path, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from config.celery import app

    app.conf.task_always_eager = False  # the upload's message goes to the broker and is "lost"
    with django_capture_on_commit_callbacks(execute=False):
        version = version_upload(
            actor=acme_submitter,
            round=round_open,
            organization=acme,
            stream=tar_gz(generated_org(tmp_path)),
            original_name="p.tar.gz",
        )
    SubmissionVersion.objects.filter(pk=version.pk).update(
        status_changed_at=timezone.now() - timedelta(hours=1)
    )
    app.conf.task_always_eager = True
    with django_capture_on_commit_callbacks(execute=True):
        counts = reaper.stalled_work_requeue()
    assert counts["received"] == 1
    version.refresh_from_db()
    assert version.status == "valid"


def test_a_failed_version_can_be_validated_again_by_staff(
    round_open,
    acme,
    acme_submitter,
    admin_user,
    tmp_path,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    from config.celery import app
    from submissions import checker

    real = checker.check_benchmark
    monkeypatch.setattr(
        checker, "check_benchmark", lambda *a, **k: (_ for _ in ()).throw(OSError("disk full"))
    )
    app.conf.task_eager_propagates = False
    version = _submit(
        acme_submitter,
        round_open,
        acme,
        tar_gz(generated_org(tmp_path)),
        django_capture_on_commit_callbacks,
    )
    assert version.status == "failed"
    monkeypatch.setattr(checker, "check_benchmark", real)
    with django_capture_on_commit_callbacks(execute=True):
        processing.version_revalidate(actor=admin_user, version_id=version.pk)
    version.refresh_from_db()
    assert version.status == "valid" and version.rejection == ""


def test_every_status_has_its_allowed_transitions_and_verdicts_are_final():
    from submissions.models.intake import VersionStatus

    table = SubmissionVersion.TRANSITIONS
    assert set(table) == set(VersionStatus)
    for final in (VersionStatus.VALID, VersionStatus.INVALID, VersionStatus.REJECTED):
        assert table[final] == frozenset()


def test_a_refused_transition_raises(
    round_open, acme, acme_submitter, tmp_path, django_capture_on_commit_callbacks
):
    from core.errors import InvalidTransition

    version = _submit(
        acme_submitter,
        round_open,
        acme,
        tar_gz(generated_org(tmp_path)),
        django_capture_on_commit_callbacks,
    )
    with pytest.raises(InvalidTransition):
        processing.version_revalidate(actor=None, version_id=version.pk)
