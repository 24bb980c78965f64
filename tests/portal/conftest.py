"""The portal composes the submissions service: its pages are tested on the same fixtures."""

from tests.submissions.conftest import (  # noqa: F401
    acme,
    acme_submitter,
    amd,
    amd_submitter,
    catalogue,
    eager,
    round_open,
    submissions_root,
    submitted,
)
