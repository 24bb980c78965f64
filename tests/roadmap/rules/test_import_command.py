"""``python manage.py import_rules DOCUMENT FILE --message TEXT [--date YYYY-MM-DD]``."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from roadmap.models import Decision, RuleDocument, RuleRevision
from roadmap.services.decisions import decision_record
from tests.roadmap.rules.conftest import V1, V2


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_rules", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def files(tmp_path):
    (tmp_path / "v1.adoc").write_text(V1, encoding="utf-8")
    (tmp_path / "v2.adoc").write_text(V2, encoding="utf-8")
    return tmp_path


def test_it_creates_the_document_and_prints_the_new_revisions_number(db, files):
    out, err = run("training", str(files / "v1.adoc"), "--message", "v5.1", "--date", "2025-09-23")
    assert out.strip() == "1"
    assert "revision 1 of training (a new document)" in err and "7 sections" in err
    document = RuleDocument.objects.get(slug="training")
    assert document.title == "Test Training Rules"
    revision = document.revisions.get()
    assert (revision.message, revision.date) == ("v5.1", date(2025, 9, 23))
    out, _ = run("training", str(files / "v2.adoc"), "--message", "v6.0")
    assert out.strip() == "2"


def test_the_same_content_again_creates_nothing_and_says_so(db, files):
    run("training", str(files / "v1.adoc"), "--message", "first")
    out, _ = run("training", str(files / "v1.adoc"), "--message", "again")
    assert out.strip() == (f"Nothing imported: {files / 'v1.adoc'} equals revision 1 of training.")
    assert RuleRevision.objects.count() == 1


@pytest.mark.parametrize(
    "content,reason",
    [
        (b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)), "is not UTF-8 text"),
        (
            b"= Rules\n\x00\x01\x02",
            r"is not a text file: it holds the control character U\+0000 on line 2",
        ),
    ],
)
def test_a_file_that_is_not_text_is_a_clear_error_naming_it(db, tmp_path, content, reason):
    path = tmp_path / "rules.bin"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=reason) as error:
        run("training", str(path), "--message", "x")
    assert error.value.returncode == 2 and str(path) in str(error.value)
    assert not RuleDocument.objects.exists()


def test_a_missing_file_bad_date_or_unknown_decision_is_a_clear_error(db, files):
    with pytest.raises(CommandError, match="cannot be read"):
        run("training", str(files / "missing.adoc"), "--message", "x")
    with pytest.raises(CommandError, match="not a date like"):
        run("training", str(files / "v1.adoc"), "--message", "x", "--date", "23/09/2025")
    with pytest.raises(CommandError, match="no decision 'D-2026-999'"):
        run("training", str(files / "v1.adoc"), "--message", "x", "--decision", "D-2026-999")
    assert not RuleRevision.objects.exists()


def test_a_revision_can_cite_its_decision_and_a_new_document_can_be_members_only(db, files, chair):
    decision = decision_record(
        actor=chair, outcome="accepted", method="consensus", title="New rules", text="."
    )
    run(
        "internal",
        str(files / "v1.adoc"),
        "--message",
        "x",
        "--decision",
        decision.reference,
        "--private",
    )
    revision = RuleRevision.objects.get(document__slug="internal")
    assert revision.decision == Decision.objects.get() and not revision.document.public
