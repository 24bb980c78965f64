"""Importing revisions and editing sections, through the services."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from core.errors import DomainError, PermissionDenied
from core.models import AuditEvent
from roadmap.models import RuleDocument, RuleRevision
from roadmap.rules import content_hash
from roadmap.services.rules.revisions import rule_revision_import, rule_section_edit
from tests.roadmap.rules.conftest import V1, V2, import_text


def test_an_import_creates_the_document_titled_from_the_file_and_numbers_the_revision(db):
    result = rule_revision_import(actor=None, document="training", source=V1, message="first")
    assert result.created_document and result.revision.number == 1
    document = RuleDocument.objects.get(slug="training")
    assert document.title == "Test Training Rules" and document.public
    revision = result.revision
    assert revision.content_hash == content_hash(V1)
    assert revision.source == V1 and revision.status == "published"
    assert [s.path for s in revision.sections.all()] == [
        "(preamble)",
        "Overview",
        "Benchmarks",
        "Benchmarks > Benchmark Lifecycle",
        "Training Loop",
        "Training Loop > Hyperparameters",
        "Appendix: v5.1 Specific Rules",
    ]
    hyper = revision.sections.get(anchor="training-loop--hyperparameters")
    assert (hyper.number, hyper.level, hyper.title) == ("3.1.", 2, "Hyperparameters")
    assert 'id="training-loop--hyperparameters"' in hyper.html
    assert "learning rate schedule" in hyper.html
    assert AuditEvent.objects.filter(action="rule_revision.create").count() == 1


def test_the_next_import_is_the_next_number_and_the_same_text_creates_nothing(db):
    import_text(V1)
    second = rule_revision_import(actor=None, document="training", source=V2, message="v6.0")
    assert second.revision.number == 2 and second.latest.number == 1
    again = rule_revision_import(actor=None, document="training", source=V2, message="again")
    assert again.unchanged and again.revision is None and again.latest.number == 2
    assert RuleRevision.objects.count() == 2


def test_text_that_differs_only_in_bytes_is_a_new_revision_but_the_same_bytes_are_not(db):
    import_text(V1)
    assert rule_revision_import(
        actor=None, document="training", source=V1.encode(), message="same bytes"
    ).unchanged
    assert import_text(V1 + "\n").number == 2


@pytest.mark.parametrize(
    "data,reason",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not UTF-8 text"),
        (b"= Title\n\nA NUL \x00 byte\n", "not a text file"),
        (b"   \n\n", "empty"),
    ],
)
def test_a_file_that_is_not_text_is_refused_and_nothing_is_created(db, data, reason):
    with pytest.raises(DomainError, match=reason):
        rule_revision_import(
            actor=None, document="training", source=data, message="x", file_name="rules.adoc"
        )
    assert not RuleDocument.objects.exists() and not RuleRevision.objects.exists()


@pytest.mark.parametrize("slug", ["Training", "train ing", "../etc", "upload", "rounds", ""])
def test_a_document_name_that_is_not_a_slug_or_names_a_page_is_refused(db, slug):
    with pytest.raises(DomainError):
        rule_revision_import(actor=None, document=slug, source=V1, message="x")


def test_a_revision_needs_a_message(db):
    with pytest.raises(DomainError, match="message"):
        rule_revision_import(actor=None, document="training", source=V1, message="  ")


def test_only_chairs_import(db, member, chair):
    with pytest.raises(PermissionDenied):
        rule_revision_import(actor=member, document="training", source=V1, message="x")
    assert rule_revision_import(actor=chair, document="training", source=V1, message="x").revision


def test_the_document_takes_the_title_of_its_latest_revision(db):
    import_text(V1)
    import_text(V1.replace("= Test Training Rules", "= Training Rules, renamed"))
    assert RuleDocument.objects.get().title == "Training Rules, renamed"


def test_editing_a_section_creates_a_revision_with_only_that_section_replaced(training, chair):
    latest = training.revisions.get(number=2)
    text = "=== Hyperparameters\r\n\r\nNothing may be tuned.\r\n"  # as a browser sends it
    edited = rule_section_edit(
        actor=chair,
        revision=latest,
        anchor="training-loop--hyperparameters",
        text=text,
        message="Freeze the hyperparameters",
    )
    assert edited.number == 3
    assert "\r" not in edited.source
    before = {s.anchor: s.comparable_hash for s in latest.sections.all()}
    after = {s.anchor: s.comparable_hash for s in edited.sections.all()}
    changed = {a for a in after if before.get(a) != after[a]}
    assert changed == {"training-loop--hyperparameters"}
    assert "Nothing may be tuned." in edited.sections.get(anchor=next(iter(changed))).html
    # The next heading is still a heading: the edit kept the line ending before it.
    assert edited.sections.filter(anchor="training-loop--deepseek-constraints").exists()


def test_an_edit_that_changes_nothing_or_names_no_section_is_refused(training, chair):
    latest = training.revisions.get(number=2)
    with pytest.raises(DomainError, match="unchanged"):
        rule_section_edit(
            actor=chair,
            revision=latest,
            anchor="overview",
            text="== Overview\n\nThe   overview of the rules.\n",
            message="white space only",
        )
    with pytest.raises(DomainError, match="no section"):
        rule_section_edit(actor=chair, revision=latest, anchor="nope", text="x", message="x")
    assert training.revisions.count() == 2


def test_an_edit_made_on_an_older_revision_is_refused_so_later_changes_are_kept(training, chair):
    older = training.revisions.get(number=1)
    with pytest.raises(DomainError, match="Revision 2 was published after revision 1"):
        rule_section_edit(
            actor=chair,
            revision=older,
            anchor="overview",
            text="== Overview\n\nNew.\n",
            message="x",
        )
    assert training.revisions.count() == 2


def test_editing_the_preamble_keeps_the_title_line(training, chair):
    edited = rule_section_edit(
        actor=chair,
        revision=training.revisions.get(number=2),
        anchor="preamble",
        text=":sectnums:\n\nVersion 3.\n\n",
        message="date line",
    )
    assert edited.source.startswith("= Test Training Rules\n:sectnums:\n\nVersion 3.\n")
    assert edited.title == "Test Training Rules"


def test_members_do_not_edit_sections(training, member):
    with pytest.raises(PermissionDenied):
        rule_section_edit(
            actor=member,
            revision=training.revisions.get(number=2),
            anchor="overview",
            text="== Overview\n\nMine.\n",
            message="x",
        )


def test_the_database_refuses_to_change_a_published_revisions_text(training):
    revision = training.revisions.get(number=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        RuleRevision.objects.filter(pk=revision.pk).update(source="= Rewritten history\n")
    with pytest.raises(IntegrityError), transaction.atomic():
        RuleRevision.objects.filter(pk=revision.pk).update(number=7)
    # What is computed from the text may be stored again (a newer renderer, say).
    RuleRevision.objects.filter(pk=revision.pk).update(renderer="asciidoctor (re-rendered)")
