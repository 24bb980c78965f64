"""Holes found by the security review: NUL bytes in URLs, and refusal messages that leak
internal ids, hide invisible characters or round deadlines to the minute."""

import io
import re
import tarfile

import pytest

from submissions.errors import UploadRefused
from submissions.services.intake import version_upload
from tests.submissions.conftest import close_window, upload
from tests.submissions.packages import generated_org

pytestmark = pytest.mark.usefixtures("eager", "submissions_root")


@pytest.mark.parametrize(
    "url",
    [
        "/rounds/x%00y/",
        "/api/rounds/x%00y",
        "/results/x%00y/",
        "/rounds/?q=%00",
        "/results/?x=a%00b",
        "/rounds/v5.1/submissions/acme%00/",
    ],
)
def test_a_nul_byte_in_a_url_is_a_404(client, round_open, url):
    assert client.get(url).status_code == 404


def test_a_refusal_does_not_name_the_stores_folder(
    round_open, acme, acme_submitter, tmp_path, django_capture_on_commit_callbacks
):
    org_dir = generated_org(tmp_path, org="Globex")  # systems/*.json name Globex
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for child in org_dir.iterdir():  # systems/ and results/ at the archive root
            tar.add(child, arcname=child.name)
    buffer.seek(0)
    with django_capture_on_commit_callbacks(execute=True):
        version = version_upload(
            actor=acme_submitter,
            round=round_open,
            organization=acme,
            stream=buffer,
            original_name="root.tar.gz",
        )
    version.refresh_from_db()
    assert version.status == "rejected"
    assert f"'{version.pk}'" not in version.rejection and "folder name" not in version.rejection
    assert "name another submitter (globex)" in version.rejection


def test_refusals_show_deadlines_to_the_second(round_open, acme, acme_submitter, tmp_path):
    close_window(round_open)
    with pytest.raises(UploadRefused) as refused:
        version_upload(
            actor=acme_submitter,
            round=round_open,
            organization=acme,
            stream=io.BytesIO(b"x"),
            original_name="p.tar.gz",
        )
    assert len(re.findall(r"\d\d:\d\d:\d\d P[SD]T", str(refused.value))) == 3


def test_refusals_escape_invisible_characters(
    round_open, acme, acme_submitter, tmp_path, django_capture_on_commit_callbacks
):
    with pytest.raises(UploadRefused) as refused:
        version_upload(
            actor=acme_submitter,
            round=round_open,
            organization=acme,
            stream=io.BytesIO(b"not an archive"),
            original_name="acme\u202egz.rat\u200b.tar.gz",
        )
    message = str(refused.value)
    assert "\\u202e" in message and "\\u200b" in message
    assert "\u202e" not in message and "\u200b" not in message
    org_dir = generated_org(tmp_path)
    bench = org_dir / "results" / "acme_box" / "llama2_70b_lora"
    bench.rename(bench.parent / "llama2_70b_lora\u200b")
    version = upload(acme_submitter, round_open, acme, org_dir, django_capture_on_commit_callbacks)
    assert version.status == "rejected" and "llama2_70b_lora\\u200b" in version.rejection
