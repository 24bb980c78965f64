"""Every URL of the service is guarded and listed: for each route of Django's resolver (the
pages and django-ninja's API), and each role — an anonymous visitor, a logged-in outsider with
no role, a member of another organisation, a chair — the route answers what its level in
``ROUTES`` says, with every path parameter filled by a real object of a seeded world.

A new URL fails here until it is classified in ``ROUTES`` and its parameters are in
``PARAMS``; a refused role never gets a success and a refused write changes nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections, transaction
from django.db.models.signals import post_delete, post_save
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from core.models import AuditEvent
from tests.url_world import build_world

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "outsider", "member_other", "chair")

# Who may use a route, among the four roles.
PUBLIC = frozenset(ROLES)
LOGGED_IN = frozenset({"outsider", "member_other", "chair"})
MEMBERS = frozenset({"member_other", "chair"})
CHAIRS = frozenset({"chair"})
# None of the four: the object's own organisation or owner (its submitter contacts, the
# author), whose side the per-app tests cover.
OWNER = frozenset()


@dataclass(frozen=True)
class Write:
    """A route that only takes a write (POST-only pages; API operations other than GET):
    ``allowed`` may write, the others are refused and nothing changes."""

    allowed: frozenset[str]


# --- Every route, by who may GET it (``Write``: who may write) ------------------------------
ROUTES: dict[str, frozenset[str] | Write] = {
    # portal
    "portal:home": PUBLIC,  # the working group's public page
    "portal:healthz": PUBLIC,  # for monitors; says nothing about the working group's data
    "portal:landing": LOGGED_IN,
    "portal:round-dashboard": CHAIRS,
    "portal:registration-create": Write(CHAIRS),  # and the organisation's submitters
    "portal:registration-delete": Write(CHAIRS),
    "portal:joint-create": Write(CHAIRS),
    "portal:organization-list": MEMBERS,
    "portal:organization-detail": MEMBERS,
    # submissions: rounds, versions, review
    "submissions:round-list": PUBLIC,  # which rounds exist and their deadlines
    "submissions:round-detail": PUBLIC,  # a round's page; its review section is the reviewers'
    "submissions:round-manage": CHAIRS,
    "submissions:round-publish": Write(CHAIRS),
    "submissions:assignments-compute": Write(CHAIRS),
    "submissions:assignment-add": Write(CHAIRS),
    "submissions:assignment-remove": Write(CHAIRS),
    "submissions:partner-add": Write(CHAIRS),
    "submissions:version-upload": Write(OWNER),
    "submissions:objection-create": Write(OWNER),
    "submissions:objection-decide": Write(CHAIRS),
    "submissions:objection-cosign": Write(OWNER),
    "submissions:objection-withdraw": Write(OWNER),
    "submissions:objection-acknowledge": Write(OWNER),
    "submissions:result-change-create": Write(OWNER),
    "submissions:result-change-cancel": Write(OWNER),
    "submissions:borrowing-create": Write(OWNER),
    # An embargoed round in review: its organisation and the review committee only.
    "submissions:submission-detail": CHAIRS,
    "submissions:version-detail": CHAIRS,
    "submissions:version-revalidate": Write(CHAIRS),
    "submissions:version-progress": CHAIRS,
    "submissions:version-file": CHAIRS,
    # Results of a published round (the embargoed round's are in EMBARGOED).
    "submissions:results-index": PUBLIC,  # published results only
    "submissions:results-benchmark": PUBLIC,  # published results only
    "submissions:results-round": PUBLIC,  # a published round
    "submissions:results-export": PUBLIC,  # a published round
    "submissions:results-system": PUBLIC,  # a published round
    "submissions:results-file": PUBLIC,  # a log of a published result
    # wg: accounts, people, invitations, announcements
    "wg:token-list": LOGGED_IN,
    "wg:token-create": Write(LOGGED_IN),
    "wg:token-revoke": Write(CHAIRS),  # the token is the chair's own
    "wg:account": LOGGED_IN,
    "wg:notification-preferences": LOGGED_IN,
    "wg:unsubscribe": PUBLIC,  # the signed token in the mail is the authority (RFC 8058)
    "wg:invitation-accept": PUBLIC,  # the secret token in the mail is the authority
    "wg:members": CHAIRS,
    "wg:person-detail": CHAIRS,
    "wg:role-grant": Write(CHAIRS),
    "wg:role-end": Write(CHAIRS),
    "wg:invitation-create": CHAIRS,
    "wg:invitation-revoke": Write(CHAIRS),
    "wg:invitation-resend": Write(CHAIRS),
    "wg:organization-create": CHAIRS,
    "wg:organization-edit": CHAIRS,
    "wg:announcement-list": MEMBERS,
    "wg:announcement-create": CHAIRS,
    "wg:outbox": CHAIRS,
    "wg:notification-retry": Write(CHAIRS),
    # meetings
    "meetings:resource-file": MEMBERS,  # a members-only resource
    # roadmap: catalogue, rounds, proposals, votes, decisions
    "roadmap:home": PUBLIC,  # the public roadmap
    "roadmap:suite": PUBLIC,  # the public benchmark suite
    "roadmap:benchmark-detail": PUBLIC,  # a benchmark's public history
    "roadmap:round-compare": PUBLIC,  # compares public suites
    "roadmap:round-list": PUBLIC,  # public schedules
    "roadmap:round-create": CHAIRS,
    "roadmap:round-detail": PUBLIC,  # a round's public schedule
    "roadmap:round-transition": Write(CHAIRS),
    "roadmap:round-reschedule": Write(CHAIRS),
    "roadmap:milestone-edit": Write(CHAIRS),
    "roadmap:proposal-list": PUBLIC,  # non-draft proposals are public
    "roadmap:proposal-create": MEMBERS,
    "roadmap:proposal-detail": PUBLIC,  # a submitted proposal (a draft: EMBARGOED)
    "roadmap:proposal-edit": CHAIRS,  # and its author and person in charge
    "roadmap:proposal-transition": Write(CHAIRS),
    "roadmap:proposal-decide": Write(CHAIRS),
    "roadmap:vote-create": Write(CHAIRS),
    "roadmap:link-create": Write(CHAIRS),  # and the author
    "roadmap:proposal-watch": Write(MEMBERS),
    "roadmap:comment-create": Write(MEMBERS),
    "roadmap:concern-create": Write(MEMBERS),
    "roadmap:concern-resolve": Write(CHAIRS),  # and the concern's author
    "roadmap:vote-detail": PUBLIC,  # votes on public proposals are public
    "roadmap:ballot-create": Write(MEMBERS),
    "roadmap:vote-close": Write(CHAIRS),
    "roadmap:vote-conclude": Write(CHAIRS),
    "roadmap:vote-cancel": Write(CHAIRS),
    "roadmap:vote-tally-file": MEMBERS,
    "roadmap:decision-list": PUBLIC,  # decisions are cited by their public URL
    "roadmap:decision-detail": PUBLIC,  # decisions are cited by their public URL
    # roadmap: rules
    "roadmap:rules-list": PUBLIC,  # public rule documents
    "roadmap:rules-upload": CHAIRS,
    "roadmap:rules-draft-create": Write(CHAIRS),
    "roadmap:rules-round": PUBLIC,  # a round's frozen public rules
    "roadmap:rules-round-changes": PUBLIC,  # public rules compared
    "roadmap:rules-round-exceptions": PUBLIC,  # the public register of exceptions
    "roadmap:rules-exception-create": CHAIRS,
    "roadmap:rules-freeze": CHAIRS,
    "roadmap:rules-benchmark-exceptions": PUBLIC,  # the public register of exceptions
    "roadmap:rules-document": PUBLIC,  # a public rule document
    "roadmap:rules-compare": PUBLIC,  # a public rule document
    "roadmap:rules-document-settings": Write(CHAIRS),
    "roadmap:rules-revision": PUBLIC,  # a public rule document
    "roadmap:rules-revision-source": PUBLIC,  # a public rule document
    "roadmap:rules-section-edit": CHAIRS,
    "roadmap:rules-diff": PUBLIC,  # a public rule document
    "roadmap:rules-section": PUBLIC,  # a public rule document
    "roadmap:rules-draft": MEMBERS,
    "roadmap:rules-draft-section-edit": CHAIRS,
    "roadmap:rules-draft-upload": Write(CHAIRS),
    "roadmap:rules-draft-publish": Write(CHAIRS),
    "roadmap:rules-draft-discard": Write(CHAIRS),
    # benchmark runners
    "benchmarks_runner:index": MEMBERS,
    "benchmarks_runner:run-create": Write(MEMBERS),
    "benchmarks_runner:run-detail": MEMBERS,
    "benchmarks_runner:run-progress": MEMBERS,
    "benchmarks_runner:run-log": MEMBERS,
    "benchmarks_runner:run-cancel": Write(CHAIRS),  # and whoever queued it
    "benchmarks_runner:host-detail": MEMBERS,
    "benchmarks_runner:host-mode": Write(CHAIRS),
    "benchmarks_runner:benchmark-detail": MEMBERS,
    "benchmarks_runner:reproduce-list": CHAIRS,
    "benchmarks_runner:reproduce": Write(CHAIRS),
    # Django's accounts
    "login": PUBLIC,  # the way in
    "logout": Write(PUBLIC),  # Django 5 logs out on POST only; logging nobody out is harmless
    "password_reset": PUBLIC,  # a forgotten password is reset from the login page
    "password_reset_done": PUBLIC,  # "check your mail", nothing more
    "password_reset_confirm": PUBLIC,  # the signed link in the mail is the authority
    "password_reset_complete": PUBLIC,  # "you may log in now"
    "password_change": LOGGED_IN,
    "password_change_done": LOGGED_IN,
    # API: the documentation
    "api:openapi-json": PUBLIC,  # the API's description, no data
    "api:openapi-view": PUBLIC,  # the API's description, no data
    "api:api-root": PUBLIC,  # django-ninja's root: a 404 that lists nothing (SUCCESS)
    # API: working group
    "GET api/wg/": PUBLIC,  # the public page's content
    "GET api/wg/rounds/<name>/dashboard": CHAIRS,
    "GET api/wg/rounds/<name>/registrations": MEMBERS,
    "POST api/wg/rounds/<name>/registrations": Write(CHAIRS),
    "DELETE api/wg/rounds/<name>/registrations/<org>": Write(CHAIRS),
    "POST api/wg/rounds/<name>/joint-submissions": Write(CHAIRS),
    "GET api/wg/organizations": MEMBERS,
    "POST api/wg/organizations": Write(CHAIRS),
    "PATCH api/wg/organizations/<slug>": Write(CHAIRS),
    "GET api/wg/people": CHAIRS,
    "GET api/wg/people/<slug>": CHAIRS,
    "POST api/wg/people/<slug>/roles": Write(CHAIRS),
    "POST api/wg/roles/<role_id>/end": Write(CHAIRS),
    "GET api/wg/invitations": CHAIRS,
    "POST api/wg/invitations": Write(CHAIRS),
    "POST api/wg/invitations/<invitation_id>/revoke": Write(CHAIRS),
    "POST api/wg/invitations/<invitation_id>/resend": Write(CHAIRS),
    "GET api/wg/me/notification-preferences": LOGGED_IN,
    "PUT api/wg/me/notification-preferences": Write(LOGGED_IN),
    # API: roadmap
    "GET api/roadmap/overview": PUBLIC,  # as /roadmap/
    "GET api/roadmap/suite": PUBLIC,  # as /roadmap/benchmarks/
    "GET api/roadmap/benchmarks/<slug>": PUBLIC,  # as the benchmark's page
    "GET api/roadmap/compare": PUBLIC,  # as /roadmap/compare/
    "GET api/roadmap/rounds": PUBLIC,  # as /roadmap/rounds/
    "POST api/roadmap/rounds": Write(CHAIRS),
    "GET api/roadmap/rounds/<name>": PUBLIC,  # as the round's schedule
    "POST api/roadmap/rounds/<name>/transition": Write(CHAIRS),
    "POST api/roadmap/rounds/<name>/reschedule": Write(CHAIRS),
    "PATCH api/roadmap/rounds/<name>/milestones/<pk>": Write(CHAIRS),
    "GET api/roadmap/proposals": PUBLIC,  # non-draft proposals
    "POST api/roadmap/proposals": Write(MEMBERS),
    "GET api/roadmap/proposals/<pk>": PUBLIC,  # a submitted proposal (a draft: EMBARGOED)
    "PUT api/roadmap/proposals/<pk>": Write(CHAIRS),
    "POST api/roadmap/proposals/<pk>/transition": Write(CHAIRS),
    "POST api/roadmap/proposals/<pk>/decision": Write(CHAIRS),
    "POST api/roadmap/proposals/<pk>/votes": Write(CHAIRS),
    "POST api/roadmap/proposals/<pk>/comments": Write(MEMBERS),
    "POST api/roadmap/proposals/<pk>/concerns": Write(MEMBERS),
    "POST api/roadmap/concerns/<pk>/resolve": Write(CHAIRS),
    "POST api/roadmap/proposals/<pk>/links": Write(CHAIRS),
    "PUT api/roadmap/proposals/<pk>/watch": Write(MEMBERS),
    "GET api/roadmap/votes/<pk>": PUBLIC,  # as the vote's page
    "POST api/roadmap/votes/<pk>/ballots": Write(MEMBERS),
    "POST api/roadmap/votes/<pk>/close": Write(CHAIRS),
    "POST api/roadmap/votes/<pk>/conclude": Write(CHAIRS),
    "POST api/roadmap/votes/<pk>/cancel": Write(CHAIRS),
    "GET api/roadmap/decisions": PUBLIC,  # as /roadmap/decisions/
    "GET api/roadmap/decisions/<reference>": PUBLIC,  # as the decision's page
    # API: rules
    "GET api/rules/": PUBLIC,  # public rule documents
    "GET api/rules/<document>/revisions": PUBLIC,  # a public rule document
    "POST api/rules/<document>/revisions": Write(CHAIRS),
    "GET api/rules/<document>/revisions/<n>": PUBLIC,  # a public rule document
    "GET api/rules/<document>/diff/<a>/<b>": PUBLIC,  # a public rule document
    "GET api/rules/<document>/sections/<anchor>": PUBLIC,  # a public rule document
    "GET api/rules/<document>/drafts": PUBLIC,  # a list: FILTERED
    "GET api/rounds/<name>/rules": PUBLIC,  # a round's frozen public rules
    "POST api/rounds/<name>/rules/freeze": Write(CHAIRS),
    "PUT,PATCH,DELETE api/rounds/<name>/rules/freeze": Write(CHAIRS),
    "GET api/rounds/<name>/rules/changes": PUBLIC,  # public rules compared
    "GET api/rounds/<name>/rules/exceptions": PUBLIC,  # the public register
    "POST api/rounds/<name>/rules/exceptions": Write(CHAIRS),
    "GET api/rules/exceptions": PUBLIC,  # the public register
    # API: submissions
    "GET api/rounds": PUBLIC,  # as /rounds/
    "GET api/rounds/<name>": PUBLIC,  # as the round's page
    "POST api/rounds/<name>/submissions/<org>/versions": Write(OWNER),
    "GET api/rounds/<name>/submissions/<org>/versions": CHAIRS,  # embargoed, in review
    "GET api/rounds/<name>/submissions/<org>/versions/<number>": CHAIRS,  # embargoed, in review
    "GET api/rounds/<name>/objections": LOGGED_IN,  # a list: FILTERED
    "POST api/rounds/<name>/objections": Write(OWNER),
    "POST api/rounds/<name>/objections/<pk>/cosign": Write(OWNER),
    "POST api/rounds/<name>/objections/<pk>/withdraw": Write(OWNER),
    "POST api/rounds/<name>/objections/<pk>/acknowledge": Write(OWNER),
    "POST api/rounds/<name>/objections/<pk>/decision": Write(CHAIRS),
    "GET api/rounds/<name>/assignments": LOGGED_IN,  # a list: FILTERED
    "POST api/rounds/<name>/assignments": Write(CHAIRS),
    "DELETE api/rounds/<name>/assignments/<int:pk>": Write(CHAIRS),
    "POST api/rounds/<name>/assignments/compute": Write(CHAIRS),
    "GET api/rounds/<name>/result-changes": LOGGED_IN,  # a list: FILTERED
    "POST api/rounds/<name>/result-changes": Write(OWNER),
    "POST api/rounds/<name>/result-changes/<int:pk>/cancel": Write(OWNER),
    "GET api/rounds/<name>/borrowing": LOGGED_IN,  # a list: FILTERED
    "POST api/rounds/<name>/borrowing": Write(OWNER),
    "GET api/rounds/<name>/publication": CHAIRS,
    "POST api/rounds/<name>/publish": Write(CHAIRS),
    "GET api/results/<name>": PUBLIC,  # a published round (the embargoed one: EMBARGOED)
    # API: runners
    "GET api/runner/benchmarks": MEMBERS,
    "GET api/runner/workers": MEMBERS,
    "POST api/runner/workers/<name>/mode": Write(CHAIRS),
    "POST api/runs": Write(MEMBERS),
    "GET api/runs": MEMBERS,
    "GET api/runs/<run_id>": MEMBERS,
    "GET api/runs/<run_id>/log": MEMBERS,
    "POST api/runs/<run_id>/cancel": Write(CHAIRS),  # and whoever queued it
}

# --- The value of every path parameter: route -> parameter -> key of the seeded world ---------
_REVIEW = {"name": "round_review"}  # the embargoed round in review
_VERSION = {**_REVIEW, "org": "org", "number": "version"}
_PUBLISHED_SYSTEM = {"name": "round_published", "org": "org", "system": "system"}
_DOCUMENT = {"document": "document"}
PARAMS: dict[str, dict[str, str]] = {
    "portal:round-dashboard": _REVIEW,
    "portal:registration-create": _REVIEW,
    "portal:registration-delete": {**_REVIEW, "org": "org_registered"},
    "portal:joint-create": _REVIEW,
    "portal:organization-detail": {"slug": "organization"},
    "submissions:round-detail": _REVIEW,
    "submissions:round-manage": _REVIEW,
    "submissions:round-publish": _REVIEW,
    "submissions:assignments-compute": _REVIEW,
    "submissions:assignment-add": _REVIEW,
    "submissions:assignment-remove": {**_REVIEW, "pk": "assignment"},
    "submissions:partner-add": _REVIEW,
    "submissions:version-upload": {**_REVIEW, "org": "org"},
    "submissions:objection-create": _REVIEW,
    "submissions:objection-decide": {**_REVIEW, "pk": "objection"},
    "submissions:objection-cosign": {**_REVIEW, "pk": "objection"},
    "submissions:objection-withdraw": {**_REVIEW, "pk": "objection"},
    "submissions:objection-acknowledge": {**_REVIEW, "pk": "objection"},
    "submissions:result-change-create": _REVIEW,
    "submissions:result-change-cancel": {**_REVIEW, "pk": "result_change"},
    "submissions:borrowing-create": _REVIEW,
    "submissions:submission-detail": {**_REVIEW, "org": "org"},
    "submissions:version-detail": _VERSION,
    "submissions:version-revalidate": _VERSION,
    "submissions:version-progress": _VERSION,
    "submissions:version-file": {**_VERSION, "path": "version_file"},
    "submissions:results-benchmark": {"benchmark": "benchmark_results"},
    "submissions:results-round": {"name": "round_published"},
    "submissions:results-export": {"name": "round_published", "fmt": "fmt"},
    "submissions:results-system": _PUBLISHED_SYSTEM,
    "submissions:results-file": {**_PUBLISHED_SYSTEM, "path": "version_file"},
    "wg:token-revoke": {"pk": "api_token"},
    "wg:unsubscribe": {"token": "unsubscribe_token"},
    "wg:invitation-accept": {"token": "invitation_token"},
    "wg:person-detail": {"slug": "person"},
    "wg:role-grant": {"slug": "person"},
    "wg:role-end": {"pk": "role"},
    "wg:invitation-revoke": {"pk": "invitation"},
    "wg:invitation-resend": {"pk": "invitation"},
    "wg:organization-edit": {"slug": "organization"},
    "wg:notification-retry": {"pk": "notification"},
    "meetings:resource-file": {"slug": "resource"},
    "roadmap:benchmark-detail": {"slug": "benchmark"},
    "roadmap:round-detail": {"name": "round_planned"},
    "roadmap:round-transition": {"name": "round_planned"},
    "roadmap:round-reschedule": {"name": "round_planned"},
    "roadmap:milestone-edit": {"name": "round_planned", "pk": "milestone"},
    "roadmap:proposal-detail": {"pk": "proposal"},
    "roadmap:proposal-edit": {"pk": "proposal"},
    "roadmap:proposal-transition": {"pk": "proposal"},
    "roadmap:proposal-decide": {"pk": "proposal"},
    "roadmap:vote-create": {"pk": "proposal"},
    "roadmap:link-create": {"pk": "proposal"},
    "roadmap:proposal-watch": {"pk": "proposal"},
    "roadmap:comment-create": {"pk": "proposal"},
    "roadmap:concern-create": {"pk": "proposal"},
    "roadmap:concern-resolve": {"pk": "concern"},
    "roadmap:vote-detail": {"pk": "vote"},
    "roadmap:ballot-create": {"pk": "vote"},
    "roadmap:vote-close": {"pk": "vote"},
    "roadmap:vote-conclude": {"pk": "vote"},
    "roadmap:vote-cancel": {"pk": "vote"},
    "roadmap:vote-tally-file": {"pk": "vote"},
    "roadmap:decision-detail": {"reference": "decision"},
    "roadmap:rules-round": {"name": "round_frozen"},
    "roadmap:rules-round-changes": {"name": "round_frozen"},
    "roadmap:rules-round-exceptions": {"name": "round_frozen"},
    "roadmap:rules-exception-create": {"name": "round_frozen"},
    "roadmap:rules-freeze": {"name": "round_planned"},
    "roadmap:rules-benchmark-exceptions": {"slug": "benchmark"},
    "roadmap:rules-document": _DOCUMENT,
    "roadmap:rules-compare": _DOCUMENT,
    "roadmap:rules-document-settings": _DOCUMENT,
    "roadmap:rules-revision": {**_DOCUMENT, "number": "revision"},
    "roadmap:rules-revision-source": {**_DOCUMENT, "number": "revision"},
    "roadmap:rules-section-edit": {**_DOCUMENT, "number": "revision", "anchor": "anchor"},
    "roadmap:rules-diff": {**_DOCUMENT, "a": "revision_old", "b": "revision"},
    "roadmap:rules-section": {**_DOCUMENT, "anchor": "anchor"},
    "roadmap:rules-draft": {**_DOCUMENT, "pk": "rule_draft"},
    "roadmap:rules-draft-section-edit": {**_DOCUMENT, "pk": "rule_draft", "anchor": "anchor"},
    "roadmap:rules-draft-upload": {**_DOCUMENT, "pk": "rule_draft"},
    "roadmap:rules-draft-publish": {**_DOCUMENT, "pk": "rule_draft"},
    "roadmap:rules-draft-discard": {**_DOCUMENT, "pk": "rule_draft"},
    "benchmarks_runner:run-detail": {"pk": "run"},
    "benchmarks_runner:run-progress": {"pk": "run"},
    "benchmarks_runner:run-log": {"pk": "run"},
    "benchmarks_runner:run-cancel": {"pk": "run"},
    "benchmarks_runner:host-detail": {"name": "host"},
    "benchmarks_runner:host-mode": {"name": "host"},
    "benchmarks_runner:benchmark-detail": {"slug": "runnable"},
    "benchmarks_runner:reproduce": {"score_id": "score"},
    "password_reset_confirm": {"uidb64": "uidb64", "token": "reset_token"},
    "GET api/wg/rounds/<name>/dashboard": _REVIEW,
    "GET api/wg/rounds/<name>/registrations": _REVIEW,
    "POST api/wg/rounds/<name>/registrations": _REVIEW,
    "DELETE api/wg/rounds/<name>/registrations/<org>": {**_REVIEW, "org": "org_registered"},
    "POST api/wg/rounds/<name>/joint-submissions": _REVIEW,
    "PATCH api/wg/organizations/<slug>": {"slug": "organization"},
    "GET api/wg/people/<slug>": {"slug": "person"},
    "POST api/wg/people/<slug>/roles": {"slug": "person"},
    "POST api/wg/roles/<role_id>/end": {"role_id": "role"},
    "POST api/wg/invitations/<invitation_id>/revoke": {"invitation_id": "invitation"},
    "POST api/wg/invitations/<invitation_id>/resend": {"invitation_id": "invitation"},
    "GET api/roadmap/benchmarks/<slug>": {"slug": "benchmark"},
    "GET api/roadmap/rounds/<name>": {"name": "round_planned"},
    "POST api/roadmap/rounds/<name>/transition": {"name": "round_planned"},
    "POST api/roadmap/rounds/<name>/reschedule": {"name": "round_planned"},
    "PATCH api/roadmap/rounds/<name>/milestones/<pk>": {
        "name": "round_planned",
        "pk": "milestone",
    },
    "GET api/roadmap/proposals/<pk>": {"pk": "proposal"},
    "PUT api/roadmap/proposals/<pk>": {"pk": "proposal"},
    "POST api/roadmap/proposals/<pk>/transition": {"pk": "proposal"},
    "POST api/roadmap/proposals/<pk>/decision": {"pk": "proposal"},
    "POST api/roadmap/proposals/<pk>/votes": {"pk": "proposal"},
    "POST api/roadmap/proposals/<pk>/comments": {"pk": "proposal"},
    "POST api/roadmap/proposals/<pk>/concerns": {"pk": "proposal"},
    "POST api/roadmap/concerns/<pk>/resolve": {"pk": "concern"},
    "POST api/roadmap/proposals/<pk>/links": {"pk": "proposal"},
    "PUT api/roadmap/proposals/<pk>/watch": {"pk": "proposal"},
    "GET api/roadmap/votes/<pk>": {"pk": "vote"},
    "POST api/roadmap/votes/<pk>/ballots": {"pk": "vote"},
    "POST api/roadmap/votes/<pk>/close": {"pk": "vote"},
    "POST api/roadmap/votes/<pk>/conclude": {"pk": "vote"},
    "POST api/roadmap/votes/<pk>/cancel": {"pk": "vote"},
    "GET api/roadmap/decisions/<reference>": {"reference": "decision"},
    "GET api/rules/<document>/revisions": _DOCUMENT,
    "POST api/rules/<document>/revisions": _DOCUMENT,
    "GET api/rules/<document>/revisions/<n>": {**_DOCUMENT, "n": "revision"},
    "GET api/rules/<document>/diff/<a>/<b>": {**_DOCUMENT, "a": "revision_old", "b": "revision"},
    "GET api/rules/<document>/sections/<anchor>": {**_DOCUMENT, "anchor": "anchor"},
    "GET api/rules/<document>/drafts": _DOCUMENT,
    "GET api/rounds/<name>/rules": {"name": "round_frozen"},
    "POST api/rounds/<name>/rules/freeze": {"name": "round_planned"},
    "PUT,PATCH,DELETE api/rounds/<name>/rules/freeze": {"name": "round_frozen"},
    "GET api/rounds/<name>/rules/changes": {"name": "round_frozen"},
    "GET api/rounds/<name>/rules/exceptions": {"name": "round_frozen"},
    "POST api/rounds/<name>/rules/exceptions": {"name": "round_frozen"},
    "GET api/rounds/<name>": _REVIEW,
    "POST api/rounds/<name>/submissions/<org>/versions": {**_REVIEW, "org": "org"},
    "GET api/rounds/<name>/submissions/<org>/versions": {**_REVIEW, "org": "org"},
    "GET api/rounds/<name>/submissions/<org>/versions/<number>": _VERSION,
    "GET api/rounds/<name>/objections": _REVIEW,
    "POST api/rounds/<name>/objections": _REVIEW,
    "POST api/rounds/<name>/objections/<pk>/cosign": {**_REVIEW, "pk": "objection"},
    "POST api/rounds/<name>/objections/<pk>/withdraw": {**_REVIEW, "pk": "objection"},
    "POST api/rounds/<name>/objections/<pk>/acknowledge": {**_REVIEW, "pk": "objection"},
    "POST api/rounds/<name>/objections/<pk>/decision": {**_REVIEW, "pk": "objection"},
    "GET api/rounds/<name>/assignments": _REVIEW,
    "POST api/rounds/<name>/assignments": _REVIEW,
    "DELETE api/rounds/<name>/assignments/<int:pk>": {**_REVIEW, "pk": "assignment"},
    "POST api/rounds/<name>/assignments/compute": _REVIEW,
    "GET api/rounds/<name>/result-changes": _REVIEW,
    "POST api/rounds/<name>/result-changes": _REVIEW,
    "POST api/rounds/<name>/result-changes/<int:pk>/cancel": {**_REVIEW, "pk": "result_change"},
    "GET api/rounds/<name>/borrowing": _REVIEW,
    "POST api/rounds/<name>/borrowing": _REVIEW,
    "GET api/rounds/<name>/publication": _REVIEW,
    "POST api/rounds/<name>/publish": _REVIEW,
    "GET api/results/<name>": {"name": "round_published"},
    "POST api/runner/workers/<name>/mode": {"name": "host"},
    "GET api/runs/<run_id>": {"run_id": "run"},
    "GET api/runs/<run_id>/log": {"run_id": "run"},
    "POST api/runs/<run_id>/cancel": {"run_id": "run"},
}

# The same routes on embargoed or confidential objects, where a leak would show: the results
# of the round in review (published to nobody yet) and a draft proposal (its author's and the
# chairs'). (route, parameters replaced, level)
EMBARGOED: list[tuple[str, dict[str, str], frozenset[str] | Write]] = [
    ("submissions:results-round", _REVIEW, OWNER),
    ("submissions:results-export", {**_REVIEW, "fmt": "fmt"}, OWNER),
    ("submissions:results-system", {**_REVIEW, "org": "org", "system": "system"}, OWNER),
    (
        "submissions:results-file",
        {**_REVIEW, "org": "org", "system": "system", "path": "version_file"},
        OWNER,
    ),
    ("GET api/results/<name>", _REVIEW, OWNER),
    ("roadmap:proposal-detail", {"pk": "proposal_draft"}, CHAIRS),
    ("GET api/roadmap/proposals/<pk>", {"pk": "proposal_draft"}, CHAIRS),
]

# Query strings some GET routes need to show anything.
QUERY: dict[str, str] = {
    "roadmap:rules-compare": "?a=1&b=2",
    "GET api/roadmap/compare": "?a=v5.1&b=v6.1",
}

# What a route answers when all is well, if not 200.
SUCCESS: dict[str, set[int]] = {
    "portal:healthz": {200, 503},  # 503: a queue has no live worker (none in this test)
    "api:api-root": {404},
}

# API lists that answer everyone and filter their rows: the roles that see rows; for the
# others the list must be empty.
FILTERED: dict[str, frozenset[str]] = {
    "GET api/rules/<document>/drafts": MEMBERS,
    "GET api/rounds/<name>/assignments": CHAIRS,  # the round's review committee
    "GET api/rounds/<name>/objections": CHAIRS,  # and the objections of one's organisation
    "GET api/rounds/<name>/result-changes": CHAIRS,  # and those of one's organisation
    "GET api/rounds/<name>/borrowing": CHAIRS,  # and those of one's organisation
}

# Writes whose refusal, for an empty body, is not a 401/403/404 because the view reads its
# input before it asks the permission (a 302 back to the form's page with the message, or an
# API 400/409), or shows a refused permission as a message on the page it came from. For
# these, a refused role must still get no 2xx and write nothing.
REFUSED_WITH_MESSAGE: dict[str, str] = {
    # The refusal (PermissionDenied is a DomainError) becomes a message on the page.
    "portal:registration-delete": "refusal shown as a message on the dashboard",
    "submissions:round-publish": "refusal shown as a message on the manage page",
    "submissions:version-upload": "refusal shown as a message on the round page",
    "submissions:objection-create": "refusal shown as a message on the round page",
    "submissions:objection-decide": "refusal shown as a message on the round page",
    "submissions:objection-cosign": "refusal shown as a message on the round page",
    "submissions:objection-withdraw": "refusal shown as a message on the round page",
    "submissions:objection-acknowledge": "refusal shown as a message on the round page",
    "submissions:result-change-create": "refusal shown as a message on the round page",
    "submissions:result-change-cancel": "refusal shown as a message on the round page",
    "submissions:borrowing-create": "refusal shown as a message on the round page",
    # roadmap's ``action``: an invalid form is a message before the service's 403.
    "roadmap:round-transition": "form checked before the permission",
    "roadmap:round-reschedule": "form checked before the permission",
    "roadmap:milestone-edit": "form checked before the permission",
    "roadmap:proposal-transition": "form checked before the permission",
    "roadmap:proposal-decide": "form checked before the permission",
    "roadmap:vote-create": "form checked before the permission",
    "roadmap:link-create": "form checked before the permission",
    "roadmap:comment-create": "form checked before the permission",
    "roadmap:concern-create": "form checked before the permission",
    "roadmap:ballot-create": "form checked before the permission",
    "roadmap:vote-cancel": "form checked before the permission",
    "roadmap:rules-draft-upload": "form checked before the permission",
    "benchmarks_runner:host-mode": "form checked before the permission",
    "POST api/wg/rounds/<name>/joint-submissions": "400: organisations checked first",
    "POST api/roadmap/rounds/<name>/transition": "409: the transition checked first",
    "POST api/roadmap/proposals/<pk>/transition": "409: the transition checked first",
    "POST api/roadmap/votes/<pk>/ballots": "400: the ballot checked first",
}

# GET routes whose chair's GET may be a 404, with why.
CHAIR_404: dict[str, str] = {
    "api:api-root": "django-ninja answers its root with a 404",
}

# Routes left out of this test, with why.
EXCLUDED_PREFIXES = ("admin/",)  # Django's admin guards itself (see test_admin_needs_a_login)


# --- Enumeration ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    url_name: str
    template: str  # "rounds/<str:name>/" with the converters of the pattern
    api_methods: tuple[str, ...] | None  # for django-ninja operations, their methods
    operation: Any = None
    path_has_get: bool = False  # another operation of the same API path answers GET

    @property
    def name(self) -> str:
        """A page by its URL name; an API operation (whose names repeat across routers) by
        its methods and path: ``GET api/rounds/<name>``."""
        if self.api_methods is None:
            return self.url_name
        return f"{','.join(self.api_methods)} {self.template}"

    @property
    def params(self) -> list[str]:
        return re.findall(r"<(?:\w+:)?(\w+)>", self.template)

    @property
    def is_api(self) -> bool:
        return self.api_methods is not None


def _ninja_operation(pattern: URLPattern, name: str) -> Any:
    """The django-ninja operation behind ``pattern`` named ``name`` (None for a page)."""
    for cell in getattr(pattern.callback, "__closure__", None) or ():
        path_view = cell.cell_contents
        operations = getattr(path_view, "operations", None)
        if operations is None:
            continue
        for operation in operations:
            if (getattr(operation, "url_name", None) or operation.view_func.__name__) == name:
                operation._path_has_get = any("GET" in op.methods for op in operations)
                return operation
        raise AssertionError(f"route {name}: no django-ninja operation of that name")
    return None


def _walk(resolver: URLResolver, prefix: str, namespace: str) -> Iterator[Route]:
    for pattern in resolver.url_patterns:
        if not isinstance(pattern.pattern, RoutePattern):
            raise AssertionError(f"{prefix}{pattern.pattern}: a regex pattern; list it by hand")
        template = prefix + str(pattern.pattern)
        if template.startswith(EXCLUDED_PREFIXES):
            continue
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from _walk(pattern, template, inner)
        else:
            assert pattern.name, f"{template}: a route without a name"
            operation = _ninja_operation(pattern, pattern.name)
            methods = tuple(operation.methods) if operation is not None else None
            has_get = bool(operation is not None and operation._path_has_get)
            yield Route(namespace + pattern.name, template, methods, operation, has_get)


def all_routes() -> list[Route]:
    seen: dict[str, Route] = {}
    for route in _walk(get_resolver(), "", ""):
        # django.contrib.auth.urls repeats login, logout and password_reset after the
        # project's own: the first pattern answers, the repeat is never reached.
        if route.name in seen:
            assert route.template == seen[route.name].template, f"{route.name} twice"
            continue
        seen[route.name] = route
    return list(seen.values())


ALL_ROUTES = all_routes()


# --- The seeded world, once per module --------------------------------------------------------


@dataclass
class World:
    users: dict[str, Any]
    values: dict[str, str]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[World]:
    """Built once inside a transaction that is rolled back at the end of the module; each
    test runs in a savepoint within it, so what a test writes is undone."""
    tmp = tmp_path_factory.mktemp("url-world")
    files = override_settings(
        SUBMISSIONS_ROOT=tmp / "store", MEDIA_ROOT=tmp / "media", RUNNER_ALLOW_TOKENLESS=True
    )
    with django_db_blocker.unblock(), files:
        outer = transaction.atomic()
        # Durable blocks of the services may nest in it as they do in a TestCase.
        outer._from_testcase = True
        outer.__enter__()
        try:
            users, values = build_world(tmp)
            yield World(users, values)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            connections.close_all()


# --- Requests and what they may answer ------------------------------------------------------

LOGIN_URL = "/accounts/login/"
PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


def _url(route: Route, params: dict[str, str], world: World) -> str:
    def value(match: re.Match[str]) -> str:
        param = match.group(1)
        key = params.get(param)
        assert key is not None, (
            f"route {route.name}: no value for parameter {param} — add one to PARAMS"
        )
        assert key in world.values, f"route {route.name}: the world has no {key!r}"
        return world.values[key]

    return "/" + PARAM.sub(value, route.template) + QUERY.get(route.name, "")


def _as(client: Any, world: World, role: str) -> Any:
    client.logout()
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


def _to_login(response: Any) -> bool:
    return response.status_code in (302, 303) and response["Location"].startswith(LOGIN_URL)


def _success(route: Route, response: Any) -> bool:
    if response.status_code in SUCCESS.get(route.name, {200}):
        return True
    return response.status_code in (302, 303) and not _to_login(response)


def _refused(route: Route, response: Any) -> bool:
    if route.is_api:
        return response.status_code in (401, 403, 404)
    return _to_login(response) or response.status_code in (403, 404)


class Writes:
    """Counts rows saved or deleted and audit events written while it is open."""

    IGNORED = frozenset({"sessions.session", "axes.accessattempt", "axes.accesslog"})

    def __enter__(self) -> Writes:
        self.rows: list[str] = []
        self.audit_before = AuditEvent.objects.count()
        post_save.connect(self._saved, weak=False)
        post_delete.connect(self._saved, weak=False)
        return self

    def _saved(self, sender: Any, instance: Any, **kwargs: Any) -> None:
        label = sender._meta.label_lower
        if label not in self.IGNORED:
            self.rows.append(f"{label} {instance.pk}")

    def __exit__(self, *exc: object) -> None:
        post_save.disconnect(self._saved)
        post_delete.disconnect(self._saved)
        events = AuditEvent.objects.count() - self.audit_before
        if events:
            self.rows.append(f"{events} audit event(s)")


def _dummy(annotation: Any) -> Any:
    """A value of the annotation's type, enough for the schema to accept it."""
    origin = getattr(annotation, "__origin__", None)
    if origin is list or annotation is list:
        return []
    if origin is dict or annotation is dict:
        return {}
    if origin is not None and str(origin) == "typing.Literal":
        return annotation.__args__[0]
    for kind, value in (
        (bool, True),
        (int, 1),
        (float, 1.0),
        (str, "x"),
    ):
        if annotation is kind:
            return value
    if annotation is date:
        return date.today().isoformat()
    if getattr(annotation, "__name__", "") == "datetime":
        return "2100-01-01T00:00:00Z"
    if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
        return _schema_body(annotation)
    return "x"


def _schema_body(model: Any) -> dict[str, Any]:
    return {
        name: _dummy(field.annotation)
        for name, field in model.model_fields.items()
        if field.is_required()
    }


def _write(client: Any, route: Route, url: str) -> Any:
    """An API write with the smallest body its schema accepts (an empty one would stop at
    validation, 422, before the handler's permission check); a page write with an empty
    body."""
    if not route.is_api:
        return client.post(url)
    method = route.api_methods[0].lower()
    json_body: Any = None
    form: dict[str, Any] = {}
    for model in route.operation.models:
        source = getattr(model, "__ninja_param_source__", None)
        for name, field in model.model_fields.items():
            if source == "body":
                json_body = _dummy(field.annotation)
            elif source == "file":
                form[name] = SimpleUploadedFile(f"{name}.txt", b"x")
            elif source == "form" and field.is_required():
                form[name] = _dummy(field.annotation)
    if form:
        return getattr(client, method)(url, form)
    return getattr(client, method)(
        url, json.dumps(json_body if json_body is not None else {}), content_type="application/json"
    )


def _case_id(case: tuple[Route, dict[str, str] | None, Any]) -> str:
    route, override, _ = case
    return route.name + (f" [{'/'.join(override.values())}]" if override else "")


def _cases() -> list[tuple[Route, dict[str, str] | None, Any]]:
    by_name = {route.name: route for route in ALL_ROUTES}
    cases: list[tuple[Route, dict[str, str] | None, Any]] = [
        (route, None, ROUTES.get(route.name)) for route in ALL_ROUTES
    ]
    for name, override, level in EMBARGOED:
        assert name in by_name, f"EMBARGOED names {name}, which is no route"
        cases.append((by_name[name], override, level))
    return cases


CASES = _cases()


def _get(client: Any, url: str, route: Route, role: str) -> Any:
    try:
        return client.get(url)
    except Exception as exc:  # the test client raises what a view raised: a 500
        raise AssertionError(f"route {route.name}: GET {url} as {role} raised {exc!r}") from exc


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_every_route_answers_each_role_as_its_level_says(client, world, case):
    route, override, level = case
    assert level is not None, f"route {route.name}: not in ROUTES — say who may use it"
    url = _url(route, override or PARAMS.get(route.name, {}), world)
    problems: list[str] = []
    writes_only = isinstance(level, Write)
    allowed = level.allowed if isinstance(level, Write) else level
    if route.is_api:
        assert writes_only == ("GET" not in route.api_methods), (
            f"route {route.name}: a Write in ROUTES exactly when it takes no GET"
        )
    for role in ROLES:
        if writes_only and route.path_has_get:
            # The GET of this path is a route of its own; here only the write is checked.
            problems += _check_write(_as(client, world, role), route, url, role, role in allowed)
            continue
        response = _get(_as(client, world, role), url, route, role)
        status = response.status_code
        if status >= 500 and status not in SUCCESS.get(route.name, ()):
            problems.append(f"{role}: GET {url} → {status}")
        elif writes_only:
            if status != 405 and not _refused(route, response):
                problems.append(f"{role}: GET {url} of a write-only route → {status}")
        elif role in allowed:
            if not _success(route, response):
                problems.append(f"{role} may: GET {url} → {status} {response.get('Location')}")
            elif route.name in FILTERED and role not in FILTERED[route.name] and response.json():
                problems.append(f"{role} sees rows of {url}: {response.json()}")
        elif not _refused(route, response):
            problems.append(f"{role} may not: GET {url} → {status} {response.get('Location')}")
        if (
            role == "chair"
            and "chair" in allowed
            and not writes_only
            and status == 404
            and route.name not in CHAIR_404
        ):
            problems.append(f"chair: GET {url} → 404; is the parameter real?")
        if writes_only or role not in allowed:
            problems += _check_write(client, route, url, role, role in allowed)
    assert not problems, f"route {route.name}:\n" + "\n".join(problems)


def _check_write(client: Any, route: Route, url: str, role: str, may: bool) -> list[str]:
    """A write by ``role``: refused (and nothing written) unless ``may``; never a 500."""
    if route.is_api and "GET" in route.api_methods:
        return []  # the write operations of this path are routes of their own
    try:
        with Writes() as writes, transaction.atomic():
            response = _write(client, route, url)
            transaction.set_rollback(True)
    except Exception as exc:
        return [f"{role}: write to {url} raised {exc!r}"]
    status = response.status_code
    if status >= 500:
        return [f"{role}: write to {url} → {status}"]
    if may:
        if _to_login(response) or status in (401, 403):
            return [f"{role} may: write to {url} → {status}"]
        return []
    problems = []
    refused = _refused(route, response) or (
        status == 405 and not isinstance(ROUTES.get(route.name), Write)
    )
    if not refused and route.name in REFUSED_WITH_MESSAGE:
        refused = status in (302, 400, 409)
    if not refused:
        problems.append(f"{role} may not: write to {url} → {status} {response.get('Location')}")
    if writes.rows:
        problems.append(f"{role} may not: write to {url} wrote {writes.rows}")
    return problems


def test_every_route_is_classified_and_every_table_entry_is_a_route():
    names = {route.name for route in ALL_ROUTES}
    assert not (missing := sorted(names - ROUTES.keys())), f"routes not in ROUTES: {missing}"
    assert not (stale := sorted(ROUTES.keys() - names)), f"ROUTES names no route: {stale}"
    for table in (PARAMS, QUERY, SUCCESS, FILTERED, REFUSED_WITH_MESSAGE, CHAIR_404):
        assert not (stale := sorted(table.keys() - names)), f"no such routes: {stale}"


def test_admin_needs_a_login(client, world):
    for role in ("anonymous", "outsider", "member_other", "chair"):
        response = _as(client, world, role).get("/admin/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"], role
