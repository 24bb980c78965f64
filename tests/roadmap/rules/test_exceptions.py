"""The exceptions register: granting an exception to a frozen round, and its refusals."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from core.errors import DomainError, PermissionDenied
from roadmap.models import Benchmark, Decision, RuleDocument, RuleException
from roadmap.selectors.round_rules import round_changes, round_rules, rule_exception_list
from roadmap.services.decisions import decision_record
from roadmap.services.rules.exceptions import rule_exception_grant
from wg.models import Person


@pytest.fixture
def asker(member):
    return Person.objects.get(user=member)


@pytest.fixture
def agreed(chair, frozen_round):
    return decision_record(
        actor=chair,
        outcome="accepted",
        method="consensus",
        title="GPT-OSS may bypass the RCP check in v9.0",
        text="Agreed at the meeting.",
        round=frozen_round,
    )


def grant(chair, round_, asker, **kw):
    values = {
        "actor": chair,
        "round": round_,
        "document": RuleDocument.objects.get(slug="training"),
        "section_anchor": "benchmarks",
        "text": "gpt_oss_20b joins the suite for this round.",
        "requested_by": asker,
    }
    values.update(kw)
    return rule_exception_grant(**values)


def test_an_exception_records_its_section_decision_requester_and_benchmark(
    frozen_round, chair, asker, agreed
):
    bench = Benchmark.objects.get(slug="llama31_8b")
    exception = grant(
        chair,
        frozen_round,
        asker,
        decision=agreed,
        benchmark=bench,
        requested_on=date(2026, 5, 1),
        later_revision=2,
    )
    assert exception.section_path == "Benchmarks" and exception.revision.number == 1
    assert exception.decision == agreed and exception.requested_by == asker
    assert exception.later_revision.number == 2 and exception.benchmark == bench
    assert list(rule_exception_list(user=None, round=frozen_round, benchmark=bench)) == [exception]


def test_an_exception_can_record_its_decision_with_it(frozen_round, chair, asker):
    exception = grant(chair, frozen_round, asker, decision_text="Agreed on the call.")
    decision = exception.decision
    assert decision.reference.startswith("D-") and decision.round == frozen_round
    assert decision.outcome == "accepted" and "Benchmarks" in decision.title


def test_an_exception_without_a_decision_is_refused_and_nothing_is_recorded(
    frozen_round, chair, asker
):
    with pytest.raises(DomainError, match="needs the decision that granted it"):
        grant(chair, frozen_round, asker)
    assert not RuleException.objects.exists() and not Decision.objects.exists()


def test_a_rejected_decision_grants_nothing(frozen_round, chair, asker):
    no = decision_record(
        actor=chair, outcome="rejected", method="consensus", title="No", text="Rejected."
    )
    with pytest.raises(DomainError, match="is rejected"):
        grant(chair, frozen_round, asker, decision=no)


def test_an_exception_names_a_section_of_the_frozen_revision(frozen_round, chair, asker, agreed):
    # The section exists in revision 2 only: the round is bound to revision 1.
    with pytest.raises(DomainError, match="has no section 'training-loop--deepseek-constraints'"):
        grant(
            chair,
            frozen_round,
            asker,
            decision=agreed,
            section_anchor=("training-loop--deepseek-constraints"),
        )


def test_a_round_whose_rules_are_not_frozen_gets_no_exception(
    catalogued_round, chair, asker, training
):
    with pytest.raises(DomainError, match="not frozen"):
        grant(chair, catalogued_round, asker, decision_text="x")


def test_a_benchmark_of_another_round_or_an_older_later_revision_is_refused(
    frozen_round, chair, asker, agreed
):
    other = Benchmark.objects.create(slug="not-in-round", name="X", task="x")
    with pytest.raises(DomainError, match=r"not a benchmark of v9\.0"):
        grant(chair, frozen_round, asker, decision=agreed, benchmark=other)
    with pytest.raises(DomainError, match="later than the frozen revision 1"):
        grant(chair, frozen_round, asker, decision=agreed, later_revision=1)


@pytest.mark.parametrize("role", ["member", "submitter_a", "outsider"])
def test_only_chairs_grant_exceptions(request, frozen_round, asker, agreed, role):
    with pytest.raises(PermissionDenied):
        grant(request.getfixturevalue(role), frozen_round, asker, decision=agreed)


def test_the_database_refuses_to_change_an_exception(frozen_round, chair, asker, agreed):
    exception = grant(chair, frozen_round, asker, decision=agreed)
    with pytest.raises(IntegrityError), transaction.atomic():
        RuleException.objects.filter(pk=exception.pk).update(text="Something else")


def test_the_rounds_rules_show_each_exception_beside_its_section(
    frozen_round, chair, asker, agreed
):
    exception = grant(chair, frozen_round, asker, decision=agreed)
    rules = round_rules(user=None, round=frozen_round)
    (training,) = rules.documents
    beside = {s.section.anchor: s.exceptions for s in training.sections}
    assert beside["benchmarks"] == (exception,)
    assert all(not e for anchor, e in beside.items() if anchor != "benchmarks")
    assert training.changed_since and training.latest.number == 2


def test_the_changes_since_the_freeze_carry_the_exceptions_on_their_sections(
    frozen_round, chair, asker, agreed
):
    on_renamed = grant(
        chair,
        frozen_round,
        asker,
        decision=agreed,
        section_anchor="benchmarks--benchmark-lifecycle",
    )
    on_benchmarks = grant(chair, frozen_round, asker, decision=agreed)
    on_overview = grant(chair, frozen_round, asker, decision=agreed, section_anchor="overview")
    (doc,) = round_changes(user=None, round=frozen_round)
    by_path = {c.path: c for c in doc.diff.changes}
    assert by_path["Benchmarks"].exceptions == (on_benchmarks,)
    renamed = by_path["Benchmarks > Lifecycle of a benchmark"]
    assert renamed.change == "renamed" and renamed.exceptions == (on_renamed,)
    assert doc.unmatched == (on_overview,)  # Overview did not change since the freeze


def test_an_exception_on_members_only_rules_keeps_their_section_out_of_the_public_decision(
    frozen_round, chair, asker, client
):
    RuleDocument.objects.filter(slug="training").update(public=False)
    exception = grant(chair, frozen_round, asker, decision_text="Agreed on the call.")
    decision = exception.decision
    # Decisions are a public register; the section's title belongs to the members.
    assert "Benchmarks" not in decision.title and frozen_round.name in decision.title
    for url in (decision.get_absolute_url(), "/roadmap/decisions/", "/api/roadmap/decisions"):
        response = client.get(url)
        assert response.status_code == 200 and b"Benchmarks" not in response.content, url
