"""Every rules page and action for every role (anonymous, outsider, member, submitter of an
organisation, chair): who sees what, who may do what, and that a refusal changes nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.errors import DomainError
from roadmap.models import (
    Proposal,
    RoundRuleFreeze,
    RuleDocument,
    RuleException,
    RuleRevision,
)
from roadmap.rules import asciidoctor
from roadmap.services.decisions import decision_record
from roadmap.services.rules.drafts import rule_draft_create
from roadmap.services.rules.exceptions import rule_exception_grant
from roadmap.services.rules.freezes import rule_freeze_create
from tests.roadmap.rules.conftest import V1, V2, import_text
from wg.models import Person

ROLES = ["anonymous", "outsider", "member", "submitter_b", "chair"]
LOGIN = 302


def per_role(anonymous, outsider, member, submitter_b, chair):
    return dict(zip(ROLES, (anonymous, outsider, member, submitter_b, chair), strict=True))


EVERYONE = per_role(200, 200, 200, 200, 200)
MEMBERS_READ = per_role(404, 404, 200, 200, 200)  # submitters hold a member-level role
CHAIRS_FORM = per_role(LOGIN, 404, 404, 404, 200)


@pytest.fixture
def world(catalogued_round, chair, member, training):
    """Public training rules (revisions 1, 2), members-only internal rules, v9.0 frozen on
    training revision 1 with an exception, an accepted proposal with a draft."""
    import_text(V1.replace("Test Training Rules", "Internal Rules"), document="internal")
    RuleDocument.objects.filter(slug="internal").update(public=False)
    frozen_round = catalogued_round
    rule_freeze_create(actor=chair, round=frozen_round, revisions={"training": 1})
    decision = decision_record(
        actor=chair, outcome="accepted", method="consensus", title="Exception", text="."
    )
    rule_exception_grant(
        actor=chair,
        round=frozen_round,
        document=training,
        section_anchor="benchmarks",
        text="gpt_oss_20b joins v9.0.",
        requested_by=Person.objects.get(user=member),
        decision=decision,
    )
    proposal = Proposal.objects.create(
        title="Change", kind="rule_change", body=".", author=Person.objects.get(user=member)
    )
    Proposal.objects.filter(pk=proposal.pk).update(status="accepted")
    proposal.refresh_from_db()
    draft = rule_draft_create(actor=chair, document=training, proposal=proposal)
    return {"round": frozen_round, "draft": draft, "proposal": proposal}


def _as(client, request, role):
    client.logout()
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return client


GET_PAGES = [
    ("/rules/", EVERYONE),
    ("/rules/training/", EVERYONE),
    ("/rules/training/revisions/2/", EVERYONE),
    ("/rules/training/revisions/1/source/", EVERYONE),
    ("/rules/training/diff/1/2/", EVERYONE),
    ("/rules/training/diff/2/1/?view=side", EVERYONE),
    ("/rules/training/compare/?a=1&b=2", per_role(302, 302, 302, 302, 302)),
    ("/rules/internal/compare/?a=1&b=1", per_role(404, 404, 302, 302, 302)),
    ("/rules/training/sections/benchmarks/", EVERYONE),
    ("/rules/training/sections/benchmarks--lifecycle-of-a-benchmark/", EVERYONE),
    ("/rules/rounds/v9.0/", EVERYONE),
    ("/rules/rounds/v9.0/changes/", EVERYONE),
    ("/rules/rounds/v9.0/changes/?view=side", EVERYONE),
    ("/rules/rounds/v9.0/exceptions/", EVERYONE),
    ("/rules/rounds/v9.0/exceptions/?benchmark=llama31_8b", EVERYONE),
    ("/rules/benchmarks/llama31_8b/exceptions/", EVERYONE),
    ("/rules/internal/", MEMBERS_READ),
    ("/rules/internal/revisions/1/", MEMBERS_READ),
    ("/rules/internal/revisions/1/source/", MEMBERS_READ),
    ("/rules/internal/diff/1/1/", MEMBERS_READ),
    ("/rules/internal/sections/overview/", MEMBERS_READ),
    ("/rules/training/drafts/{draft}/", MEMBERS_READ),
    ("/rules/upload/", CHAIRS_FORM),
    ("/rules/rounds/v9.0/freeze/", CHAIRS_FORM),
    ("/rules/rounds/v9.0/exceptions/new/", CHAIRS_FORM),
    ("/rules/training/revisions/2/sections/overview/edit/", CHAIRS_FORM),
    ("/rules/training/drafts/{draft}/sections/overview/edit/", CHAIRS_FORM),
]


@pytest.mark.parametrize("role", ROLES)
def test_pages_per_role(client, request, world, role):
    # One world per role, every page in it: importing the rules runs asciidoctor.
    client = _as(client, request, role)
    wrong = []
    for url, expected in GET_PAGES:
        response = client.get(url.format(draft=world["draft"].pk))
        login = "compare" in url or expected[role] != LOGIN or "/accounts/login/" in response.url
        if response.status_code != expected[role] or not login:
            wrong.append((url, response.status_code, expected[role]))
    assert wrong == []


@pytest.mark.parametrize("role", ROLES)
def test_missing_revisions_sections_and_rounds_are_404(client, request, world, role):
    client = _as(client, request, role)
    for url in (
        "/rules/nope/",
        "/rules/training/revisions/9/",
        "/rules/training/diff/1/9/",
        "/rules/training/sections/nope/",
        "/rules/rounds/v0.0/",
        "/rules/training/drafts/999999/",
    ):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("role", ROLES)
def test_lists_show_members_only_documents_to_members_only(client, request, world, role):
    client = _as(client, request, role)
    members = role in ("member", "submitter_b", "chair")
    for url in ("/rules/", "/rules/rounds/v9.0/"):
        assert ("Internal Rules" in client.get(url).content.decode()) is members, url
    drafts = client.get("/rules/training/").content.decode()
    assert (f"/rules/training/drafts/{world['draft'].pk}/" in drafts) is members
    proposal_page = client.get(world["proposal"].get_absolute_url()).content.decode()
    assert (f"/rules/training/drafts/{world['draft'].pk}/" in proposal_page) is members


V3 = V2.replace("Version 2.", "Version 3.")


def form_error(response) -> str:
    """The refusal a form page shows (not the page's explanations around the form)."""
    page = response.content.decode()
    assert 'data-testid="form-error"' in page, "the page shows no error"
    return page.split('data-testid="form-error"', 1)[1].split("</div>", 1)[0]


def _upload(name="rules.adoc", text=V3):
    return SimpleUploadedFile(name, text.encode(), content_type="text/plain")


def _posts(world):
    draft = world["draft"].pk
    return [
        ("/rules/upload/", lambda: {"document": "training", "file": _upload(), "message": "m"}),
        ("/rules/training/settings/", lambda: {}),
        ("/rules/drafts/new/", lambda: {"document": "training", "proposal": world["proposal"].pk}),
        (f"/rules/training/drafts/{draft}/upload/", lambda: {"file": _upload()}),
        (f"/rules/training/drafts/{draft}/publish/", lambda: {"message": "m"}),
        (f"/rules/training/drafts/{draft}/discard/", lambda: {}),
        (
            "/rules/training/revisions/2/sections/overview/edit/",
            lambda: {"text": "== Overview\n\nMine.\n", "message": "m"},
        ),
        (
            f"/rules/training/drafts/{draft}/sections/overview/edit/",
            lambda: {"text": "== Overview\n\nMine.\n"},
        ),
        ("/rules/rounds/v9.0/freeze/", lambda: {"ruleset": "6.1.0", "revision_training": 2}),
        (
            "/rules/rounds/v9.0/exceptions/new/",
            lambda: {
                "section": "training:overview",
                "text": "t",
                "requested_by": "chair",
                "decision_text": "d",
            },
        ),
    ]


def _state():
    return (
        list(RuleRevision.objects.order_by("pk").values_list("pk", "status", "content_hash")),
        list(RuleDocument.objects.values_list("slug", "public")),
        RoundRuleFreeze.objects.count(),
        RuleException.objects.count(),
    )


@pytest.mark.parametrize("role", ["anonymous", "outsider", "member", "submitter_b"])
def test_no_one_but_a_chair_changes_the_rules_and_a_refusal_changes_nothing(
    client, request, world, role
):
    client = _as(client, request, role)
    before = _state()
    for url, data in _posts(world):
        response = client.post(url, data())
        if role == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response.url, url
        else:
            assert response.status_code in (403, 404), url
    assert _state() == before


def test_a_chair_uploads_a_file_and_sees_the_new_revision(client, world, chair):
    client.force_login(chair)
    response = client.post(
        "/rules/upload/",
        {"document": "training", "file": _upload(), "message": "Late change", "decision": ""},
    )
    assert response.status_code == 302 and response.url == "/rules/training/revisions/3/"
    page = client.get(response.url).content.decode()
    assert "Version 3." in page and "Late change" in page


def test_uploading_the_same_text_again_says_nothing_was_imported(client, world, chair):
    client.force_login(chair)
    response = client.post(
        "/rules/upload/", {"document": "training", "file": _upload(text=V2), "message": "again"}
    )
    assert response.status_code == 200
    assert (
        "Nothing imported: rules.adoc equals revision 2 of training." in response.content.decode()
    )
    assert RuleRevision.objects.filter(document__slug="training", status="published").count() == 2


def test_uploading_a_binary_file_says_why_and_creates_nothing(client, world, chair):
    client.force_login(chair)
    binary = SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\xff")
    before = _state()
    response = client.post(
        "/rules/upload/", {"document": "training", "file": binary, "message": "oops"}
    )
    assert response.status_code == 200
    assert "logo.png is not UTF-8 text" in form_error(response)
    assert _state() == before


def test_a_chair_edits_one_section_in_the_web(client, world, chair):
    client.force_login(chair)
    url = "/rules/training/revisions/2/sections/overview/edit/"
    form = client.get(url).content.decode()
    assert "The overview of the rules." in form
    response = client.post(
        url, {"text": "== Overview\r\n\r\nA shorter overview.\r\n", "message": "Shorter"}
    )
    assert response.status_code == 302 and response.url == "/rules/training/revisions/3/#overview"
    diff = client.get("/api/rules/training/diff/2/3").json()
    assert diff["sections"] == [
        {"path": "Overview", "title": "Overview", "anchor": "overview", "change": "modified"}
    ]


def test_freezing_a_frozen_round_in_the_web_says_why(client, world, chair):
    client.force_login(chair)
    page = client.get("/rules/rounds/v9.0/freeze/").content.decode()
    assert "frozen already" in page
    response = client.post("/rules/rounds/v9.0/freeze/", {"ruleset": "6.1.0"})
    assert response.status_code == 200
    assert "The rules of v9.0 were frozen on" in form_error(response)
    assert (
        RoundRuleFreeze.objects.get().bindings.get(document__slug="training").revision.number == 1
    )


def test_an_exception_without_a_decision_is_refused_in_the_web(client, world, chair):
    client.force_login(chair)
    before = _state()
    response = client.post(
        "/rules/rounds/v9.0/exceptions/new/",
        {
            "section": "training:overview",
            "text": "t",
            "requested_by": Person.objects.get(user=chair).slug,
        },
    )
    assert response.status_code == 200
    assert "An exception needs the decision that granted it" in form_error(response)
    assert _state() == before


def test_the_rules_pages_are_served_from_stored_html(client, world, chair, monkeypatch):
    """No page renders: with asciidoctor broken, every page still answers."""

    def broken(*args, **kwargs):
        raise DomainError("asciidoctor must not run while a page is served")

    monkeypatch.setattr(asciidoctor, "convert", broken)
    client.force_login(chair)
    draft = world["draft"].pk
    for url in (
        "/rules/rounds/v9.0/",
        "/rules/rounds/v9.0/changes/",
        "/rules/training/revisions/2/",
        "/rules/training/diff/1/2/",
        "/rules/training/sections/benchmarks/",
        f"/rules/training/drafts/{draft}/",
    ):
        assert client.get(url).status_code == 200, url
    page = client.get("/rules/rounds/v9.0/").content.decode()
    stored = RuleRevision.objects.get(document__slug="training", number=1)
    assert stored.sections.get(anchor="benchmarks").html in page


def test_the_admin_shows_the_rules_to_staff_and_changes_nothing(client, world, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(admin)
    for model in ("ruledocument", "rulerevision", "roundrulefreeze", "ruleexception"):
        assert client.get(f"/admin/roadmap/{model}/").status_code == 200, model
        assert client.get(f"/admin/roadmap/{model}/add/").status_code == 403, model
    revision = RuleRevision.objects.filter(status="published").first()
    assert client.get(f"/admin/roadmap/rulerevision/{revision.pk}/change/").status_code == 200
