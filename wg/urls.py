from django.urls import path

from wg import views

app_name = "wg"

urlpatterns = [
    path("accounts/tokens/", views.token_list, name="token-list"),
    path("accounts/tokens/new/", views.token_create, name="token-create"),
    path("accounts/tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
]
