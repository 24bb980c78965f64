"""Log-in throttling: wrong passwords lock the account out for a while, from that address,
with a clear message; the right password does not get in during the lock-out."""

from django.test import Client

from tests.factories import UserFactory


def _login(client, password):
    return client.post(
        "/accounts/login/", {"username": "target", "password": password}, REMOTE_ADDR="203.0.113.9"
    )


def test_wrong_passwords_lock_the_login_even_for_the_right_one(db, settings):
    UserFactory(username="target")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "wrong").status_code == 200  # the form again, with its error
    locked = _login(client, "wrong")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Too many failed log-ins" in page and "target" in page
    right = _login(client, "pw-for-tests-1")
    assert right.status_code == 429 and "_auth_user_id" not in client.session
    # Another address is not locked out of the same account (nobody can lock a chair out).
    other = client.post(
        "/accounts/login/",
        {"username": "target", "password": "pw-for-tests-1"},
        REMOTE_ADDR="198.51.100.7",
    )
    assert other.status_code == 302


def test_a_successful_login_resets_the_count(db, settings):
    UserFactory(username="target")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "wrong")
    assert _login(client, "pw-for-tests-1").status_code == 302
    client.logout()
    assert _login(client, "wrong").status_code == 200
