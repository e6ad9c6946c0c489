"""Create the local admin account once and say how to log in."""

from __future__ import annotations

import os
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the admin account if it does not exist (password from DJANGO_SUPERUSER_PASSWORD or generated)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--username", default=os.environ.get("DJANGO_SUPERUSER_USERNAME", "admin"))

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user_model = get_user_model()
        if user_model.objects.filter(username=username).exists():
            self.stdout.write(
                f"Log in as '{username}' with the password shown when the account was made "
                f"(forgot it? python manage.py changepassword {username})."
            )
            return
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD") or secrets.token_urlsafe(12)
        user_model.objects.create_superuser(username=username, email="", password=password)
        shown = "from DJANGO_SUPERUSER_PASSWORD" if "DJANGO_SUPERUSER_PASSWORD" in os.environ else password
        self.stdout.write(self.style.SUCCESS(f"Admin account created. Log in as '{username}', password: {shown}"))
        self.stdout.write("The password is shown only this once.")
