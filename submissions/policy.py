"""Who is a round's submitter, and who may see or do what during its review.

One definition for the pages, the API, the services and the exports. Built on the roles that
``wg.permissions`` answers (chairs, review chairs, submitter contacts, affiliations); the rules
are the submission rules' "Review" section:

- until uploads are closed for everyone (deadline, grace period and every extension over), an
  organisation's package is seen by that organisation only;
- then the review committee — the working-group chairs, the round's review chairs and the
  round's submitters — sees the submitted results; a *submitter* is an organisation whose
  counting version holds at least one accepted result (an empty or refused package earns no
  look at the others), plus the partners of a joint submission;
- reviewers see the version that counts and the review fixes, never the superseded drafts,
  which stay with their organisation.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery

from submissions.models import (
    JointPartner,
    Objection,
    Score,
    Submission,
    SubmissionVersion,
)
from submissions.models.intake import VersionStatus
from submissions.models.review import ObjectionStatus
from wg.models import JointSubmission, Role
from wg.permissions import acts_for_organizations, powers

# --- Which version counts, and who submitted --------------------------------------------------


def counting_version(submission: Submission) -> SubmissionVersion | None:
    """The version that counts: the latest valid one uploaded in the window. Review fixes
    replace only the results that objections allowed them to fix."""
    return (
        submission.versions.filter(status=VersionStatus.VALID, during_review=False)
        .order_by("-number")
        .first()
    )


def _counting_ids(round_: Any) -> QuerySet[Submission]:
    latest_valid = SubmissionVersion.objects.filter(
        submission=OuterRef("pk"), status=VersionStatus.VALID, during_review=False
    ).order_by("-number")
    return Submission.objects.filter(round=round_).annotate(
        counting_id=Subquery(latest_valid.values("pk")[:1])
    )


def joint_partners(round_: Any) -> dict[int, set[int]]:
    """Each organisation's partners in the round's joint submissions: the partners the review
    chair named on its submission, and the pairs the chairs recorded for the round on their
    dashboard (either of the two may hold the package)."""
    partners: dict[int, set[int]] = defaultdict(set)
    named = JointPartner.objects.filter(submission__round=round_).values_list(
        "submission__organization_id", "organization_id"
    )
    for owner, partner in named:
        partners[owner].add(partner)
    for first, second in JointSubmission.objects.filter(round=round_).values_list(
        "first_id", "second_id"
    ):
        partners[first].add(second)
        partners[second].add(first)
    return partners


def submitting_org_ids(round_: Any) -> frozenset[int]:
    """Organisations that submitted to the round: a counting version with at least one
    accepted (scored) result, and the partners of such a joint submission."""
    counting = _counting_ids(round_).filter(counting_id__isnull=False).values("counting_id")
    scored = Score.objects.filter(version_id__in=counting, score_minutes__isnull=False)
    owners = set(
        Submission.objects.filter(pk__in=scored.values("version__submission_id")).values_list(
            "organization_id", flat=True
        )
    )
    partners = joint_partners(round_)
    return frozenset(owners.union(*(partners.get(owner, set()) for owner in owners)))


def uploads_closed(round_: Any, now: datetime) -> bool:
    # Nobody sees another organisation's package while anyone may still upload: an extension
    # must not become a look at the competition.
    window = getattr(round_, "window", None)
    return window is not None and now > window.closes_for_all_at


# --- Seeing -----------------------------------------------------------------------------------


def is_review_committee_lead(user: Any, round_: Any) -> bool:
    """The working-group chairs and the round's review chairs: they run the review."""
    p = powers(user)
    return p.superuser or Role.CHAIR in p.roles or round_.name in p.review_rounds


def can_review_round(user: Any, round_: Any, *, now: datetime) -> bool:
    """Once uploads are closed for everyone, the review committee sees the round's results."""
    if not uploads_closed(round_, now):
        return False
    if is_review_committee_lead(user, round_):
        return True
    return bool(acts_for_organizations(user) & submitting_org_ids(round_))


def can_view_submission(user: Any, submission: Any, *, now: datetime) -> bool:
    if powers(user).superuser or submission.organization_id in acts_for_organizations(user):
        return True
    if not can_review_round(user, submission.round, now=now):
        return False
    # Peer reviewers look at what was submitted; an organisation without an accepted result
    # submitted nothing to review.
    return is_review_committee_lead(user, submission.round) or (
        submission.organization_id in submitting_org_ids(submission.round)
    )


def is_own_submission(user: Any, submission: Any) -> bool:
    return powers(user).superuser or submission.organization_id in acts_for_organizations(user)


def reviewable_versions_q(submission: Any) -> Q:
    """The versions a reviewer sees: the one that counts and the review fixes."""
    counting = counting_version(submission)
    return Q(during_review=True) | Q(pk=counting.pk if counting else None)


def can_view_version(user: Any, version: Any, *, now: datetime) -> bool:
    """Its organisation sees every version; reviewers the counting one and the fixes."""
    submission = version.submission
    if not can_view_submission(user, submission, now=now):
        return False
    if is_own_submission(user, submission):
        return True
    if version.status == VersionStatus.FAILED and is_review_committee_lead(user, submission.round):
        # A version whose validation could not run blocks publication until the chairs run it
        # again from its page.
        return True
    return submission.versions.filter(reviewable_versions_q(submission), pk=version.pk).exists()


# --- Objections -------------------------------------------------------------------------------


def _in_filing_period(round_: Any, now: datetime) -> bool:
    window = getattr(round_, "window", None)
    if window is None or round_.published_at is not None:
        return False
    return uploads_closed(round_, now) and now <= window.objections_close_at


def objecting_org_ids(user: Any, round_: Any, *, against_org_id: int) -> list[int]:
    """The organisations this user may object for: submitters of the round other than the
    target, in a stable order."""
    submitting = submitting_org_ids(round_)
    if against_org_id not in submitting:
        return []
    return sorted((powers(user).submitter_org_ids & submitting) - {against_org_id})


def can_file_objection(user: Any, round_: Any, *, against_org_id: int, now: datetime) -> bool:
    """A submitter of a submitting organisation, against another one, until objections are
    due and before publication."""
    if not _in_filing_period(round_, now):
        return False
    return bool(objecting_org_ids(user, round_, against_org_id=against_org_id))


def active_signer_ids(objection: Objection) -> set[int]:
    return set(
        objection.signers.filter(withdrawn_at__isnull=True).values_list(
            "organization_id", flat=True
        )
    )


def cosigning_org_ids(user: Any, objection: Objection, *, now: datetime) -> list[int]:
    """Organisations this user may add as "by <org>" to an open objection."""
    if objection.status != ObjectionStatus.OPEN or not _in_filing_period(objection.round, now):
        return []
    mine = objecting_org_ids(user, objection.round, against_org_id=objection.against_id)
    signed = active_signer_ids(objection)
    return [org_id for org_id in mine if org_id not in signed]


def signed_org_ids(user: Any, objection: Objection) -> list[int]:
    """The user's organisations that signed the objection at some point (withdrawn or not)."""
    signers = {signer.organization_id for signer in objection.signers.all()}
    return sorted(powers(user).submitter_org_ids & signers)


def withdrawing_org_ids(user: Any, objection: Objection) -> list[int]:
    """An objector removes its own "by <org>" tag (while the objection is open)."""
    if objection.status != ObjectionStatus.OPEN:
        return []
    return sorted(powers(user).submitter_org_ids & active_signer_ids(objection))


def can_acknowledge_objection(user: Any, objection: Objection, *, now: datetime) -> bool:
    """The owning submitter acknowledges the problem (and may then fix it) during review."""
    window = getattr(objection.round, "window", None)
    return (
        objection.status == ObjectionStatus.OPEN
        and objection.acknowledged_at is None
        and objection.against_id in powers(user).submitter_org_ids
        and window is not None
        and objection.round.published_at is None
        and now <= window.review_ends_at
    )


def can_decide_objection(user: Any, round_: Any) -> bool:
    return is_review_committee_lead(user, round_)


def can_manage_review(user: Any, round_: Any) -> bool:
    """Review assignments and joint partners: the review chair (and the working-group chairs)."""
    return is_review_committee_lead(user, round_)


def fix_allowed_q() -> Q:
    """Objections that let their target upload a fix: upheld with a fix allowed by the
    committee, or acknowledged by the owning submitter with fix_required."""
    return Q(fix_required=True) & (
        Q(status=ObjectionStatus.UPHELD)
        | Q(status=ObjectionStatus.OPEN, acknowledged_at__isnull=False)
    )


def fix_allowed(round_: Any, organization_id: int) -> bool:
    return Objection.objects.filter(
        fix_allowed_q(), round=round_, against_id=organization_id
    ).exists()


# --- The owning submitter's own results -------------------------------------------------------


def can_change_own_results(user: Any, round_: Any, organization_id: int, *, now: datetime) -> bool:
    """Withdraw results or move them to open: the owning submitter, until the final results
    deadline (the end of the review period) and before publication."""
    window = getattr(round_, "window", None)
    return (
        organization_id in powers(user).submitter_org_ids
        and window is not None
        and round_.published_at is None
        and now <= window.review_ends_at
    )


def can_declare_borrowing(user: Any, round_: Any, organization_id: int, *, now: datetime) -> bool:
    window = getattr(round_, "window", None)
    return (
        organization_id in powers(user).submitter_org_ids
        and organization_id in submitting_org_ids(round_)
        and window is not None
        and round_.published_at is None
        and uploads_closed(round_, now)
        and now <= window.borrowing_closes_at
    )
