"""`manage.py demo_logins`: the demo accounts and what each may see (printed by `make run`)."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from redproperty.demo.accounts import ACCOUNTS, PASSWORD, USERNAMES


class Command(BaseCommand):
    help = "Print the demo accounts with their password and jurisdiction."

    def handle(self, *args, **options):
        emails = dict(get_user_model().objects.filter(username__in=USERNAMES).values_list("username", "email"))
        if not emails:
            self.stdout.write(_("No demo accounts in this database; run `manage.py load_demo` first."))
            return
        self.stdout.write(
            _("Demo logins on %(url)s — password for all: %(password)s")
            % {"url": "http://127.0.0.1:8000/admin/", "password": PASSWORD}
        )
        self.stdout.write(f"  {_('username'):<10} {_('email'):<34} {_('sees')}")
        for username, *_details, purpose in ACCOUNTS:
            if username in emails:
                self.stdout.write(f"  {username:<10} {emails[username]:<34} {purpose}")
