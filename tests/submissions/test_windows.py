"""The window's phases by the server clock, and extensions."""

from datetime import UTC, datetime, timedelta

import pytest

from core.errors import DomainError, PermissionDenied
from submissions.models import SubmissionWindow
from submissions.phases import Phase, window_state
from submissions.services.windows import extension_grant, window_save

DEADLINE = datetime(2026, 10, 16, 20, 0, tzinfo=UTC)  # 13:00 Pacific


@pytest.fixture
def window(round_open):
    w = round_open.window
    w.opens_at, w.deadline, w.review_ends_at = (
        DEADLINE - timedelta(days=14),
        DEADLINE,
        DEADLINE + timedelta(days=21),
    )
    w.save()
    return w


@pytest.mark.parametrize(
    "offset,phase",
    [
        (timedelta(days=-15), Phase.NOT_OPEN),
        (timedelta(days=-1), Phase.OPEN),
        (timedelta(0), Phase.OPEN),
        (timedelta(minutes=59), Phase.GRACE),
        (timedelta(minutes=60), Phase.GRACE),
        (timedelta(minutes=61), Phase.REVIEW),
        (timedelta(days=22), Phase.CLOSED),
    ],
)
def test_phase_follows_the_server_clock(window, offset, phase):
    assert window_state(window, organization_id=None, now=DEADLINE + offset).phase == phase


def test_an_extension_keeps_one_organisation_open_after_the_grace_period(window, chair, acme, amd):
    extension_grant(
        actor=chair,
        window=window,
        organization=acme,
        until=DEADLINE + timedelta(hours=48),
        reason="Power outage at the data centre",
    )
    later = DEADLINE + timedelta(hours=24)
    assert window_state(window, organization_id=acme.pk, now=later).phase == Phase.EXTENDED
    assert window_state(window, organization_id=amd.pk, now=later).phase == Phase.REVIEW


def test_an_extension_beyond_72_hours_is_refused(window, chair, acme):
    with pytest.raises(DomainError, match="at most 72 hours"):
        extension_grant(
            actor=chair,
            window=window,
            organization=acme,
            until=DEADLINE + timedelta(hours=73),
            reason="x",
        )


def test_an_extension_needs_a_reason_and_a_chair(window, chair, member, acme):
    with pytest.raises(DomainError, match="reason"):
        extension_grant(
            actor=chair,
            window=window,
            organization=acme,
            until=DEADLINE + timedelta(hours=1),
            reason=" ",
        )
    with pytest.raises(PermissionDenied):
        extension_grant(
            actor=member,
            window=window,
            organization=acme,
            until=DEADLINE + timedelta(hours=1),
            reason="x",
        )


def test_only_chairs_plan_windows_and_the_order_of_dates_is_checked(round_open, chair, member):
    with pytest.raises(PermissionDenied):
        window_save(
            actor=member,
            round=round_open,
            opens_at=DEADLINE,
            deadline=DEADLINE + timedelta(days=1),
            review_ends_at=DEADLINE + timedelta(days=2),
        )
    with pytest.raises(DomainError):
        window_save(
            actor=chair,
            round=round_open,
            opens_at=DEADLINE,
            deadline=DEADLINE - timedelta(days=1),
            review_ends_at=DEADLINE + timedelta(days=2),
        )
    window_save(
        actor=chair,
        round=round_open,
        opens_at=DEADLINE,
        deadline=DEADLINE + timedelta(days=1),
        review_ends_at=DEADLINE + timedelta(days=2),
    )
    assert SubmissionWindow.objects.get(round=round_open).deadline == DEADLINE + timedelta(days=1)
