"""Issue a personal API token for a user; the token alone is printed on the last line."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from palermo.accounts.models import User
from palermo.accounts.tokens import token_issue
from palermo.institutions.models import Institution


class Command(BaseCommand):
    help = "Issue an API token for USERNAME, valid for --days days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--days", type=int, default=30)
        parser.add_argument("--name", default="issued from the command line")
        parser.add_argument(
            "--institution",
            default=None,
            help="Code of the institution the token acts as (default: the user's last one).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {options['username']!r}.")
        if options["institution"]:
            institution = Institution.objects.filter(code=options["institution"]).first()
            if institution is None or institution.pk not in user.memberships_by_institution():
                raise CommandError(
                    f"{options['username']!r} is not a member of {options['institution']!r}."
                )
            user.act_as(institution.pk)
        try:
            secret = token_issue(
                actor=None, user=user, name=options["name"], days=options["days"], channel="cli"
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        except PermissionDenied as exc:
            raise CommandError(
                f"{options['username']!r} has no role that may hold a token."
            ) from exc
        principal = user.principal
        self.stdout.write(
            f"Token for {user.username} acting as institution #{principal.institution_id}, "
            f"valid {options['days']} days:"
        )
        self.stdout.write(secret)
