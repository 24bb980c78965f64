"""Invite a person by email from the command line (e.g. the chairs, after the first start)."""

from __future__ import annotations

import os
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from wg.models import Organization, Person, Role
from wg.services import invitation_create


class Command(BaseCommand):
    help = "Send an invitation: the person sets a password from the link and gets the roles."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("email")
        parser.add_argument("--person", help="Slug of a person already known (e.g. a chair)")
        parser.add_argument("--name", help="Full name (required for a new person)")
        parser.add_argument("--organization", help="Organisation slug")
        parser.add_argument("--role", action="append", default=[], choices=Role.values)
        parser.add_argument(
            "--by",
            default=os.environ.get("ADMIN_USERNAME", "admin"),
            help="The inviting account, a chair, staff or the admin (default: the admin)",
        )

    def handle(self, *args: Any, email: str, by: str, **options: Any) -> None:
        actor = get_user_model().objects.filter(username=by).first()
        if actor is None:
            raise CommandError(f"No account '{by}': create it first (make run does) or pass --by.")
        person = None
        if options["person"]:
            person = Person.objects.filter(slug=options["person"]).first()
            if person is None:
                raise CommandError(f"No person '{options['person']}'.")
        org = None
        if options["organization"]:
            org = Organization.objects.filter(slug=options["organization"]).first()
            if org is None:
                raise CommandError(f"No organisation '{options['organization']}'.")
        name = options["name"] or (person.full_name if person else "")
        try:
            invitation = invitation_create(
                actor=actor,
                email=email,
                full_name=name,
                organization=org,
                roles=options["role"],
                person=person,
            )
        except DomainError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Invitation sent to {invitation.email} (valid until {invitation.expires_at:%Y-%m-%d})."
            )
        )
