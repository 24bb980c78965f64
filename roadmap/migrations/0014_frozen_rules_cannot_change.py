"""The database itself refuses to change a round's frozen rules, a published revision's text or
number, and a granted exception: services never do it, and this stops anything else (a shell,
a careless admin action, a later migration) from doing it silently.

Only UPDATE is refused. Deletion is left to the foreign keys (a round, a revision or a decision
that is bound cannot be deleted) because the test database is emptied between tests with
DELETE on SQLite, which a trigger would stop too.
"""

from django.db import migrations

_GUARDS = [
    # (trigger, table, condition or "", message)
    (
        "roadmap_freeze_no_update",
        "roadmap_roundrulefreeze",
        "",
        "a round's rule freeze never changes",
    ),
    (
        "roadmap_frozen_revision_no_update",
        "roadmap_frozenrulerevision",
        "",
        "a round's frozen revisions never change",
    ),
    (
        "roadmap_rule_exception_no_update",
        "roadmap_ruleexception",
        "",
        "a granted rule exception never changes",
    ),
    (
        "roadmap_published_revision_no_change",
        "roadmap_rulerevision",
        "OLD.status = 'published' AND ("
        "NEW.source IS DISTINCT FROM OLD.source"
        " OR NEW.content_hash IS DISTINCT FROM OLD.content_hash"
        " OR NEW.number IS DISTINCT FROM OLD.number"
        " OR NEW.document_id IS DISTINCT FROM OLD.document_id"
        " OR NEW.status IS DISTINCT FROM OLD.status)",
        "a published rule revision's text and number never change",
    ),
]


def _sqlite(condition: str) -> str:
    # SQLite spells IS DISTINCT FROM as IS NOT.
    return condition.replace("IS DISTINCT FROM", "IS NOT")


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def install(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "CREATE OR REPLACE FUNCTION roadmap_refuse_change() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'integrity_constraint_violation'; "
            "END $$",
            None,  # no parameters: the % in the function body is PL/pgSQL's, not a placeholder
        )
        for name, table, condition, message in _GUARDS:
            when = f"WHEN ({condition}) " if condition else ""
            schema_editor.execute(
                f"CREATE TRIGGER {name} BEFORE UPDATE ON {table} FOR EACH ROW {when}"
                f"EXECUTE FUNCTION roadmap_refuse_change({_quoted(message)})",
                None,
            )
    elif vendor == "sqlite":
        for name, table, condition, message in _GUARDS:
            when = f"WHEN {_sqlite(condition)} " if condition else ""
            schema_editor.execute(
                f"CREATE TRIGGER {name} BEFORE UPDATE ON {table} {when}"
                f"BEGIN SELECT RAISE(ABORT, {_quoted(message)}); END",
                None,
            )


def remove(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    for name, table, _condition, _message in _GUARDS:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}", None)
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}", None)
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS roadmap_refuse_change()", None)


class Migration(migrations.Migration):
    dependencies = [("roadmap", "0013_proposal_rule_document")]

    operations = [migrations.RunPython(install, remove)]
