"""``manage.py api_token USERNAME --name NAME``: a token printed once, usable at once."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from wg.models import ApiToken

pytestmark = pytest.mark.django_db


def test_the_command_prints_a_working_token_once_and_stores_only_its_hash(client, member):
    out, err = StringIO(), StringIO()
    call_command("api_token", "member", "--name", "nightly CI", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    assert raw.startswith("mlwg_") and "shown once" in err.getvalue()
    token = ApiToken.objects.get(user=member)
    assert token.name == "nightly CI" and token.token_hash == ApiToken.hash(raw)
    assert raw not in str(ApiToken.objects.values_list())
    response = client.get("/api/runner/workers", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200


def test_an_unknown_or_inactive_user_or_an_empty_name_is_refused(member):
    with pytest.raises(CommandError, match="No user named 'ghost'"):
        call_command("api_token", "ghost", "--name", "x")
    with pytest.raises(CommandError, match="--name must be"):
        call_command("api_token", "member", "--name", "  ")
    member.is_active = False
    member.save()
    with pytest.raises(CommandError, match="not active"):
        call_command("api_token", "member", "--name", "x")
    assert not ApiToken.objects.exists()
