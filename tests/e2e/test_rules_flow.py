"""The rules in a real browser: a chair imports the 2025 training rules, then the 2026 ones,
freezes round v6.0 on the 2025 text, grants an exception on one section, and sees the changes
since the freeze with the exception beside its section (skipped without the rules corpus)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from roadmap.models import RoundRuleFreeze, RuleException
from tests.e2e.conftest import login
from tests.factories import OrganizationFactory, person_with_role
from tests.roadmap.rules.corpus import RULES_CORPUS, TRAINING_2025, TRAINING_2026, corpus_text
from wg.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def the_chair(transactional_db):
    corpus_text(TRAINING_2025)  # skips, saying why, without the corpus
    call_command("load_catalogue", stdout=open("/dev/null", "w"))  # noqa: SIM115
    org = OrganizationFactory(name="Chair Org", slug="chair-org")
    return person_with_role(Role.CHAIR, org, username="the-chair")


def _import(page, url, name, message, day):
    page.goto(f"{url}/rules/upload/")
    page.fill("#id_document", "training")
    page.set_input_files("#id_file", str(RULES_CORPUS / name))
    page.fill("#id_message", message)
    page.fill("#id_date", day)
    page.click("[data-testid=upload-form] button[type=submit]")
    page.wait_for_selector("[data-testid=toc]")


def test_a_chair_imports_freezes_grants_an_exception_and_sees_the_changes_since(
    page, live_server, the_chair
):
    url = live_server.url
    login(page, live_server, "the-chair")

    # The 2025 rules, then the 2026 ones: two revisions, numbered, with their contents.
    _import(page, url, TRAINING_2025, "In force for v5.1", "2025-09-23")
    assert "Revision 1" in page.text_content("main")
    assert "9.1. Hyperparameters" in page.text_content("[data-testid=toc]")
    _import(page, url, TRAINING_2026, "In force for v6.0, with its late appendix", "2026-05-08")
    assert "Revision 2" in page.text_content("main")
    assert "Appendix: v6.0 Specific Rules" in page.text_content("[data-testid=toc]")

    # Freeze v6.0 on the 2025 text, with the 6.0.0 ruleset and its RCPs.
    page.goto(f"{url}/rules/rounds/v6.0/")
    page.click("text=Freeze the rules of v6.0")
    page.select_option("#id_ruleset", "6.0.0")
    page.select_option("#id_revision_training", "1")
    page.fill("#id_note", "Frozen at T-4 weeks")
    page.click("[data-testid=freeze-form] button[type=submit]")
    page.wait_for_selector("[data-testid=freeze]")
    assert page.text_content("[data-testid=ruleset]") == "6.0.0"
    assert page.text_content("[data-testid=rcp-set]") == "training_6.0.0"
    assert RoundRuleFreeze.objects.get().bindings.get().revision.number == 1

    # Grant an exception on the Benchmarks section, recording its decision with it.
    page.click("text=Grant an exception")
    page.select_option("#id_section", "training:benchmarks")
    page.select_option("#id_requested_by", the_chair.slug)
    page.fill("#id_text", "**gpt_oss_20b** joins v6.0, as in the rules of 2026-05-08.")
    page.fill("#id_later_revision", "2")
    page.fill(
        "#id_decision_text", "Agreed at the meeting of 2026-05-07, a week before the deadline."
    )
    page.click("[data-testid=exception-form] button[type=submit]")
    beside = page.locator("section[data-anchor=benchmarks] aside [data-testid=exception]")
    beside.wait_for()
    assert "gpt_oss_20b joins v6.0" in beside.text_content()
    exception = RuleException.objects.get()
    assert exception.decision.reference in beside.text_content()
    # Sections without an exception have none beside them.
    assert page.locator("section[data-anchor=overview] aside [data-testid=exception]").count() == 0

    # The changes since the freeze: the late appendix, and the exception beside Benchmarks.
    page.click("[data-testid=changes-link]")
    page.wait_for_selector("[data-testid=changes-training]")
    added = page.locator("[data-testid=changes-training] [data-change=added] h3")
    assert any("Appendix: v6.0 Specific Rules" in t for t in added.all_text_contents())
    benchmarks = page.locator("#change-benchmarks")
    assert benchmarks.get_attribute("data-change") == "modified"
    assert "gpt_oss_20b joins v6.0" in benchmarks.locator("aside").text_content()
    assert "Object detection" in benchmarks.locator("table.rules-diff").text_content()
    page.click("text=side by side")
    page.wait_for_selector("#change-benchmarks table.rules-diff-side")
