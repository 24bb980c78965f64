"""Who may do what on the roadmap, built on the roles that ``wg.permissions`` answers.

Anonymous visitors see the public roadmap, every proposal that is not a draft (with its
concerns and decisions) and the decisions. Members (``wg.permissions.is_member``) file
proposals, comment, raise concerns and see the discussion and the ballots; chairs plan rounds,
schedule proposals, run votes and record decisions. Votes are open, not secret: members see
who voted how.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from roadmap.lifecycle import PROPOSAL_EDITABLE, PROPOSAL_OPEN
from roadmap.models import ProposalStatus
from wg.permissions import can_manage_round, is_chair, is_member


def person_of(user: Any) -> Any:
    """The ``Person`` behind a login, or None (anonymous, or an account without a person)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.person
    except Exception:  # RelatedObjectDoesNotExist: an account that is not a person
        return None


def is_in_charge(user: Any, proposal: Any) -> bool:
    """The proposal's author or its person in charge."""
    person = person_of(user)
    return person is not None and person.pk in (proposal.author_id, proposal.person_in_charge_id)


def can_view_proposal(user: Any, proposal: Any) -> bool:
    """Mirror of ``proposal_visibility_q``; a test checks they agree for every role."""
    if proposal.status != ProposalStatus.DRAFT:
        return True
    return is_chair(user) or is_in_charge(user, proposal)


def proposal_visibility_q(user: Any) -> Q:
    if is_chair(user):
        return Q()
    q = ~Q(status=ProposalStatus.DRAFT)
    person = person_of(user)
    if person is not None:
        q |= Q(author=person) | Q(person_in_charge=person)
    return q


def can_file_proposal(user: Any) -> bool:
    return is_member(user) and person_of(user) is not None


def can_edit_proposal(user: Any, proposal: Any) -> bool:
    if proposal.status not in PROPOSAL_EDITABLE:
        return False
    return is_chair(user) or (is_member(user) and is_in_charge(user, proposal))


def can_view_discussion(user: Any, proposal: Any) -> bool:
    """Comments are the members' discussion."""
    return is_member(user) and can_view_proposal(user, proposal)


def can_comment(user: Any, proposal: Any) -> bool:
    return (
        can_view_discussion(user, proposal)
        and person_of(user) is not None
        and proposal.status not in (ProposalStatus.WITHDRAWN,)
    )


def can_watch(user: Any, proposal: Any) -> bool:
    return can_view_discussion(user, proposal) and person_of(user) is not None


def can_raise_concern(user: Any, proposal: Any) -> bool:
    return is_member(user) and person_of(user) is not None and proposal.status in PROPOSAL_OPEN


def can_resolve_concern(user: Any, concern: Any) -> bool:
    """Only the member who raised a concern, or a chair, resolves (or reopens) it."""
    if is_chair(user):
        return True
    person = person_of(user)
    return person is not None and is_member(user) and concern.raised_by_id == person.pk


def can_run_proposal(user: Any) -> bool:
    """Schedule, open discussions, call for objections, open votes, record decisions."""
    return is_chair(user)


def can_plan_rounds(user: Any) -> bool:
    """Create rounds, edit their milestones and move their phase."""
    return can_manage_round(user)


def can_view_ballots(user: Any) -> bool:
    """Votes are open: members see which organisation voted how."""
    return is_member(user)


# --- Rules ------------------------------------------------------------------------------------
# Public rule documents are read by anyone (the rules are public today); a document marked not
# public by members only. Drafts are the members' working text. Chairs import and edit rules,
# freeze a round's rules and grant exceptions.


def can_view_rule_document(user: Any, document: Any) -> bool:
    """Mirror of ``rule_document_visibility_q``; a test checks they agree for every role."""
    return bool(document.public) or is_member(user)


def rule_document_visibility_q(user: Any, prefix: str = "") -> Q:
    """The documents (or, with ``prefix`` such as ``"document__"``, the rows of documents)
    this user may read."""
    if is_member(user):
        return Q()
    return Q(**{f"{prefix}public": True})


def can_view_rule_drafts(user: Any) -> bool:
    return is_member(user)


def can_edit_rules(user: Any) -> bool:
    """Import and upload revisions, edit sections, publish drafts."""
    return is_chair(user)


def can_freeze_rules(user: Any) -> bool:
    return can_manage_round(user)


def can_grant_exception(user: Any) -> bool:
    return is_chair(user)
