"""Every roadmap page and action for every role: who may see it, who may do it, and what a
refusal looks like (404 where existence is not theirs to know, 403 saying why otherwise)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from roadmap.models import (
    Ballot,
    Benchmark,
    BenchmarkVersion,
    Comment,
    Concern,
    Decision,
    Milestone,
    Proposal,
    Round,
    Vote,
)
from roadmap.services import proposals as proposal_services
from roadmap.services.decisions import decision_record
from roadmap.services.votes import vote_open
from tests.roadmap.conftest import advance

ROLES = ["anonymous", "outsider", "observer", "member", "member_b", "chair"]
MEMBERS = {"member", "member_b", "chair"}


@pytest.fixture
def world(planned_round, member, member_b, chair, observer, outsider):
    """A round with a benchmark; a draft, a submitted proposal, one in discussion with a
    concern, one being voted on, and a decision."""
    bench = Benchmark.objects.create(slug="flux1", name="FLUX.1", task="Text-to-image")
    BenchmarkVersion.objects.create(round=planned_round, benchmark=bench, runs_required=10)

    def file(title):
        return proposal_services.proposal_create(
            actor=member, title=title, kind="rule_change", body=f"{title} body"
        )

    draft = file("Secret draft")
    submitted = advance(file("Submitted one"), member, "submitted")
    discussed = advance(file("Discussed one"), member, "submitted")
    advance(discussed, chair, "in_discussion")
    voted = advance(file("Voted one"), member, "submitted")
    advance(voted, chair, "in_discussion")
    concern = proposal_services.concern_raise(actor=member_b, proposal=discussed, title="Cost")
    vote = vote_open(
        actor=chair, proposal=voted, method="majority", closes_at=timezone.now() + timedelta(days=2)
    )
    decision = decision_record(
        actor=chair, title="Thursday slot stays", outcome="accepted", method="consensus", text="."
    )
    return {
        "round": planned_round,
        "draft": draft,
        "submitted": submitted,
        "discussed": discussed,
        "voted": voted,
        "concern": concern,
        "vote": vote,
        "decision": decision,
        "milestone": planned_round.milestones.first(),
    }


def _as(client, request, role):
    client.logout()
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))


ALL_200 = dict.fromkeys(ROLES, 200)
CHAIR_PAGE = {
    "anonymous": 302,
    "outsider": 404,
    "observer": 404,
    "member": 404,
    "member_b": 404,
    "chair": 200,
}
MEMBER_PAGE = {
    "anonymous": 302,
    "outsider": 404,
    "observer": 404,
    "member": 200,
    "member_b": 200,
    "chair": 200,
}
MEMBERS_ONLY = {
    "anonymous": 404,
    "outsider": 404,
    "observer": 404,
    "member": 200,
    "member_b": 200,
    "chair": 200,
}
AUTHOR_PAGE = {
    "anonymous": 404,
    "outsider": 404,
    "observer": 404,
    "member": 200,
    "member_b": 404,
    "chair": 200,
}
AUTHOR_EDIT = {
    "anonymous": 302,
    "outsider": 404,
    "observer": 404,
    "member": 200,
    "member_b": 404,
    "chair": 200,
}

GET_PAGES = [
    ("/roadmap/", ALL_200),
    ("/roadmap/benchmarks/", ALL_200),
    ("/roadmap/benchmarks/flux1/", ALL_200),
    ("/roadmap/compare/?a=v9.0&b=v9.0", ALL_200),
    ("/roadmap/rounds/", ALL_200),
    ("/roadmap/rounds/new/", CHAIR_PAGE),
    ("/roadmap/rounds/v9.0/", ALL_200),
    ("/roadmap/proposals/", ALL_200),
    ("/roadmap/proposals/new/", MEMBER_PAGE),
    ("/roadmap/proposals/{draft}/", AUTHOR_PAGE),
    ("/roadmap/proposals/{draft}/edit/", AUTHOR_EDIT),
    ("/roadmap/proposals/{submitted}/", ALL_200),
    ("/roadmap/proposals/{discussed}/", ALL_200),
    ("/roadmap/votes/{vote}/", ALL_200),
    ("/roadmap/votes/{vote}/tally.yaml", MEMBERS_ONLY),
    ("/roadmap/decisions/", ALL_200),
    ("/roadmap/decisions/{decision}/", ALL_200),
]


def _url(template: str, world) -> str:
    return template.format(
        draft=world["draft"].pk,
        submitted=world["submitted"].pk,
        discussed=world["discussed"].pk,
        vote=world["vote"].pk,
        decision=world["decision"].reference,
        milestone=world["milestone"].pk,
        concern=world["concern"].pk,
    )


@pytest.mark.parametrize(("template", "expected"), GET_PAGES, ids=[u for u, _ in GET_PAGES])
def test_each_page_for_each_role(client, request, world, template, expected):
    url = _url(template, world)
    seen = {}
    for role in ROLES:
        _as(client, request, role)
        seen[role] = client.get(url).status_code
    assert seen == expected


def test_unknown_objects_are_404(client, world):
    for url in (
        "/roadmap/rounds/v0.0/",
        "/roadmap/benchmarks/nope/",
        "/roadmap/proposals/999999/",
        "/roadmap/votes/999999/",
        "/roadmap/decisions/D-1999-001/",
        "/roadmap/compare/?a=v0.0&b=v9.0",
    ):
        assert client.get(url).status_code == 404, url


def test_lists_never_show_what_the_detail_page_refuses(client, request, world):
    for role in ROLES:
        _as(client, request, role)
        html = client.get("/roadmap/proposals/").content.decode()
        assert ("Secret draft" in html) == (role in ("member", "chair")), role
        assert "Submitted one" in html


def test_the_discussion_and_the_ballots_are_for_members(client, request, world):
    proposal_services.comment_add(
        actor=request.getfixturevalue("member_b"),
        proposal=world["submitted"],
        body="Members-only remark",
    )
    for role in ROLES:
        _as(client, request, role)
        page = client.get(f"/roadmap/proposals/{world['submitted'].pk}/").content.decode()
        assert ("Members-only remark" in page) == (role in MEMBERS), role
        vote_page = client.get(f"/roadmap/votes/{world['vote'].pk}/").content.decode()
        assert ('data-testid="elector"' in vote_page) == (role in MEMBERS), role


# --- Actions: (url, data, who succeeds, how to tell it happened) --------------------------------


def _changed(world, what):
    if what == "round":
        return Round.objects.get(pk=world["round"].pk).status == "development"
    if what == "rescheduled":
        return Round.objects.get(pk=world["round"].pk).submission_date == RESCHEDULED_TO
    if what == "milestone":
        return Milestone.objects.get(pk=world["milestone"].pk).status == "done"
    if what == "scheduled":
        return Proposal.objects.get(pk=world["submitted"].pk).status == "scheduled"
    if what == "decided":
        return (
            Decision.objects.filter(proposal=world["voted"]).exists()
            or Proposal.objects.get(pk=world["discussed"].pk).status == "rejected"
        )
    if what == "vote":
        return Vote.objects.filter(proposal=world["discussed"]).exists()
    if what == "comment":
        return Comment.objects.exists()
    if what == "concern":
        return Concern.objects.filter(proposal=world["submitted"]).exists()
    if what == "resolved":
        return Concern.objects.get(pk=world["concern"].pk).status == "resolved"
    if what == "watch":
        return world["submitted"].watchers.count() == 2
    if what == "link":
        return world["submitted"].links.exists()
    if what == "ballot":
        return Ballot.objects.exists()
    if what == "cancelled":
        return Vote.objects.get(pk=world["vote"].pk).status == "cancelled"
    if what == "submitted_draft":
        return Proposal.objects.get(pk=world["draft"].pk).status == "submitted"
    raise AssertionError(what)


RESCHEDULED_TO = timezone.localdate() + timedelta(weeks=32)  # two weeks after v9.0's date

ACTIONS = [
    ("/roadmap/rounds/v9.0/transition/", {"to": "development"}, {"chair"}, "round"),
    ("/roadmap/rounds/v9.0/milestones/{milestone}/", {"status": "done"}, {"chair"}, "milestone"),
    (
        "/roadmap/rounds/v9.0/reschedule/",
        {"submission_date": RESCHEDULED_TO.isoformat(), "reason": "D-2026-004"},
        {"chair"},
        "rescheduled",
    ),
    (
        "/roadmap/proposals/{submitted}/transition/",
        {"to": "scheduled", "scheduled_for": "2099-01-01"},
        {"chair"},
        "scheduled",
    ),
    ("/roadmap/proposals/{draft}/transition/", {"to": "submitted"}, {"member"}, "submitted_draft"),
    (
        "/roadmap/proposals/{discussed}/decide/",
        {"outcome": "rejected", "text": "No capacity"},
        {"chair"},
        "decided",
    ),
    (
        "/roadmap/proposals/{discussed}/votes/",
        {
            "method": "majority",
            "options": "yes, no",
            "closes_at": "2099-01-01T12:00",
            "electorate": "members",
        },
        set(),  # the open concern blocks the vote, even for a chair
        "vote",
    ),
    ("/roadmap/proposals/{submitted}/comments/", {"body": "Hello"}, MEMBERS, "comment"),
    ("/roadmap/proposals/{submitted}/concerns/", {"title": "Hmm"}, MEMBERS, "concern"),
    (
        "/roadmap/concerns/{concern}/resolve/",
        {"resolution": "Fixed"},
        {"member_b", "chair"},
        "resolved",
    ),
    ("/roadmap/proposals/{submitted}/watch/", {"watching": "1"}, {"member_b", "chair"}, "watch"),
    (
        "/roadmap/proposals/{submitted}/links/",
        {"url": "https://github.com/mlcommons/training/issues/1"},
        {"member", "chair"},
        "link",
    ),
    ("/roadmap/votes/{vote}/ballot/", {"choice": "yes"}, MEMBERS, "ballot"),
    ("/roadmap/votes/{vote}/cancel/", {"reason": "Wrong question"}, {"chair"}, "cancelled"),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("template", "data", "allowed", "effect"), ACTIONS, ids=[a[3] for a in ACTIONS]
)
def test_each_action_for_each_role(client, request, world, role, template, data, allowed, effect):
    _as(client, request, role)
    url = _url(template, world)
    response = client.post(url, data)
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response.url
    elif role in allowed:
        assert response.status_code == 302, response.content[:300]
    else:
        assert response.status_code in (302, 403, 404)
    assert _changed(world, effect) == (role in allowed)


def test_a_refused_action_says_why_on_the_page(client, world, member):
    client.force_login(member)
    response = client.post(
        f"/roadmap/votes/{world['vote'].pk}/ballot/", {"choice": "maybe"}, follow=True
    )
    assert "choice &#x27;maybe&#x27; is not an option" in response.content.decode()
    assert not Ballot.objects.exists()


def test_a_forbidden_action_is_a_403_that_says_why(client, world, member):
    client.force_login(member)
    response = client.post("/roadmap/rounds/v9.0/transition/", {"to": "development"})
    assert response.status_code == 403 and b"working-group chair" in response.content


def test_the_admin_lists_roadmap_records_for_staff(client, admin_user, world):
    client.force_login(admin_user)
    for model in ("round", "proposal", "decision", "vote", "comment", "votereminder", "benchmark"):
        assert client.get(f"/admin/roadmap/{model}/").status_code == 200, model
    assert client.get(f"/admin/roadmap/proposal/{world['discussed'].pk}/change/").status_code == 200
    assert client.get(f"/admin/roadmap/vote/{world['vote'].pk}/change/").status_code == 200
    assert client.get(f"/admin/roadmap/round/{world['round'].pk}/change/").status_code == 200


HOSTILE = (
    "<script>alert(1)</script> <img src=x onerror=alert(2)> "
    "[click](javascript:alert(3)) <a href='javascript:alert(4)'>x</a> <style>*{}</style>"
)


def test_hostile_markdown_in_proposals_comments_and_concerns_renders_inert(
    client, member, member_b, planned_round
):
    proposal = proposal_services.proposal_create(
        actor=member, title="<b>Bold</b> title", kind="rule_change", body=HOSTILE
    )
    advance(proposal, member, "submitted")
    proposal_services.comment_add(actor=member_b, proposal=proposal, body=HOSTILE)
    proposal_services.concern_raise(
        actor=member_b, proposal=proposal, title="<i>x</i>", body=HOSTILE
    )
    client.force_login(member)
    html = client.get(f"/roadmap/proposals/{proposal.pk}/").content.decode()
    for needle in ("<script>alert", "onerror", "javascript:", "<style>", "<b>Bold</b>", "<i>x</i>"):
        assert needle not in html, needle
    assert "&lt;b&gt;Bold&lt;/b&gt; title" in html


def test_staff_cannot_change_a_vote_in_the_admin(client, admin_user, world):
    client.force_login(admin_user)
    vote = world["vote"]
    client.post(
        f"/admin/roadmap/vote/{vote.pk}/change/", {"question": "Changed?", "options": '["a"]'}
    )
    vote.refresh_from_db()
    assert vote.question != "Changed?" and vote.options == ["yes", "no"]


def test_the_roadmap_page_makes_the_same_queries_for_more_rounds(client, planned_round):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from roadmap.services.rounds import milestones_generate

    with CaptureQueriesContext(connection) as one:
        assert client.get("/roadmap/").status_code == 200
    for name, weeks in (("v9.1", 52), ("v9.2", 78)):
        round_ = Round.objects.create(
            name=name,
            ruleset="6.1.0",
            submission_date=timezone.localdate() + timedelta(weeks=weeks),
        )
        milestones_generate(actor=None, round=round_)
    with CaptureQueriesContext(connection) as three:
        html = client.get("/roadmap/").content.decode()
    assert html.count('data-testid="active-round"') == 3
    assert len(three) == len(one)


def test_the_reschedule_form_is_on_the_schedule_page_for_chairs_only(client, request, world):
    for role in ROLES:
        _as(client, request, role)
        page = client.get("/roadmap/rounds/v9.0/").content.decode()
        assert ('data-testid="round-reschedule"' in page) == (role == "chair"), role


def test_a_refused_reschedule_says_why_on_the_schedule_page(client, world, chair):
    client.force_login(chair)
    same = world["round"].submission_date.isoformat()
    response = client.post(
        "/roadmap/rounds/v9.0/reschedule/",
        {"submission_date": same, "reason": "Typo"},
        HTTP_REFERER="http://testserver/roadmap/rounds/v9.0/",
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "http://testserver/roadmap/rounds/v9.0/"
    assert "nothing changes" in response.content.decode()
    response = client.post(
        "/roadmap/rounds/v9.0/reschedule/",
        {"submission_date": RESCHEDULED_TO.isoformat(), "reason": "Accepted"},
        follow=True,
    )
    assert "its planned milestones moved with it" in response.content.decode()


def test_a_member_may_not_reschedule_and_is_told_why(client, world, member):
    client.force_login(member)
    response = client.post(
        "/roadmap/rounds/v9.0/reschedule/",
        {"submission_date": RESCHEDULED_TO.isoformat(), "reason": "Mine"},
    )
    assert response.status_code == 403 and b"working-group chairs plan rounds" in response.content
