import pytest
from django.db import DatabaseError, connection, transaction

from core.audit import audit_history, audit_record
from core.models import AppendOnlyError, AuditEvent
from tests.factories import OrganizationFactory


@pytest.fixture
def event(db, chair):
    org = OrganizationFactory()
    return audit_record(
        actor=chair, action="organization.create", obj=org, after={"name": org.name}
    )


def test_audit_record_names_the_actor_and_object(event, chair):
    assert event.actor == chair
    assert event.object_type == "wg.organization"
    assert event.after == {"name": event.object_repr}
    assert list(audit_history(OrganizationFactory._meta.model.objects.get(pk=event.object_id))) == [
        event
    ]


def test_system_actions_are_recorded_without_a_user(db):
    event = audit_record(actor=None, action="organization.create", obj=OrganizationFactory())
    assert event.actor is None
    assert event.actor_label == "system"


def test_saving_an_existing_audit_event_is_refused(event):
    event.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()


def test_deleting_an_audit_event_is_refused(event):
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="x")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE core_auditevent SET reason = 'x' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ],
)
def test_postgresql_trigger_refuses_raw_updates_and_deletes(event, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cur,
    ):
        cur.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).reason == ""
