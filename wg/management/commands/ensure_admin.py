"""Create the local admin account if it does not exist (used by ``make run``)."""

from __future__ import annotations

import os
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from core.audit import audit_record


class Command(BaseCommand):
    help = "Create a superuser 'admin' (password from ADMIN_PASSWORD or generated and printed)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--username", default=os.environ.get("ADMIN_USERNAME", "admin"))

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        User = get_user_model()
        saved = settings.VAR_DIR / "admin-password.txt"
        if User.objects.filter(username=username).exists():
            hint = f" (generated password kept in {saved})" if saved.exists() else ""
            self.stdout.write(f"Admin account '{username}' exists{hint}.")
            return
        from_env = os.environ.get("ADMIN_PASSWORD")
        password = from_env or secrets.token_urlsafe(12)
        with transaction.atomic():
            user = User.objects.create_superuser(username=username, email="", password=password)
            audit_record(actor=None, action="user.create_admin", obj=user)
        if from_env:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created admin account '{username}' (password from ADMIN_PASSWORD)."
                )
            )
            return
        saved.parent.mkdir(parents=True, exist_ok=True)
        saved.write_text(password + "\n")
        saved.chmod(0o600)
        self.stdout.write(
            self.style.SUCCESS(f"Created admin account '{username}' with password: {password}")
        )
