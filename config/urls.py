from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config.api import api
from wg.forms import OutboxPasswordResetForm

urlpatterns = [
    path("", include("portal.urls")),
    path("", include("submissions.urls")),
    path("", include("wg.urls")),
    path("", include("meetings.urls")),
    path("", include("roadmap.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Password reset mails go through the notification outbox; the other views are Django's.
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(
            form_class=OutboxPasswordResetForm, email_template_name="wg/email/password_reset.txt"
        ),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
