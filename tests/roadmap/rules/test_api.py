"""The rules API: shapes as the issue specifies them, per-role access, refusals with reasons,
and no clash with the submissions' ``/api/rounds/{name}/…`` paths."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve

from config.api import api
from roadmap.models import RoundRuleFreeze, RuleDocument, RuleException, RuleRevision
from roadmap.rulesets import rcp_set
from tests.roadmap.rules.conftest import V1, V2, V2_CHANGES, import_text
from tests.roadmap.rules.test_pages import ROLES, _as, per_role
from wg.models import Person

PUBLIC = per_role(200, 200, 200, 200, 200)
MEMBERS = per_role(404, 404, 200, 200, 200)


@pytest.fixture
def world(catalogued_round, training, chair):
    import_text(V1.replace("Test Training Rules", "Internal Rules"), document="internal")
    RuleDocument.objects.filter(slug="internal").update(public=False)
    return catalogued_round


GETS = [
    ("/api/rules/", PUBLIC),
    ("/api/rules/training/revisions", PUBLIC),
    ("/api/rules/training/revisions/2", PUBLIC),
    ("/api/rules/training/diff/1/2", PUBLIC),
    ("/api/rules/training/sections/benchmarks", PUBLIC),
    ("/api/rules/training/drafts", PUBLIC),
    ("/api/rules/exceptions?benchmark=llama31_8b", PUBLIC),
    ("/api/rounds/v9.0/rules", PUBLIC),
    ("/api/rounds/v9.0/rules/changes", PUBLIC),
    ("/api/rounds/v9.0/rules/exceptions", PUBLIC),
    ("/api/rules/internal/revisions", MEMBERS),
    ("/api/rules/internal/revisions/1", MEMBERS),
    ("/api/rules/internal/diff/1/1", MEMBERS),
    ("/api/rules/internal/sections/overview", MEMBERS),
]


@pytest.mark.parametrize("role", ROLES)
def test_reads_per_role(client, request, world, role):
    client = _as(client, request, role)
    wrong = [
        (url, r.status_code)
        for url, expected in GETS
        if (r := client.get(url)).status_code != expected[role]
    ]
    assert wrong == []
    slugs = [d["slug"] for d in client.get("/api/rules/").json()]
    members = role in ("member", "submitter_b", "chair")
    assert slugs == (["internal", "training"] if members else ["training"])


def test_the_revision_lists_its_sections_with_path_title_anchor_number_and_level(client, world):
    body = client.get("/api/rules/training/revisions/2").json()
    assert body["number"] == 2 and body["title"] == "Test Training Rules"
    assert body["message"] == "The rules for v6.0" and len(body["content_hash"]) == 64
    assert body["sections"][3] == {
        "path": "Benchmarks > Lifecycle of a benchmark",
        "title": "Lifecycle of a benchmark",
        "anchor": "benchmarks--lifecycle-of-a-benchmark",
        "number": "2.1.",
        "level": 2,
    }
    assert {tuple(sorted(s)) for s in body["sections"]} == {
        ("anchor", "level", "number", "path", "title")
    }
    assert client.get(body["source_url"]).content.decode() == V2
    revisions = client.get("/api/rules/training/revisions").json()
    assert [r["number"] for r in revisions] == [2, 1]


def test_the_diff_lists_exactly_the_changed_sections(client, world):
    body = client.get("/api/rules/training/diff/1/2").json()
    assert set(body) == {"from", "to", "sections"} and (body["from"], body["to"]) == (1, 2)
    assert {s["path"]: s["change"] for s in body["sections"]} == V2_CHANGES
    renamed = next(s for s in body["sections"] if s["change"] == "renamed")
    assert renamed == {
        "path": "Benchmarks > Lifecycle of a benchmark",
        "title": "Lifecycle of a benchmark",
        "anchor": "benchmarks--lifecycle-of-a-benchmark",
        "change": "renamed",
        "old_path": "Benchmarks > Benchmark Lifecycle",
    }
    assert all("old_path" not in s for s in body["sections"] if s["change"] != "renamed")
    assert client.get("/api/rules/training/diff/2/2").json()["sections"] == []


def test_a_sections_history_follows_it_through_its_rename(client, world):
    body = client.get("/api/rules/training/sections/benchmarks--lifecycle-of-a-benchmark").json()
    assert [(e["revision"], e["change"]) for e in body["entries"]] == [(2, "renamed"), (1, "added")]
    assert body["entries"][0]["old_path"] == "Benchmarks > Benchmark Lifecycle"


def test_a_chair_freezes_a_round_once_and_a_change_is_refused_with_the_reason(
    client, world, chair, member
):
    client.force_login(member)
    assert client.post("/api/rounds/v9.0/rules/freeze", {}, "application/json").status_code == 403
    client.force_login(chair)
    response = client.post(
        "/api/rounds/v9.0/rules/freeze",
        {"ruleset": "6.0.0", "revisions": {"training": 1}, "note": "as agreed"},
        "application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["frozen"] and body["ruleset"] == "6.0.0"
    assert body["rcp_set"] == {
        "name": "training_6.0.0",
        "digest": rcp_set("6.0.0").digest,
        "benchmarks": list(rcp_set("6.0.0").benchmarks),
    }
    assert {(r["document"], r["number"], r["latest"]) for r in body["revisions"]} == {
        ("internal", 1, 1),
        ("training", 1, 2),
    }
    again = client.post("/api/rounds/v9.0/rules/freeze", {}, "application/json")
    assert again.status_code == 409 and "a freeze never changes" in again.json()["detail"]
    for method in (client.patch, client.put, client.delete):
        refused = method("/api/rounds/v9.0/rules/freeze", {}, "application/json")
        assert refused.status_code == 409 and "a freeze never changes" in refused.json()["detail"]
    assert RoundRuleFreeze.objects.get().ruleset == "6.0.0"


def test_a_ruleset_not_shipped_is_refused_by_the_api(client, world, chair):
    client.force_login(chair)
    response = client.post(
        "/api/rounds/v9.0/rules/freeze", {"ruleset": "7.7.7"}, "application/json"
    )
    assert response.status_code == 400 and "not shipped" in response.json()["detail"]
    assert not RoundRuleFreeze.objects.exists()


def test_exceptions_through_the_api(client, world, chair, member):
    client.force_login(chair)
    client.post("/api/rounds/v9.0/rules/freeze", {"revisions": {"training": 1}}, "application/json")
    payload = {
        "document": "training",
        "section": "benchmarks",
        "text": "gpt_oss_20b joins v9.0",
        "requested_by": Person.objects.get(user=member).slug,
        "benchmark": "llama31_8b",
    }
    refused = client.post("/api/rounds/v9.0/rules/exceptions", payload, "application/json")
    assert refused.status_code == 400 and "needs the decision" in refused.json()["detail"]
    client.force_login(member)
    payload["decision_text"] = "Agreed on the call of 2026-05-07."
    assert (
        client.post("/api/rounds/v9.0/rules/exceptions", payload, "application/json").status_code
        == 403
    )
    assert not RuleException.objects.exists()
    client.force_login(chair)
    granted = client.post("/api/rounds/v9.0/rules/exceptions", payload, "application/json")
    assert granted.status_code == 201, granted.content
    body = granted.json()
    assert (body["section_path"], body["revision"], body["benchmark"]) == (
        "Benchmarks",
        1,
        "llama31_8b",
    )
    assert body["decision"].startswith("D-")
    client.logout()
    assert client.get("/api/rounds/v9.0/rules").json()["exceptions"] == [body]
    assert client.get("/api/rules/exceptions?benchmark=llama31_8b").json() == [body]
    assert client.get("/api/rounds/v9.0/rules/exceptions?benchmark=bert").status_code in (200, 404)
    changes = client.get("/api/rounds/v9.0/rules/changes").json()
    training = next(d for d in changes if d["document"] == "training")
    on_benchmarks = next(s for s in training["sections"] if s["path"] == "Benchmarks")
    assert on_benchmarks["exceptions"] == [body["id"]]


def test_a_chair_imports_through_the_api_and_the_same_text_creates_nothing(
    client, world, chair, member
):
    def post(text, name="rules.adoc"):
        upload = SimpleUploadedFile(name, text if isinstance(text, bytes) else text.encode())
        return client.post(
            "/api/rules/training/revisions", {"file": upload, "message": "via the API"}
        )

    client.force_login(member)
    assert post(V2 + "\nMore.\n").status_code == 403
    client.force_login(chair)
    created = post(V2 + "\nMore.\n")
    assert created.status_code == 201 and created.json()["number"] == 3
    same = post(V2 + "\nMore.\n")
    assert same.status_code == 200
    assert same.json() == {
        "detail": "Nothing imported: the file equals revision 3 of training.",
        "number": 3,
    }
    binary = post(b"\xff\xfe\x00b\x00i\x00n", name="rules.bin")
    assert binary.status_code == 400 and "rules.bin is not UTF-8 text" in binary.json()["detail"]
    assert RuleRevision.objects.filter(document__slug="training").count() == 3


def test_the_rules_paths_do_not_clash_with_the_submissions_round_paths(client, world):
    handlers = {
        "/api/rounds/v9.0": "round_detail",
        "/api/rounds/v9.0/objections": "objection_list",
        "/api/rounds/v9.0/rules": "round_rules",
        "/api/rounds/v9.0/rules/freeze": "round_rules_freeze",
        "/api/rounds/v9.0/rules/changes": "round_rules_changes",
        "/api/rounds/v9.0/rules/exceptions": "round_exceptions",
        "/api/rules/": "document_list",
        "/api/rules/exceptions": "exceptions",
    }
    assert {path: resolve(path).url_name for path in handlers} == handlers
    paths = api.get_openapi_schema()["paths"]
    assert "/api/rounds/{name}" in paths and "/api/rounds/{name}/rules" in paths
    assert set(client.get("/api/rounds/v9.0").json()) >= {"name", "window", "benchmarks"}
    assert set(client.get("/api/rounds/v9.0/rules").json()) >= {"frozen", "rcp_set"}


WRITES = [
    ("post", "/api/rounds/v9.0/rules/freeze", {"revisions": {"training": 1}}),
    ("patch", "/api/rounds/v9.0/rules/freeze", {}),
    ("put", "/api/rounds/v9.0/rules/freeze", {}),
    ("delete", "/api/rounds/v9.0/rules/freeze", {}),
    (
        "post",
        "/api/rounds/v9.0/rules/exceptions",
        {"document": "training", "section": "overview", "text": "t", "requested_by": "x"},
    ),
]


@pytest.mark.parametrize("role", ["anonymous", "outsider", "member", "submitter_b"])
def test_api_writes_are_refused_to_everyone_but_chairs_and_change_nothing(
    client, request, world, role
):
    client = _as(client, request, role)
    expected = 401 if role == "anonymous" else 403
    for method, url, payload in WRITES:
        response = getattr(client, method)(url, payload, "application/json")
        assert response.status_code == expected, (method, url, response.content)
    upload = SimpleUploadedFile("rules.adoc", (V2 + "\nMore.\n").encode())
    response = client.post("/api/rules/training/revisions", {"file": upload, "message": "m"})
    assert response.status_code == expected
    assert not RoundRuleFreeze.objects.exists() and not RuleException.objects.exists()
    assert RuleRevision.objects.filter(document__slug="training").count() == 2


def test_a_proposal_names_its_rule_document_in_the_api(client, world, member):
    client.force_login(member)
    response = client.post(
        "/api/roadmap/proposals",
        {"title": "T", "kind": "rule_change", "body": "B", "rule_document": "training"},
        "application/json",
    )
    assert response.status_code == 201 and response.json()["rule_document"] == "training"
    unknown = client.post(
        "/api/roadmap/proposals",
        {"title": "T", "kind": "rule_change", "body": "B", "rule_document": "nope"},
        "application/json",
    )
    assert unknown.status_code == 404 and "No rule document 'nope'" in unknown.json()["detail"]
