"""Which checker produced a result: the pinned official package and our own result schema.

Plain Python (no official code is imported), so reports can be read and results pages served
without loading the checkers.
"""

from __future__ import annotations

import importlib.metadata

OFFICIAL_VERSION = importlib.metadata.version("mlperf-logging")

# Bump when LogResult's meaning changes, so cached results from an older build are not reused.
_SCHEMA = 2
ENGINE = f"mlperf-logging=={OFFICIAL_VERSION};schema={_SCHEMA}"
