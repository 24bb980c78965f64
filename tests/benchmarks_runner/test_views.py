"""Runner pages for each role: runners, queueing, live progress, results, histories with a
score, and reproductions of submitted results."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from benchmarks_runner.models import HostMode, Run, RunStatus, WorkerHost
from benchmarks_runner.services import attempts
from benchmarks_runner.services.attempts import AttemptResult
from benchmarks_runner.services.runs import run_enqueue
from roadmap.models import Round
from submissions.checker.scoring import olympic_average
from submissions.models import Score, Submission, SubmissionVersion, SubmissionWindow
from tests.benchmarks_runner.conftest import register
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

PAGES = ["/runner/", "/runner/benchmarks/digits_mlp/"]


@pytest.fixture(autouse=True)
def no_messages(monkeypatch):
    monkeypatch.setattr("benchmarks_runner.services.lifecycle.enqueue", lambda *a, **k: None)


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitors_go_to_the_login_page_and_outsiders_are_refused(
    client, outsider, observer, path
):
    assert client.get(path).status_code == 302
    client.force_login(outsider)
    assert client.get(path).status_code == 403
    client.force_login(observer)
    assert client.get(path).status_code == 403


def test_a_run_page_is_refused_to_outsiders(client, member, outsider):
    run = run_enqueue(actor=member, benchmark="digits_mlp")[0]
    client.force_login(outsider)
    for suffix in ("", "progress/", "log/"):
        assert client.get(f"/runner/runs/{run.pk}/{suffix}").status_code == 403
    assert client.post(f"/runner/runs/{run.pk}/cancel/").status_code == 403


def test_a_member_queues_from_the_page_and_sees_that_no_runner_serves_the_class(client, member):
    client.force_login(member)
    page = client.get("/runner/")
    assert b"digits_mlp" in page.content and b"No runner has registered yet" in page.content
    response = client.post(
        "/runner/runs/", {"benchmark": "digits_mlp", "hardware_class": "tpu", "max_attempts": 2,
                          "count": 1},
    )  # fmt: skip
    run = Run.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/runner/runs/{run.pk}/"
    detail = client.get(response["Location"]).content.decode()
    assert "No online runner of class tpu." in detail
    assert 'data-poll="/runner/runs/' in detail


def test_a_bad_request_from_the_page_says_what_is_wrong(client, member):
    client.force_login(member)
    response = client.post(
        "/runner/runs/", {"benchmark": "digits_mlp", "host": "ghost", "max_attempts": 1,
                          "count": 1}, follow=True,
    )  # fmt: skip
    assert response.status_code == 404
    response = client.post(
        "/runner/runs/", {"benchmark": "digits_mlp", "hardware_class": "cpu",
                          "wall_clock_limit_s": 10**9, "max_attempts": 1, "count": 1}, follow=True,
    )  # fmt: skip
    assert b"wall-clock limit must be between" in response.content
    assert not Run.objects.exists()


def test_the_runners_table_shows_states_and_chairs_get_the_controls(client, member, chair):
    register("cpu-on")
    register("cpu-off")
    WorkerHost.objects.filter(name="cpu-off").update(
        heartbeat_at=timezone.now() - timedelta(hours=1)
    )
    register("cpu-paused")
    WorkerHost.objects.filter(name="cpu-paused").update(mode=HostMode.PAUSED)
    client.force_login(member)
    page = client.get("/runner/").content.decode()
    for name, state in (("cpu-on", "online"), ("cpu-off", "offline"), ("cpu-paused", "paused")):
        row = page.split(f'data-runner="{name}"')[1].split("</tr>")[0]
        assert f">{state}</span>" in row
    assert 'data-testid="mode-form"' not in page
    client.force_login(chair)
    assert 'data-testid="mode-form"' in client.get("/runner/").content.decode()
    response = client.post("/runner/hosts/cpu-on/mode/", {"mode": "draining"})
    assert response.status_code == 302
    assert WorkerHost.objects.get(name="cpu-on").mode == HostMode.DRAINING
    client.force_login(member)
    assert client.post("/runner/hosts/cpu-on/mode/", {"mode": "active"}).status_code == 403


def _finished(member, identity, minutes, *, compliant=True, benchmark="digits_mlp"):
    run = run_enqueue(actor=member, benchmark=benchmark)[0]
    attempts.run_claim(run_id=run.pk, host_name=identity.name, session=identity.session, seed=1)
    attempts.run_start(run_id=run.pk, session=identity.session, attempt=1, launcher="local",
                       command=[])  # fmt: skip
    validation = {"path": "r", "sha256": "0", "ruleset": "reference_1.0.0",
                  "compliant": compliant, "time_to_train_minutes": minutes if compliant else None,
                  "findings": []}  # fmt: skip
    attempts.run_finish(
        run_id=run.pk, session=identity.session, attempt=1,
        result=AttemptResult(status=RunStatus.SUCCEEDED, log=b"x", compliant=compliant,
                             validation=validation, time_to_train_minutes=minutes,
                             progress={"phase": "stopped", "fraction": 1.0,
                                       "curve": [[1, 0.9, 0.1], [2, 0.98, 0.2]]}),
    )  # fmt: skip
    return run


def test_the_history_gives_a_score_once_enough_runs_on_one_fingerprint(client, member):
    identity = register()
    times = [0.05, 0.01, 0.03, 0.02]
    for minutes in times:
        _finished(member, identity, minutes)
    client.force_login(member)
    page = client.get("/runner/benchmarks/digits_mlp/").content.decode()
    assert "4 of 5 runs" in page
    _finished(member, identity, 0.04)
    page = client.get("/runner/benchmarks/digits_mlp/").content.decode()
    expected = olympic_average([*times, 0.04], 0, 1)
    assert f"{expected:.4f} minutes" in page


def test_one_non_compliant_run_is_dropped_like_in_a_submission_two_are_too_many(client, member):
    identity = register()
    for minutes in (0.05, 0.01, 0.03, 0.02):
        _finished(member, identity, minutes)
    _finished(member, identity, 0.5, compliant=False)
    client.force_login(member)
    page = client.get("/runner/benchmarks/digits_mlp/").content.decode()
    assert f"{olympic_average([0.05, 0.01, 0.03, 0.02], 1, 1):.4f} minutes" in page
    _finished(member, identity, 0.5, compliant=False)
    assert 'data-testid="no-score"' in client.get("/runner/benchmarks/digits_mlp/").content.decode()


def test_a_finished_run_shows_its_result_curve_and_verdict(client, member):
    run = _finished(member, register(), 0.02)
    client.force_login(member)
    page = client.get(f"/runner/runs/{run.pk}/").content.decode()
    assert 'data-testid="curve"' in page and "0.0200 minutes" in page
    assert "compliant</span> with reference_1.0.0" in page
    assert 'data-final="true"' in page and "data-poll" not in page


def test_a_run_whose_requester_account_was_deleted_still_shows(client, member, chair):
    run = run_enqueue(actor=chair, benchmark="digits_mlp")[0]
    Run.objects.filter(pk=run.pk).update(requested_by=None)  # on_delete=SET_NULL
    client.force_login(member)
    response = client.get(f"/runner/runs/{run.pk}/")
    assert response.status_code == 200 and "by system" in response.content.decode()


@pytest.fixture
def submitted_score(db, member):
    round_ = Round.objects.create(name="v5.1", ruleset="5.1.0")
    now = timezone.now()
    SubmissionWindow.objects.create(
        round=round_, opens_at=now - timedelta(days=10), deadline=now - timedelta(days=2),
        review_ends_at=now + timedelta(days=20),
    )  # fmt: skip
    acme = OrganizationFactory(name="Acme", slug="acme")
    submission = Submission.objects.create(round=round_, organization=acme)
    version = SubmissionVersion.objects.create(
        submission=submission, number=1, uploaded_by=member, received_at=timezone.now(),
        original_name="acme.tar.gz", archive_format="tar.gz", size_bytes=1, sha256="0" * 64,
        status="valid",
    )  # fmt: skip
    return Score.objects.create(
        version=version, system="box", benchmark="llama2_70b_lora", division="closed",
        score_minutes=10.0, run_minutes=[9.5, 10.0, 10.5],
    )  # fmt: skip


def test_a_chair_reproduces_a_submitted_result_and_the_page_compares_times(
    client, chair, member, submitted_score
):
    client.force_login(member)
    assert client.get("/runner/reproduce/").status_code == 403
    assert client.post(f"/runner/reproduce/{submitted_score.pk}/").status_code == 404
    client.force_login(chair)
    listing = client.get("/runner/reproduce/").content.decode()
    assert "llama2_70b_lora" in listing and "10.0000 min" in listing
    response = client.post(f"/runner/reproduce/{submitted_score.pk}/")
    run = Run.objects.get()
    assert response["Location"] == f"/runner/runs/{run.pk}/"
    assert (run.benchmark, run.ruleset, run.reproduces) == (
        "llama2-reference",
        "5.1.0",
        submitted_score,
    )
    Run.objects.filter(pk=run.pk).update(time_to_train_minutes=12.5, status=RunStatus.SUCCEEDED)
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="reproduction"' in page
    assert "10.0000 min" in page and "12.5000 min" in page and "1.250" in page


def test_the_comparison_is_hidden_from_who_may_not_see_the_submission(
    client, chair, member, submitted_score
):
    from benchmarks_runner.services.runs import run_reproduce

    run = run_reproduce(actor=chair, score_id=submitted_score.pk)
    client.force_login(member)  # a member of another organisation, before publication
    page = client.get(f"/runner/runs/{run.pk}/").content.decode()
    assert page.count('data-testid="reproduction"') == 0
    assert "10.0000" not in page


def test_a_result_still_under_embargo_for_the_chair_cannot_be_reproduced(
    client, chair, submitted_score
):
    from benchmarks_runner.services.runs import run_reproduce
    from core.errors import NotFound

    window = submitted_score.version.submission.round.window
    window.deadline = timezone.now() + timedelta(days=1)
    window.save()
    client.force_login(chair)
    assert "llama2_70b_lora" not in client.get("/runner/reproduce/").content.decode()
    with pytest.raises(NotFound):
        run_reproduce(actor=chair, score_id=submitted_score.pk)
