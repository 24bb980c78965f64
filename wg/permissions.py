"""Who may do what. Views, the API, tasks and templates ask these functions and nothing else.

Powers come from current ``RoleAssignment`` rows (and Django superusers, who run the service).
Functions take the user (possibly anonymous) first; objects of apps above this layer are read
through their attributes, so this module never imports them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from wg.models import Membership, Role, RoleAssignment, Visibility

# Roles whose holders see members-only material. Observers follow the public discussion only.
MEMBER_ROLES = frozenset({Role.CHAIR, Role.MEMBER, Role.STAFF, Role.REVIEW_CHAIR, Role.SUBMITTER})


@dataclass(frozen=True)
class Powers:
    """The current roles of one user, computed once per request and cached on the user."""

    roles: frozenset[str] = frozenset()
    organization_ids: frozenset[int] = frozenset()
    submitter_org_ids: frozenset[int] = frozenset()
    review_rounds: frozenset[str] = frozenset()
    superuser: bool = False


_ANONYMOUS = Powers()


def powers(user: Any) -> Powers:
    if user is None or not getattr(user, "is_authenticated", False):
        return _ANONYMOUS
    cached = getattr(user, "_wg_powers", None)
    if cached is not None:
        return cached
    person = getattr(user, "person", None) if _has_person(user) else None
    if person is None:
        result = Powers(superuser=bool(user.is_superuser))
    else:
        assignments = list(RoleAssignment.objects.current().filter(person=person))
        result = Powers(
            roles=frozenset(a.role for a in assignments),
            organization_ids=frozenset(
                Membership.objects.current()
                .filter(person=person)
                .values_list("organization_id", flat=True)
            ),
            submitter_org_ids=frozenset(
                a.organization_id
                for a in assignments
                if a.role == Role.SUBMITTER and a.organization_id
            ),
            review_rounds=frozenset(
                a.round_name for a in assignments if a.role == Role.REVIEW_CHAIR
            ),
            superuser=bool(user.is_superuser),
        )
    user._wg_powers = result
    return result


def _has_person(user: Any) -> bool:
    try:
        return user.person is not None
    except Exception:  # RelatedObjectDoesNotExist: a login without a Person row
        return False


def forget_powers(user: Any) -> None:
    """Drop the cached powers, e.g. after a role changed within the same request or test."""
    if hasattr(user, "_wg_powers"):
        del user._wg_powers


def is_chair(user: Any) -> bool:
    p = powers(user)
    return p.superuser or Role.CHAIR in p.roles


def is_staff(user: Any) -> bool:
    p = powers(user)
    return p.superuser or Role.STAFF in p.roles


def is_member(user: Any) -> bool:
    p = powers(user)
    return p.superuser or bool(p.roles & MEMBER_ROLES)


def can_manage_working_group(user: Any) -> bool:
    """Chairs and staff edit the working group's own data (people, roles, resources)."""
    return is_chair(user) or is_staff(user)


def can_view_resource(user: Any, resource: Any) -> bool:
    """Mirror of ``resource_visibility_q``; a test checks they agree for every role."""
    visibility = resource.visibility
    if visibility == Visibility.PUBLIC:
        return True
    if can_manage_working_group(user):
        return True
    if visibility == Visibility.MEMBERS:
        return is_member(user)
    if visibility == Visibility.ORG_PRIVATE:
        return resource.organization_id in acts_for_organizations(user)
    if visibility == Visibility.ROUND_EMBARGOED:
        round_ = getattr(resource, "round", None)
        return bool(round_ is not None and round_.published_at is not None)
    return False


def resource_visibility_q(user: Any) -> Q:
    """The rows this user may see, for models with ``visibility``, ``organization`` and
    ``round`` (embargoed material opens when its round has a ``published_at``)."""
    if can_manage_working_group(user):
        return Q()
    q = Q(visibility=Visibility.PUBLIC) | Q(
        visibility=Visibility.ROUND_EMBARGOED, round__published_at__isnull=False
    )
    if is_member(user):
        q |= Q(visibility=Visibility.MEMBERS)
    org_ids = acts_for_organizations(user)
    if org_ids:
        q |= Q(visibility=Visibility.ORG_PRIVATE, organization_id__in=org_ids)
    return q


# --- Submissions ------------------------------------------------------------------------------
# The roles that the submissions app builds its own policy on (``submissions.policy`` decides
# who is a round's submitter and who sees what during review).


def can_submit_for(user: Any, organization_id: int) -> bool:
    """Submitter contacts upload for their organisation (superusers may act for anyone)."""
    p = powers(user)
    return p.superuser or organization_id in p.submitter_org_ids


def acts_for_organizations(user: Any) -> frozenset[int]:
    """Organisations whose embargoed submissions this user may see as an insider: the ones
    they are affiliated with (as a member-level role holder) or submit for."""
    p = powers(user)
    affiliated = p.organization_ids if p.roles & MEMBER_ROLES else frozenset()
    return affiliated | p.submitter_org_ids


def can_manage_round(user: Any) -> bool:
    """Open windows, grant extensions, publish: the working-group chairs."""
    return is_chair(user)


def can_rerun_validation(user: Any) -> bool:
    """Run again the validation of a version whose validation could not run: the chairs (on the
    versions they may see)."""
    return is_chair(user)


# --- People, organisations, invitations, notifications ----------------------------------------


def is_self(user: Any, person: Any) -> bool:
    """Whether ``person`` is the user's own row (nobody grants a role to themselves)."""
    return bool(getattr(user, "is_authenticated", False) and person.user_id == user.pk)


def can_grant_role(user: Any, person: Any) -> bool:
    return can_manage_working_group(user) and not is_self(user, person)


def can_view_directory(user: Any) -> bool:
    """Organisation pages (people, affiliates, joint submissions): the working group's members."""
    return is_member(user)


def can_view_announcements(user: Any) -> bool:
    """The mailing list's archive is members-only, like the list."""
    return is_member(user)


def can_register_for_round(user: Any, organization_id: int) -> bool:
    """A chair registers any organisation for a round; a submitter contact their own."""
    return is_chair(user) or organization_id in powers(user).submitter_org_ids


def can_record_joint_submission(user: Any) -> bool:
    return is_chair(user)
