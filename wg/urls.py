from django.urls import path

from wg.views import account, announcements, invitations, members, tokens

app_name = "wg"

urlpatterns = [
    path("accounts/tokens/", tokens.token_list, name="token-list"),
    path("accounts/tokens/new/", tokens.token_create, name="token-create"),
    path("accounts/tokens/<int:pk>/revoke/", tokens.token_revoke, name="token-revoke"),
    path("accounts/me/", account.account, name="account"),
    path(
        "accounts/notifications/",
        account.notification_preferences,
        name="notification-preferences",
    ),
    path("notifications/unsubscribe/<str:token>/", account.unsubscribe_view, name="unsubscribe"),
    path("invite/<str:token>/", invitations.invitation_accept, name="invitation-accept"),
    path("wg/members/", members.members, name="members"),
    path("wg/people/<slug:slug>/", members.person_detail, name="person-detail"),
    path("wg/people/<slug:slug>/roles/", members.role_grant, name="role-grant"),
    path("wg/roles/<int:pk>/end/", members.role_end, name="role-end"),
    path("wg/invitations/new/", invitations.invitation_create, name="invitation-create"),
    path(
        "wg/invitations/<int:pk>/revoke/", invitations.invitation_revoke, name="invitation-revoke"
    ),
    path(
        "wg/invitations/<int:pk>/resend/", invitations.invitation_resend, name="invitation-resend"
    ),
    path("wg/organizations/new/", members.organization_create, name="organization-create"),
    path("wg/organizations/<slug:slug>/edit/", members.organization_edit, name="organization-edit"),
    path("wg/announcements/", announcements.announcement_list, name="announcement-list"),
    path("wg/announcements/new/", announcements.announcement_create, name="announcement-create"),
    path("wg/outbox/", announcements.outbox, name="outbox"),
    path(
        "wg/outbox/<int:pk>/retry/",
        announcements.notification_retry_view,
        name="notification-retry",
    ),
]
