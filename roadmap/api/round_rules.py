"""API: the rules of a round (``/api/rounds/{name}/rules``), its freeze, its changes since the
freeze, and the exceptions register per round and per benchmark (``/api/rules/exceptions``).

These paths sit beside the submissions' ``/api/rounds/{name}/…`` ones under the same prefix;
a test resolves every one of them to its own handler."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status

from core.errors import NotFound, PermissionDenied
from roadmap.api import rule_schemas as s
from roadmap.api.rules import exception_out
from roadmap.models import Benchmark, Round, RuleDocument
from roadmap.permissions import can_grant_exception
from roadmap.rule_inputs import decision_named
from roadmap.selectors import catalogue
from roadmap.selectors import round_rules as selectors
from roadmap.services.rules.exceptions import rule_exception_grant
from roadmap.services.rules.freezes import rule_freeze_change, rule_freeze_create
from wg.api_auth import auth_optional, auth_required
from wg.models import Person

router = Router(tags=["rules of a round"])


def _round_rules(request: HttpRequest, round_: Round) -> s.RoundRulesOut:
    rules = selectors.round_rules(user=request.user, round=round_, with_sections=False)
    freeze = rules.freeze
    return s.RoundRulesOut(
        round=round_.name,
        frozen=freeze is not None,
        frozen_at=freeze.frozen_at if freeze else None,
        frozen_by=freeze.frozen_by.username if freeze and freeze.frozen_by else None,
        ruleset=rules.ruleset,
        checker_version=freeze.checker_version if freeze else None,
        rcp_set=s.RcpSetOut(
            name=freeze.rcp_set, digest=freeze.rcp_digest, benchmarks=freeze.rcp_benchmarks
        )
        if freeze and freeze.rcp_set
        else None,
        revisions=[
            s.FrozenRevisionOut(
                document=d.document.slug,
                number=d.revision.number,
                title=d.revision.title,
                date=d.revision.date,
                url=d.revision.get_absolute_url(),
                latest=d.latest.number if d.latest else None,
            )
            for d in rules.documents
        ],
        exceptions=[exception_out(e) for e in rules.exceptions],
    )


@router.get("/rounds/{name}/rules", response=s.RoundRulesOut, auth=auth_optional)
def round_rules(request: HttpRequest, name: str) -> s.RoundRulesOut:
    """The frozen revisions, the ruleset, the RCP set and the exceptions in force (before
    the freeze: ``frozen`` is false and the latest revisions and the planned ruleset apply)."""
    return _round_rules(request, catalogue.round_get(name))


@router.post("/rounds/{name}/rules/freeze", response={201: s.RoundRulesOut}, auth=auth_required)
def round_rules_freeze(request: HttpRequest, name: str, payload: s.FreezeIn) -> Status:
    round_ = catalogue.round_get(name)
    rule_freeze_create(
        actor=request.user,
        round=round_,
        ruleset=payload.ruleset,
        revisions=payload.revisions,
        note=payload.note,
    )
    return Status(201, _round_rules(request, round_))


@router.api_operation(["PUT", "PATCH", "DELETE"], "/rounds/{name}/rules/freeze", auth=auth_required)
def round_rules_freeze_change(request: HttpRequest, name: str) -> None:
    """Always refused: a freeze never changes (409 saying so; 403 for non-chairs)."""
    rule_freeze_change(actor=request.user, round=catalogue.round_get(name))


@router.get("/rounds/{name}/rules/changes", response=list[s.DocumentChangesOut], auth=auth_optional)
def round_rules_changes(request: HttpRequest, name: str) -> list[s.DocumentChangesOut]:
    """Per frozen document, the sections changed since the freeze, with the round's
    exceptions on each (empty before the freeze)."""
    out = []
    round_ = catalogue.round_get(name)
    for d in selectors.round_changes(user=request.user, round=round_, with_text=False):
        changes = d.diff.changes if d.diff else ()
        out.append(
            s.DocumentChangesOut(
                document=d.document.slug,
                frozen=d.frozen.number,
                latest=d.latest.number,
                sections=[
                    s.ChangeOut(
                        path=c.path,
                        title=c.title,
                        anchor=c.anchor,
                        change=c.change,
                        old_path=c.old_path,
                        exceptions=[e.pk for e in c.exceptions],
                    )
                    for c in changes
                ],
            )
        )
    return out


@router.get("/rounds/{name}/rules/exceptions", response=list[s.ExceptionOut], auth=auth_optional)
def round_exceptions(request: HttpRequest, name: str, benchmark: str = "") -> list[s.ExceptionOut]:
    round_ = catalogue.round_get(name)
    bench = get_object_or_404(Benchmark, slug=benchmark) if benchmark else None
    rows = selectors.rule_exception_list(user=request.user, round=round_, benchmark=bench)
    return [exception_out(e) for e in rows]


@router.post("/rounds/{name}/rules/exceptions", response={201: s.ExceptionOut}, auth=auth_required)
def round_exception_grant(request: HttpRequest, name: str, payload: s.ExceptionIn) -> Status:
    if not can_grant_exception(request.user):  # before the names are looked up
        raise PermissionDenied("Only the working-group chairs grant exceptions.")
    round_ = catalogue.round_get(name)
    exception = rule_exception_grant(
        actor=request.user,
        round=round_,
        document=_named(RuleDocument, "slug", payload.document, "rule document"),
        section_anchor=payload.section,
        text=payload.text,
        requested_by=_named(Person, "slug", payload.requested_by, "person"),
        requested_on=payload.requested_on,
        benchmark=_named(Benchmark, "slug", payload.benchmark, "benchmark")
        if payload.benchmark
        else None,
        later_revision=payload.later_revision,
        decision=decision_named(payload.decision),
        decision_text=payload.decision_text,
    )
    return Status(201, exception_out(exception))


@router.get("/rules/exceptions", response=list[s.ExceptionOut], auth=auth_optional)
def exceptions(request: HttpRequest, benchmark: str = "", round: str = "") -> list[s.ExceptionOut]:
    """The register across rounds, for one benchmark and/or one round."""
    bench = get_object_or_404(Benchmark, slug=benchmark) if benchmark else None
    round_ = catalogue.round_get(round) if round else None
    rows = selectors.rule_exception_list(user=request.user, round=round_, benchmark=bench)
    return [exception_out(e) for e in rows]


def _named(model: type, field: str, value: str, what: str):  # type: ignore[no-untyped-def]
    row = model.objects.filter(**{field: value}).first()  # type: ignore[attr-defined]
    if row is None:
        raise NotFound(f"No {what} {value!r}.")
    return row
