"""The tally engine: counts a vote by the working group's rules, in plain Python.

Live votes and the chairs' ``tally`` command both count through :func:`tally`; nothing here
imports Django, so a recount from a file runs anywhere and gives the same result.
"""

from roadmap.tally.engine import (
    ABSTAIN,
    METHODS,
    BallotIn,
    Election,
    OrganizationIn,
    TallyError,
    TallyResult,
    check_ballot,
    tally,
    validate,
)
from roadmap.tally.files import election_from_mapping, read_election

__all__ = [
    "ABSTAIN",
    "METHODS",
    "BallotIn",
    "Election",
    "OrganizationIn",
    "TallyError",
    "TallyResult",
    "check_ballot",
    "election_from_mapping",
    "read_election",
    "tally",
    "validate",
]
