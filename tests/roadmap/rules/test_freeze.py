"""Freezing a round's rules: the binding, its refusals, and what the database guards."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from core.errors import DomainError, InvalidTransition, PermissionDenied
from core.models import AuditEvent
from roadmap.models import FrozenRuleRevision, RoundRuleFreeze
from roadmap.rulesets import checker_version, known_rulesets, rcp_set
from roadmap.selectors.round_rules import round_ruleset
from roadmap.services.rules.freezes import rule_freeze_change, rule_freeze_create
from tests.roadmap.rules.conftest import V1, import_text


def test_a_freeze_binds_the_chosen_revisions_the_ruleset_and_its_rcp_set(
    catalogued_round, chair, training
):
    import_text(V1.replace("Test Training", "Submission"), document="submission")
    freeze = rule_freeze_create(
        actor=chair, round=catalogued_round, ruleset="6.0.0", revisions={"training": 1}
    )
    bound = {b.document.slug: b.revision.number for b in freeze.bindings.all()}
    assert bound == {"training": 1, "submission": 1}  # the others: their latest
    expected = rcp_set("6.0.0")
    assert (freeze.ruleset, freeze.rcp_set, freeze.rcp_digest) == (
        "6.0.0",
        "training_6.0.0",
        expected.digest,
    )
    assert "gpt_oss_20b" in freeze.rcp_benchmarks and len(freeze.rcp_digest) == 64
    assert freeze.checker_version == checker_version()
    assert freeze.frozen_by == chair
    event = AuditEvent.objects.get(action="round.rules_freeze")
    assert event.after["revisions"] == {"submission": 1, "training": 1}


def test_the_round_ruleset_is_the_frozen_one_once_frozen(catalogued_round, chair, training):
    assert round_ruleset(catalogued_round) == "6.1.0"
    rule_freeze_create(actor=chair, round=catalogued_round, ruleset="6.0.0")
    assert round_ruleset(catalogued_round) == "6.0.0"


def test_freezing_twice_is_refused_with_the_reason_and_changes_nothing(frozen_round, chair):
    with pytest.raises(InvalidTransition, match=r"frozen on .* a freeze never changes"):
        rule_freeze_create(actor=chair, round=frozen_round, revisions={"training": 2})
    freeze = RoundRuleFreeze.objects.get(round=frozen_round)
    assert freeze.bindings.get().revision.number == 1


def test_changing_a_frozen_binding_is_refused_with_the_reason(frozen_round, chair):
    with pytest.raises(InvalidTransition, match="a freeze never changes"):
        rule_freeze_change(actor=chair, round=frozen_round)


def test_a_ruleset_the_installed_package_does_not_ship_is_refused(
    catalogued_round, chair, training
):
    assert "9.9.9" not in known_rulesets()
    with pytest.raises(
        DomainError, match=r"'9.9.9' is not shipped by the installed mlperf-logging"
    ):
        rule_freeze_create(actor=chair, round=catalogued_round, ruleset="9.9.9")
    assert not RoundRuleFreeze.objects.exists()


def test_a_revision_that_does_not_exist_or_a_round_without_rules_is_refused(
    catalogued_round, chair, db
):
    with pytest.raises(DomainError, match="no published rules"):
        rule_freeze_create(actor=chair, round=catalogued_round)
    import_text(V1)
    with pytest.raises(DomainError, match="no published revision 5"):
        rule_freeze_create(actor=chair, round=catalogued_round, revisions={"training": 5})
    with pytest.raises(DomainError, match="no rule document 'nope'"):
        rule_freeze_create(actor=chair, round=catalogued_round, revisions={"nope": 1})
    assert not RoundRuleFreeze.objects.exists()


@pytest.mark.parametrize("role", ["member", "submitter_a", "outsider"])
def test_only_chairs_freeze(request, catalogued_round, training, role):
    with pytest.raises(PermissionDenied):
        rule_freeze_create(actor=request.getfixturevalue(role), round=catalogued_round)


def test_a_ruleset_without_rcps_freezes_with_no_rcp_set(catalogued_round, chair, training):
    old = min(known_rulesets(), key=lambda r: tuple(map(int, r.split("."))))
    assert rcp_set(old) is None
    freeze = rule_freeze_create(actor=chair, round=catalogued_round, ruleset=old)
    assert (freeze.rcp_set, freeze.rcp_digest, freeze.rcp_benchmarks) == ("", "", [])


def test_the_database_refuses_to_change_a_freeze_or_its_revisions(frozen_round, training):
    freeze = RoundRuleFreeze.objects.get(round=frozen_round)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoundRuleFreeze.objects.filter(pk=freeze.pk).update(ruleset="5.0.0")
    newer = training.revisions.get(number=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        FrozenRuleRevision.objects.filter(freeze=freeze).update(revision=newer)
    freeze.refresh_from_db()
    assert freeze.ruleset == "6.1.0"
    assert freeze.bindings.get().revision.number == 1


def test_a_bound_revision_cannot_be_deleted(frozen_round, training):
    with pytest.raises(ProtectedError), transaction.atomic():
        training.revisions.get(number=1).delete()
