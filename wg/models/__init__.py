"""The working group itself: organisations, people and roles, invitations, rounds that
organisations take part in, and the notification outbox."""

from wg.models.invitations import Invitation, InvitationStatus
from wg.models.notifications import (
    Announcement,
    Delivery,
    Notification,
    NotificationPreference,
    NotificationStatus,
)
from wg.models.organizations import (
    ApiToken,
    Membership,
    Organization,
    Person,
    Role,
    RoleAssignment,
    TermQuerySet,
    Visibility,
    WorkingGroup,
)
from wg.models.participation import JointSubmission, RoundRegistration

__all__ = [
    "Announcement",
    "ApiToken",
    "Delivery",
    "Invitation",
    "InvitationStatus",
    "JointSubmission",
    "Membership",
    "Notification",
    "NotificationPreference",
    "NotificationStatus",
    "Organization",
    "Person",
    "Role",
    "RoleAssignment",
    "RoundRegistration",
    "TermQuerySet",
    "Visibility",
    "WorkingGroup",
]
