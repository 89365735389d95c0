"""`manage.py load_demo`: build the Guandu demo district (see redproperty/demo/).

The demo goes into an empty database only. On a database that already holds a district or a
demo account it changes nothing: it stops with an error, or with `--if-empty` (what
`make run` uses) it says so and exits successfully."""
from __future__ import annotations

import datetime
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from communities.models import District
from redproperty import demo
from redproperty.demo.accounts import USERNAMES


class Command(BaseCommand):
    help = "Load the Guandu demo data into an empty database."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="On a database that is not empty, do nothing and exit successfully."
        )
        parser.add_argument(
            "--today", type=datetime.date.fromisoformat, default=None,
            help="The day the demo year ends on (YYYY-MM-DD); default today.",
        )

    def handle(self, *args, if_empty=False, today=None, **options):
        reason = self._not_empty_reason()
        if reason:
            message = _("The database is not empty (%(reason)s); load_demo changed nothing.") % {"reason": reason}
            if if_empty:
                self.stdout.write(message)
                return
            raise CommandError(message + " " + _("Use an empty database, or --if-empty to skip quietly."))

        started = time.perf_counter()

        def report(step, seconds):
            self.stdout.write(f"  {step:<14} {seconds:6.2f} s")

        self.stdout.write(_("Loading the Guandu demo data:"))
        demo.run(today=today, report=report)
        seconds = f"{time.perf_counter() - started:.2f}"
        self.stdout.write(self.style.SUCCESS(_("Demo data loaded in %(seconds)s s.") % {"seconds": seconds}))

    @staticmethod
    def _not_empty_reason() -> str:
        districts = District.objects.count()
        if districts:
            return _("districts: %(count)d") % {"count": districts}
        users = list(get_user_model().objects.filter(username__in=USERNAMES).values_list("username", flat=True))
        if users:
            return _("demo accounts: %(names)s") % {"names": ", ".join(sorted(users))}
        return ""
