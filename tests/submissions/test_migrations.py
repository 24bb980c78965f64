"""The data migrations: rounds published before tables had rows get them, and objections
filed before co-signing are signed by their filer."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("submissions", "0009_published_systems")]
AFTER = [("submissions", "0010_backfill_published_systems")]


def _with_other_apps(targets):
    """The targets, with every other app at its latest migration: the historical models must
    match the tables those apps really have (a round's later columns are NOT NULL)."""
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    return targets + [leaf for leaf in leaves if leaf[0] != "submissions"]


@pytest.mark.django_db(transaction=True)
def test_results_published_earlier_get_one_row_per_system():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(_with_other_apps(BEFORE)).apps
    try:
        round_ = apps.get_model("roadmap", "Round").objects.create(
            name="v5.1", ruleset="5.1.0", status="published", published_at=timezone.now()
        )
        org = apps.get_model("wg", "Organization").objects.create(name="Acme", slug="acme")
        user = apps.get_model("auth", "User").objects.create(username="u")
        submission = apps.get_model("submissions", "Submission").objects.create(
            round=round_, organization=org
        )
        versions = [
            apps.get_model("submissions", "SubmissionVersion").objects.create(
                submission=submission,
                number=n,
                uploaded_by=user,
                received_at=timezone.now(),
                original_name="p",
                archive_format="tar.gz",
                size_bytes=1,
                sha256=str(n) * 64,
                status="valid",
                during_review=n == 2,
            )
            for n in (1, 2)
        ]
        apps.get_model("submissions", "SystemDescription").objects.create(
            version=versions[1], name="box",
            content={"system_name": "Box", "status": "preview", "number_of_nodes": "2",
                     "accelerators_per_node": "4"},
        )  # fmt: skip
        for version, benchmark in zip(versions, ("retinanet", "llama2_70b_lora"), strict=True):
            apps.get_model("submissions", "PublishedResult").objects.create(
                round=round_, organization=org, version=version, system="box", system_name="Box",
                division="closed", availability="preview", benchmark=benchmark, score_minutes=1.0,
            )  # fmt: skip
        executor.loader.build_graph()
        executor.migrate(AFTER)
        after = executor.loader.project_state(_with_other_apps(AFTER)).apps

        [row] = after.get_model("submissions", "PublishedSystem").objects.all()
        assert (row.result_id, row.category, row.accelerators) == ("5.1-0001", "preview", 8)
        assert row.results.count() == 2 and row.description_version.number == 2
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_objections_filed_earlier_are_signed_by_their_filer():
    before = [("submissions", "0003_objection_signers_and_acknowledgement")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(_with_other_apps(before)).apps
    try:
        round_ = apps.get_model("roadmap", "Round").objects.create(name="v5.1", ruleset="5.1.0")
        orgs = [
            apps.get_model("wg", "Organization").objects.create(name=n, slug=n.lower())
            for n in ("Acme", "Globex")
        ]
        user = apps.get_model("auth", "User").objects.create(username="u")
        apps.get_model("submissions", "Objection").objects.create(
            round=round_, filed_by=orgs[0], against=orgs[1], author=user, text="x"
        )
        executor.loader.build_graph()
        executor.migrate([("submissions", "0004_backfill_objection_signers")])
        from submissions.models import ObjectionSigner

        [signer] = ObjectionSigner.objects.all()
        assert signer.organization.slug == "acme" and signer.withdrawn_at is None
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
