"""The counts of a system description that the results tables multiply, read as the tables
need them. Plain Python: the results pages import it without loading the official checkers."""

from __future__ import annotations

# Counts the results tables multiply (the summarizer's ``int(...) * int(number_of_nodes)``).
# The official checkers accept any string here; a count that is not a whole number in range
# would crash the summarizer or publish nonsense, so it gets a warning (the verdict stays the
# official one) and the tables leave the column empty.
COUNT_FIELDS = {
    "number_of_nodes": False,
    "host_processors_per_node": False,
    "accelerators_per_node": True,  # 0 for a system without accelerators
}
MAX_COUNT = 1_000_000


def read_count(value: object, *, allow_zero: bool = False) -> int | None:
    """A system description count as a whole number in range, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        number = int(value.strip())
    else:
        return None
    lowest = 0 if allow_zero else 1
    return number if lowest <= number <= MAX_COUNT else None
