"""The real MLPerf rule documents (read where they are, never copied; skipped when absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
RULES_CORPUS = Path(os.environ.get("RULES_CORPUS_DIR", ROOT.parent / "shared" / "corpus" / "rules"))
TRAINING_2025 = "training_rules.2025-09-23.adoc"
TRAINING_2026 = "training_rules.2026-05-08.adoc"
SUBMISSION = "submission_rules.adoc"


def corpus_text(name: str) -> str:
    """The text of one corpus document; the test is skipped, saying why, when it is absent."""
    path = RULES_CORPUS / name
    if not path.is_file():
        pytest.skip(
            f"the corpus of real rule documents is not at {RULES_CORPUS} (set RULES_CORPUS_DIR)"
        )
    return path.read_text(encoding="utf-8")
