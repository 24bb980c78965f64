"""Importing a published round from the official layout, and the public results views."""

import csv
import io

import pytest
from django.core.management import call_command

from roadmap.models import Round
from submissions.models import PublishedResult
from tests.submissions.packages import CORPUS_ROUND, OFFICIAL_SCORES, corpus_org

pytestmark = pytest.mark.usefixtures("submissions_root")


@pytest.fixture
def imported(catalogue, admin_user, django_capture_on_commit_callbacks):
    corpus_org("AMD")  # skips without the corpus
    from config.celery import app
    from submissions.services.importing import round_import_publish, round_import_versions

    round_ = Round.objects.get(name="v5.1")
    # What the command does, with the test transaction running on-commit work as autocommit would.
    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            versions = round_import_versions(actor=admin_user, round=round_, folder=CORPUS_ROUND)
    finally:
        app.conf.task_always_eager = False
    round_import_publish(actor=admin_user, round=round_, versions=versions)
    round_.refresh_from_db()
    return round_


def test_import_publishes_the_corpus_with_the_official_scores(imported):
    assert imported.published_at is not None
    scores = {
        (r.organization.name, r.benchmark): round(r.score_minutes, 4)
        for r in PublishedResult.objects.all()
    }
    assert scores == OFFICIAL_SCORES


def test_results_table_filters_and_sorts(client, imported):
    html = client.get("/results/v5.1/?sort=llama2_70b_lora").content.decode()
    assert html.index("Tyche") < html.index("ThinkSystem") < html.index("SMCI355X")  # fastest first
    only_amd = client.get("/results/v5.1/?organization=amd").content.decode()
    assert "SMCI355X" in only_amd and "Tyche" not in only_amd
    assert "No result matches" in client.get("/results/v5.1/?division=open").content.decode()


def test_csv_and_json_exports_carry_every_score(client, imported):
    rows = list(
        csv.DictReader(io.StringIO(client.get("/results/v5.1/export.csv").content.decode()))
    )
    assert {r["organization"] for r in rows} == {"AMD", "Lenovo", "NVIDIA"}
    lenovo = next(r for r in rows if r["organization"] == "Lenovo")
    assert round(float(lenovo["retinanet"]), 4) == 22.1501
    data = client.get("/results/v5.1/export.json").json()
    assert data["benchmarks"] == ["llama2_70b_lora", "llama31_8b", "retinanet"]
    assert client.get("/api/results/v5.1?organization=nvidia").json()["results"][0]["scores"] == {
        "llama2_70b_lora": pytest.approx(8.9872, abs=1e-4)
    }


def test_system_page_lists_each_run_with_its_time_and_log(client, imported):
    html = client.get("/results/v5.1/lenovo/SR680aV3-8xB200_SXM_180GB/").content.decode()
    assert html.count("/files/Lenovo/results/SR680aV3-8xB200_SXM_180GB/retinanet/result_") == 5
    assert "ThinkSystem SR680a V3" in html
    log = client.get(
        "/results/v5.1/lenovo/SR680aV3-8xB200_SXM_180GB/files/Lenovo/results/SR680aV3-8xB200_SXM_180GB/retinanet/result_01.txt"
    )
    assert log.status_code == 200 and b":::MLLOG" in b"".join(log.streaming_content)


def test_results_index_charts_scores_across_rounds(client, imported):
    html = client.get("/results/").content.decode()
    assert "MLPerf Training v5.1" in html and 'class="bars"' in html


def test_importing_a_published_round_again_is_refused(imported):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="published already"):
        call_command("import_round", "v5.1", str(CORPUS_ROUND), stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_the_import_command_validates_and_publishes_in_one_call(transactional_db, submissions_root):
    corpus_org("AMD")
    from django.contrib.auth import get_user_model

    call_command("load_catalogue", stdout=io.StringIO())
    get_user_model().objects.create_superuser("root", "", "pw")
    out = io.StringIO()
    call_command("import_round", "v5.1", str(CORPUS_ROUND), stdout=out)
    assert "AMD: Valid" in out.getvalue() and "v5.1 published with 5 results." in out.getvalue()
