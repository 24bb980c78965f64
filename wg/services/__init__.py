"""Writes of the working group. Each sub-module owns one part; callers import from here."""

from wg.services.invitations import (
    invitation_accept,
    invitation_create,
    invitation_get_open,
    invitation_resend,
    invitation_revoke,
)
from wg.services.organizations import (
    joint_submission_record,
    organization_create,
    organization_update,
    round_registration_create,
    round_registration_delete,
)
from wg.services.people import (
    api_token_create,
    api_token_revoke,
    membership_ensure,
    organization_save,
    person_save,
    role_assign,
    role_end,
    working_group_save,
)
from wg.services.roles import role_grant, role_revoke

__all__ = [
    "api_token_create",
    "api_token_revoke",
    "invitation_accept",
    "invitation_create",
    "invitation_get_open",
    "invitation_resend",
    "invitation_revoke",
    "joint_submission_record",
    "membership_ensure",
    "organization_create",
    "organization_save",
    "organization_update",
    "person_save",
    "role_assign",
    "role_end",
    "role_grant",
    "role_revoke",
    "round_registration_create",
    "round_registration_delete",
    "working_group_save",
]
