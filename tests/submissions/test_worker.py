"""The validation queue served by a real Celery worker process (separate from the test)."""

import pytest
from django.db import close_old_connections

from submissions.models import SubmissionVersion
from submissions.services.intake import version_upload
from tests.submissions.packages import generated_org, tar_gz
from tests.workers import celery_worker, wait_for


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_process_validates_an_upload_on_the_validate_queue(
    round_open, acme, acme_submitter, tmp_path, submissions_root
):
    with celery_worker(
        ["validate"], concurrency=2, extra_env={"SUBMISSIONS_ROOT": str(submissions_root)}
    ) as worker:
        version = version_upload(
            actor=acme_submitter,
            round=round_open,
            organization=acme,
            stream=tar_gz(generated_org(tmp_path)),
            original_name="acme.tar.gz",
        )

        def finished():
            close_old_connections()
            status = SubmissionVersion.objects.get(pk=version.pk).status
            return status if status in ("valid", "invalid", "rejected", "failed") else None

        status = wait_for(finished, timeout=90, message="the worker's verdict", logs=[worker])
    assert status == "valid", "".join(worker.log[-40:])
    version.refresh_from_db()
    assert version.report.logs_checked == 10
