"""The mailing list: announcements archived, sent once per event even when two processes
announce it at the same moment, and archived unsent when no list address is configured."""

import threading

import pytest
from django.core import mail
from django.db import close_old_connections

from core.errors import PermissionDenied
from wg.models import Announcement, Notification, NotificationStatus
from wg.notifications.announcements import announcement_send


@pytest.mark.django_db
def test_a_chair_writes_to_the_list_and_members_read_the_archive(
    client, chair, member, outsider, settings, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        announcement_send(actor=chair, subject="Agenda  for Thursday", body="1. Rules\n2. Votes")
    (message,) = mail.outbox
    assert message.to == [settings.WG_MAILING_LIST] and message.subject == "Agenda for Thursday"
    client.force_login(member)
    assert "1. Rules" in client.get("/wg/announcements/").content.decode()
    with pytest.raises(PermissionDenied):
        announcement_send(actor=member, subject="Mine", body="x")


@pytest.mark.django_db
def test_the_archive_shows_what_the_service_announced_by_itself(client, member):
    # Window openings and publications are announced by beat and services, with no author.
    announcement_send(
        actor=None, event_key="submission.window:open:v9.9", subject="v9.9 is open", body="Go"
    )
    client.force_login(member)
    response = client.get("/wg/announcements/")
    assert response.status_code == 200
    assert "v9.9 is open" in response.content.decode()
    assert "the service" in response.content.decode()


@pytest.mark.django_db
def test_without_a_list_address_it_is_archived_and_marked_not_sent(chair, settings):
    settings.WG_MAILING_LIST = ""
    announcement = announcement_send(actor=chair, subject="Hello", body="Text")
    assert announcement.list_address == ""
    assert announcement.notification.status == NotificationStatus.SKIPPED


@pytest.mark.django_db(transaction=True)
def test_two_processes_announcing_one_event_at_once_send_it_once():
    barrier, errors = threading.Barrier(2), []

    def announce():
        try:
            barrier.wait()
            announcement_send(actor=None, subject="Round open", body="Go", event_key="round-open")
        except Exception as exc:  # pragma: no cover - the failure this test is about
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=announce) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Announcement.objects.count() == 1 and Notification.objects.count() == 1
