import pytest

from core.errors import DomainError
from core.models import AuditEvent
from tests.factories import OrganizationFactory
from wg import services
from wg.models import Organization


def test_affiliates_collapse_to_their_top_organisation(db):
    parent = services.organization_save(actor=None, slug="big", name="Big Corp")
    child = services.organization_save(actor=None, slug="big-labs", name="Big Labs", parent=parent)
    grandchild = services.organization_save(
        actor=None, slug="big-cloud", name="Big Cloud", parent=child
    )
    assert grandchild.voting_organization == parent


def test_an_organisation_cannot_become_its_own_ancestor(db):
    a = services.organization_save(actor=None, slug="a", name="A")
    b = services.organization_save(actor=None, slug="b", name="B", parent=a)
    with pytest.raises(DomainError, match="own"):
        services.organization_save(actor=None, slug="a", name="A", parent=b)
    assert Organization.objects.get(slug="a").parent is None


def test_saving_the_same_values_twice_writes_one_audit_event(db, chair):
    services.organization_save(actor=chair, slug="x", name="X")
    services.organization_save(actor=chair, slug="x", name="X")
    assert AuditEvent.objects.filter(object_type="wg.organization").count() == 1


def test_a_change_is_audited_with_before_and_after(db, chair):
    services.organization_save(actor=chair, slug="x", name="X")
    services.organization_save(actor=chair, slug="x", name="X Inc.")
    event = AuditEvent.objects.filter(action="organization.update").get()
    assert (event.before, event.after) == ({"name": "X"}, {"name": "X Inc."})
    assert event.actor == chair


def test_api_token_is_stored_only_as_a_hash(db, member):
    token, raw = services.api_token_create(actor=member, user=member, name="ci")
    assert raw not in token.token_hash
    assert token.token_hash == token.hash(raw)
    services.api_token_revoke(actor=member, token=token)
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_role_end_before_start_is_refused(member):
    from datetime import date

    assignment = member.person.roles.get()
    with pytest.raises(DomainError):
        services.role_end(actor=None, assignment=assignment, end=date(2019, 1, 1))


def test_role_assign_twice_keeps_one_assignment(db):
    from datetime import date

    from tests.factories import PersonFactory

    person = PersonFactory()
    org = OrganizationFactory()
    first = services.role_assign(
        actor=None, person=person, role="submitter", organization=org, start=date(2024, 1, 1)
    )
    again = services.role_assign(
        actor=None, person=person, role="submitter", organization=org, start=date(2025, 1, 1)
    )
    assert first.pk == again.pk
    assert again.start == date(2024, 1, 1)


def test_the_token_page_shows_a_new_secret_once_and_revokes(client, member):
    from wg.models import ApiToken

    client.force_login(member)
    created = client.post("/accounts/tokens/new/", {"name": "ci"}).content.decode()
    token = ApiToken.objects.get(user=member)
    assert "mlwg_" + token.prefix in created
    assert "mlwg_" + token.prefix not in client.get("/accounts/tokens/").content.decode().replace(
        f"mlwg_{token.prefix}…", ""
    )
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_one_cannot_revoke_another_users_token(client, member, observer):
    from wg.models import ApiToken
    from wg.services import api_token_create

    token, _ = api_token_create(actor=member, user=member, name="mine")
    client.force_login(observer)
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
