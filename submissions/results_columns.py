"""The columns of the published results tables, as the official result summarizer makes them.

Pure functions over a system description (``systems/<system>.json``), shared by publication and
by the migration that gave earlier snapshots their rows. Names and normalisations follow
``mlperf_logging.result_summarizer``: its availability map (``config.yaml``, not shipped in the
package, so copied here), ``host_processors_count`` and ``accelerators_count`` as per-node counts
times ``number_of_nodes``, ``notes`` as ``hw_notes;sw_notes``, and its ID format
``<major.minor>-<4 digits>`` numbered down the closed then open table, category by category.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from submissions.checker.counts import read_count

ON_PREMISE = "Available on-premise"
CLOUD = "Available cloud"
PREVIEW = "Preview"
RDI = "Research, Development, or Internal (RDI)"

# The summarizer's ``availability`` map: the values submitters write, to the official name.
_AVAILABILITY = {
    "available on-premise": ON_PREMISE,
    "onprem": ON_PREMISE,
    "available": ON_PREMISE,
    "available onprem": ON_PREMISE,
    "available cloud": CLOUD,
    "cloud": CLOUD,
    "research, development, or internal (rdi)": RDI,
    "rdi": RDI,
    "research": RDI,
    "development": RDI,
    "internal": RDI,
    "preview": PREVIEW,
}
# The order of the sections in the official tables.
AVAILABILITY_ORDER = (ON_PREMISE, CLOUD, PREVIEW, RDI)
CATEGORY = {ON_PREMISE: "available", CLOUD: "available", PREVIEW: "preview", RDI: "research"}
DIVISION_ORDER = ("closed", "open")


def official_availability(status: object) -> str:
    """The official category name for a system description's ``status`` ("" if unknown)."""
    if not isinstance(status, str):
        return ""
    return _AVAILABILITY.get(status.strip().lower(), "")


def category(status: object) -> str:
    """Available, Preview or Research, as the tables group them ("" if unknown)."""
    return CATEGORY.get(official_availability(status), "")


def _text(content: dict[str, Any], key: str) -> str:
    value = content.get(key, "")
    return value.strip() if isinstance(value, str) else ""


@dataclass(frozen=True)
class SystemColumns:
    system_name: str
    number_of_nodes: int | None
    host_processor: str
    host_processors: int | None
    accelerator: str
    accelerators: int | None
    framework: str
    notes: str


def system_columns(content: dict[str, Any], *, fallback_name: str) -> SystemColumns:
    """The table columns of one system description; counts that are not whole numbers in the
    checker's range stay empty (the system-description check reports them)."""
    nodes = read_count(content.get("number_of_nodes"))
    per_node_hosts = read_count(content.get("host_processors_per_node"))
    per_node_accelerators = read_count(content.get("accelerators_per_node"), allow_zero=True)
    return SystemColumns(
        system_name=_text(content, "system_name") or fallback_name,
        number_of_nodes=nodes,
        host_processor=_text(content, "host_processor_model_name"),
        host_processors=_times(per_node_hosts, nodes),
        accelerator=_text(content, "accelerator_model_name"),
        accelerators=_times(per_node_accelerators, nodes),
        framework=_framework(_text(content, "framework")),
        notes=";".join(n for n in (_text(content, "hw_notes"), _text(content, "sw_notes")) if n),
    )


def _times(per_node: int | None, nodes: int | None) -> int | None:
    if per_node is None or nodes is None:
        return None
    total = per_node * nodes
    return total if total < 2**31 else None


def _framework(framework: str) -> str:
    # The summarizer drops a TensorFlow commit hash from the framework column.
    if "TensorFlow" in framework and " commit hash = " in framework:
        return framework[: framework.index(" commit hash = ")]
    return framework


def table_position(division: str, availability: str) -> tuple[int, int]:
    """Where a row's section sits in the official tables: closed before open, then the
    categories in the rules' order (unknown ones last)."""
    div = DIVISION_ORDER.index(division) if division in DIVISION_ORDER else len(DIVISION_ORDER)
    avail = (
        AVAILABILITY_ORDER.index(availability)
        if availability in AVAILABILITY_ORDER
        else len(AVAILABILITY_ORDER)
    )
    return div, avail


def result_id(ruleset: str, index: int) -> str:
    """E.g. ``5.1-0001`` for the first row of a round checked with ruleset 5.1.0."""
    version = ".".join(ruleset.split(".")[:2])
    return f"{version}-{index:04d}"
