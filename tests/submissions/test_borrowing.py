"""Hyperparameter borrowing is declared by the borrowing submitter, before its deadline."""

from datetime import timedelta

import pytest

from core.errors import DomainError, PermissionDenied
from submissions.models import HyperparameterBorrowing
from submissions.services.own_results import borrowing_declare
from tests.submissions.conftest import close_window

pytestmark = pytest.mark.usefixtures("eager", "submissions_root")


def test_a_submitter_declares_borrowing_until_the_deadline(
    submitted, acme, amd, acme_submitter, amd_submitter
):
    with pytest.raises(PermissionDenied):  # review has not begun
        borrowing_declare(
            actor=acme_submitter, round=submitted, organization=acme,
            benchmark="llama2_70b_lora", borrowed_from=amd, description="lr schedule",
        )  # fmt: skip
    close_window(submitted)
    declared = borrowing_declare(
        actor=acme_submitter, round=submitted, organization=acme,
        benchmark="llama2_70b_lora", borrowed_from=amd, description="lr schedule",
    )  # fmt: skip
    assert declared.borrowed_from == amd
    with pytest.raises(PermissionDenied):  # only for one's own organisation
        borrowing_declare(
            actor=amd_submitter, round=submitted, organization=acme,
            benchmark="llama2_70b_lora", borrowed_from=amd, description="x",
        )  # fmt: skip
    with pytest.raises(DomainError, match="no retinanet result"):
        borrowing_declare(
            actor=acme_submitter, round=submitted, organization=acme,
            benchmark="retinanet", borrowed_from=amd, description="x",
        )  # fmt: skip
    late = submitted.window.borrowing_closes_at + timedelta(seconds=1)
    with pytest.raises(PermissionDenied, match="until its deadline"):
        borrowing_declare(
            actor=acme_submitter, round=submitted, organization=acme,
            benchmark="llama2_70b_lora", borrowed_from=amd, description="late", now=late,
        )  # fmt: skip


def test_borrowing_through_the_round_page(client, submitted, acme_submitter, amd_submitter):
    close_window(submitted)
    client.force_login(acme_submitter)
    page = client.get("/rounds/v5.1/").content.decode()
    assert "Declare borrowing for Acme" in page
    client.post(
        "/rounds/v5.1/borrowing/",
        {"organization": "acme", "benchmark": "llama2_70b_lora", "borrowed_from": "amd",
         "description": "warm-up steps"},
    )  # fmt: skip
    assert HyperparameterBorrowing.objects.get().description == "warm-up steps"
    client.force_login(amd_submitter)
    assert "warm-up steps" in client.get("/rounds/v5.1/").content.decode()
