"""Create an API token for a user and print it once (for scripts, CI and runners).

    python manage.py api_token USERNAME --name "nightly CI"

Only the token's hash is stored: the printed value cannot be shown again. Revoke it on the
user's tokens page (``/accounts/tokens/``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from wg.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print it once."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="What the token is for")

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        name = name.strip()
        if not name or len(name) > 100:
            raise CommandError("--name must be 1 to 100 characters.")
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if not user.is_active:
            raise CommandError(f"The user {username!r} is not active.")
        _, raw = api_token_create(actor=None, user=user, name=name)
        self.stderr.write(f"Token '{name}' for {username} (shown once; keep it secret):")
        self.stdout.write(raw)
