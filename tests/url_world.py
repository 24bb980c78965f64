"""The seeded world of tests/test_every_url.py: one real object behind every path parameter of
every URL, built once per module through the services (and a few rows a service only makes
with a secret that the test needs to know, like an invitation's token)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from benchmarks_runner.services.runs import run_enqueue
from config.celery import app
from roadmap.models import Round, RuleDocument
from roadmap.services import proposals as proposal_services
from roadmap.services.decisions import decision_record
from roadmap.services.rounds import round_create
from roadmap.services.rules.drafts import rule_draft_create
from roadmap.services.rules.exceptions import rule_exception_grant
from roadmap.services.rules.freezes import rule_freeze_create
from roadmap.services.rules.revisions import rule_revision_import
from roadmap.services.votes import vote_open
from submissions.models import Score, SubmissionWindow
from submissions.services.assignments import review_assignment_add
from submissions.services.intake import version_upload
from submissions.services.own_results import result_change_request
from submissions.services.publication import round_publish
from submissions.services.review import objection_file
from tests.benchmarks_runner.conftest import register
from tests.factories import OrganizationFactory, ResourceFactory, person_with_role
from tests.roadmap.conftest import advance
from tests.roadmap.rules.conftest import V1, V2
from tests.submissions.packages import generated_org, tar_gz
from wg.models import Invitation, Notification, NotificationStatus, Role, Visibility
from wg.notifications import Recipient, notification_enqueue
from wg.notifications.kinds import ROLES as ROLES_KIND
from wg.notifications.tokens import unsubscribe_token
from wg.services.organizations import round_registration_create
from wg.services.people import api_token_create

INVITATION_TOKEN = "an-open-invitation-token"
VERSION_FILE = "Acme/results/acme_box/llama2_70b_lora/result_0.txt"


def _upload(user: Any, round_: Round, org: Any, tmp: Path) -> Any:
    with TestCase.captureOnCommitCallbacks(execute=True):
        version = version_upload(
            actor=user,
            round=round_,
            organization=org,
            original_name=f"{org.slug}.tar.gz",
            stream=tar_gz(
                generated_org(tmp / round_.name / org.slug, org=org.name, ruleset=round_.ruleset)
            ),
        )
    version.refresh_from_db()
    assert version.status == "valid", (round_.name, org.slug, version.status)
    return version


def _window(round_: Round, *, closed: bool) -> None:
    now = timezone.now()
    SubmissionWindow.objects.create(
        round=round_,
        opens_at=now - timedelta(days=7),
        deadline=now + timedelta(days=1),
        review_ends_at=now + timedelta(days=21),
    )
    round_.refresh_from_db()
    if closed:
        # Uploads closed a day ago: the round is in review, its results still embargoed.
        SubmissionWindow.objects.filter(round=round_).update(
            opens_at=now - timedelta(days=30), deadline=now - timedelta(days=1)
        )
        round_.window.refresh_from_db()


def _people() -> dict[str, Any]:
    chair_org = OrganizationFactory(name="Chair Org", slug="chair-org")
    acme = OrganizationFactory(name="Acme", slug="acme")
    amd = OrganizationFactory(name="AMD", slug="amd")
    beta = OrganizationFactory(name="Beta Compute", slug="beta")
    return {
        "chair_org": chair_org,
        "acme": acme,
        "amd": amd,
        "beta": beta,
        "chair": person_with_role(Role.CHAIR, chair_org, username="chair").user,
        "outsider": person_with_role(None, username="outsider").user,
        "member_other": person_with_role(Role.MEMBER, beta, username="member-beta").user,
        "acme_submitter": person_with_role(Role.SUBMITTER, acme, username="acme-sub").user,
        "amd_submitter": person_with_role(Role.SUBMITTER, amd, username="amd-sub").user,
        "target": person_with_role(Role.MEMBER, amd, username="target"),
    }


def _submissions(p: dict[str, Any], tmp: Path) -> dict[str, Any]:
    """v5.0 published with Acme's results; v5.1 in review (embargoed) with versions of Acme
    and AMD, an objection, an assignment and a change of results."""
    published = Round.objects.get(name="v5.0")
    _window(published, closed=False)
    _upload(p["acme_submitter"], published, p["acme"], tmp)
    SubmissionWindow.objects.filter(round=published).update(
        opens_at=timezone.now() - timedelta(days=30),
        deadline=timezone.now() - timedelta(days=1),
    )
    published.refresh_from_db()
    round_publish(actor=p["chair"], round=published, confirm=published.name)

    review = Round.objects.get(name="v5.1")
    _window(review, closed=False)
    round_registration_create(actor=p["chair"], round=review, organization=p["acme"])
    for user, org in ((p["acme_submitter"], p["acme"]), (p["amd_submitter"], p["amd"])):
        _upload(user, review, org, tmp)
    _window_close(review)
    objection = objection_file(
        actor=p["amd_submitter"], round=review, against=p["acme"], text="Too fast", path=""
    )
    assignment = review_assignment_add(
        actor=p["chair"], round=review, reviewer=p["amd"], reviewee=p["acme"]
    )
    change = result_change_request(
        actor=p["acme_submitter"],
        round=review,
        organization=p["acme"],
        system="acme_box",
        kind="move_to_open",
    )
    published_score = Score.objects.filter(version__submission__round=published).first()
    return {
        "round_published": published.name,
        "round_review": review.name,
        "org": "acme",
        "org_registered": "acme",
        "version": "1",
        "version_file": VERSION_FILE,
        "system": "acme_box",
        "fmt": "csv",
        "benchmark_results": "llama2_70b_lora",
        "objection": str(objection.pk),
        "assignment": str(assignment.pk),
        "result_change": str(change.pk),
        "score": str(published_score.pk),
    }


def _window_close(round_: Round) -> None:
    now = timezone.now()
    SubmissionWindow.objects.filter(round=round_).update(
        opens_at=now - timedelta(days=30), deadline=now - timedelta(days=1)
    )
    round_.refresh_from_db()


def _roadmap(p: dict[str, Any]) -> dict[str, Any]:
    # Proposals and concerns are AMD's member's, so the member of another organisation only
    # ever acts as a member, never as an author.
    chair, member = p["chair"], p["target"].user
    planned = round_create(
        actor=chair,
        name="v9.0",
        ruleset="6.1.0",
        submission_date=timezone.localdate() + timedelta(weeks=30),
    )

    def file(title: str, actor: Any = member) -> Any:
        return proposal_services.proposal_create(
            actor=actor, title=title, kind="rule_change", body=f"{title} body"
        )

    draft = file("A draft nobody else sees")
    submitted = advance(file("Submitted one"), member, "submitted")
    voted = advance(file("Voted one"), member, "submitted")
    advance(voted, chair, "in_discussion")
    vote = vote_open(
        actor=chair, proposal=voted, method="majority", closes_at=timezone.now() + timedelta(days=2)
    )
    concern = proposal_services.concern_raise(actor=member, proposal=voted, title="Cost")
    decision = decision_record(
        actor=chair, title="Thursday slot stays", outcome="accepted", method="consensus", text="."
    )

    rule_revision_import(actor=None, document="training", source=V1, message="v1")
    rule_revision_import(actor=None, document="training", source=V2, message="v2")
    training = RuleDocument.objects.get(slug="training")
    rule_draft = rule_draft_create(actor=chair, document=training)
    anchor = training.revisions.get(number=2).sections.filter(anchor__startswith="training")[0]
    frozen = Round.objects.get(name="v6.0")
    rule_freeze_create(actor=chair, round=frozen, revisions={"training": 1})
    rule_exception_grant(
        actor=chair,
        round=frozen,
        document=training,
        section_anchor="overview",
        text="Applies differently to v6.0.",
        requested_by=p["target"],
        decision=decision,
    )
    return {
        "round_planned": planned.name,
        "round_frozen": frozen.name,
        "milestone": str(planned.milestones.first().pk),
        "benchmark": "llama2_70b_lora",
        "proposal": str(submitted.pk),
        "proposal_draft": str(draft.pk),
        "concern": str(concern.pk),
        "vote": str(vote.pk),
        "decision": decision.reference,
        "document": "training",
        "revision": "2",
        "revision_old": "1",
        "anchor": anchor.anchor,
        "anchor_frozen": "overview",
        "rule_draft": str(rule_draft.pk),
    }


def _runner(p: dict[str, Any]) -> dict[str, Any]:
    register(name="cpu-1")
    # Queued by AMD's member: whoever queued a run may cancel it.
    run = run_enqueue(actor=p["target"].user, benchmark="digits_mlp")[0]
    return {"host": "cpu-1", "run": str(run.pk), "runnable": "digits_mlp"}


def _wg(p: dict[str, Any]) -> dict[str, Any]:
    chair, target = p["chair"], p["target"]
    invitation = Invitation.objects.create(
        email="dana@amd.example",
        full_name="Dana Lee",
        token_hash=Invitation.hash(INVITATION_TOKEN),
        invited_by=chair,
        expires_at=timezone.now() + timedelta(days=14),
    )
    row = notification_enqueue(
        kind=ROLES_KIND.code,
        event_key="url-world",
        recipients=[Recipient(email="y@example.org")],
        subject="s",
        template="wg/email/role.txt",
    )[0]
    Notification.objects.filter(pk=row.pk).update(status=NotificationStatus.FAILED)
    token, _ = api_token_create(actor=chair, user=chair, name="chair's script")
    resource = ResourceFactory(slug="members-notes", visibility=Visibility.MEMBERS)
    resource.file.save("notes.txt", ContentFile(b"members only"))
    outsider = p["outsider"]
    return {
        "person": target.slug,
        "role": str(target.roles.get().pk),
        "organization": "amd",
        "invitation": str(invitation.pk),
        "invitation_token": INVITATION_TOKEN,
        "notification": str(row.pk),
        "unsubscribe_token": unsubscribe_token(person_id=target.pk, kind=ROLES_KIND.code),
        "api_token": str(token.pk),
        "resource": resource.slug,
        "uidb64": urlsafe_base64_encode(force_bytes(outsider.pk)),
        "reset_token": default_token_generator.make_token(outsider),
    }


def build_world(tmp: Path) -> tuple[dict[str, Any], dict[str, str]]:
    """The users of each role, and the URL value of every object a path parameter names."""
    with open("/dev/null", "w") as quiet:
        call_command("load_catalogue", stdout=quiet)
    app.conf.task_always_eager = True
    try:
        people = _people()
        values = {
            **_submissions(people, tmp),
            **_roadmap(people),
            **_runner(people),
            **_wg(people),
        }
    finally:
        app.conf.task_always_eager = False
    return people, values
