"""Accounts: inviting the chairs after the first start, password reset through the outbox,
password change, and the account page."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from wg.models import Invitation, Notification, NotificationStatus, Person

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parents[2] / "data" / "working_group.yaml"


def _load() -> str:
    out = StringIO()
    call_command("load_wg_data", file=DATA, stdout=out)
    return out.getvalue()


def test_loading_the_data_says_how_to_invite_the_chairs(eager, django_capture_on_commit_callbacks):
    out = _load()
    assert "The chairs John Tran, Victor Bittorf have no login yet" in out
    assert "python manage.py invite EMAIL --person john-tran" in out
    get_user_model().objects.create_superuser("admin", "", "pw-admin-1")
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "invite", "victor@example.org", "--person", "victor-bittorf", stdout=StringIO()
        )
    invitation = Invitation.objects.get()
    assert invitation.person == Person.objects.get(slug="victor-bittorf")
    token = re.search(r"/invite/(\S+)/", mail.outbox[0].body).group(1)
    from wg.services import invitation_accept

    invitation_accept(token=token, user=None, password="a sturdy passphrase 42")
    out = _load()
    assert "The chairs John Tran have no login yet" in out


def test_the_invite_command_explains_what_is_wrong(db):
    with pytest.raises(CommandError, match="No account 'admin'"):
        call_command("invite", "x@example.org", "--name", "X")
    get_user_model().objects.create_superuser("admin", "", "pw-admin-1")
    with pytest.raises(CommandError, match="at least one role"):
        call_command("invite", "x@example.org", "--name", "X")
    with pytest.raises(CommandError, match="No person 'nobody'"):
        call_command("invite", "x@example.org", "--person", "nobody")


def test_password_reset_mail_goes_through_the_outbox_and_its_link_works(
    client, member, eager, django_capture_on_commit_callbacks
):
    member.email = "member@alpha.example"
    member.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password_reset/", {"email": "member@alpha.example"})
    assert response.status_code == 302
    row = Notification.objects.get(kind="wg.password_reset")
    assert row.status == NotificationStatus.SENT and "/accounts/reset/" not in row.body
    link = re.search(r"http://\S+(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a new sturdy phrase 7", "new_password2": "a new sturdy phrase 7"},
    )
    assert done.status_code == 302
    member.refresh_from_db()
    assert member.check_password("a new sturdy phrase 7")


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, db):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302 and not Notification.objects.exists()


def test_the_password_change_page_matches_the_site(client, member):
    client.force_login(member)
    html = client.get("/accounts/password_change/").content.decode()
    assert "Change your password" in html and "MLPerf Training WG" in html
    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": "pw-for-tests-1",
            "new_password1": "another sturdy phrase 9",
            "new_password2": "another sturdy phrase 9",
        },
    )
    assert response.status_code == 302
