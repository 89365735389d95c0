"""`manage.py overview`: the district's headline figures, counted from the records."""
from __future__ import annotations

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from redproperty.overview import FIGURES, overview_figures


class Command(BaseCommand):
    help = "Print the district's headline figures as a table, or as one JSON object with --json."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print one JSON object.")
        parser.add_argument("--user", help="Count only what this user may see.")

    def handle(self, *args, as_json=False, user=None, **options):
        viewer = None
        if user:
            viewer = get_user_model().objects.filter(username=user).first()
            if viewer is None:
                raise CommandError(_("No user named %(name)s.") % {"name": user})
        figures = overview_figures(viewer)
        if as_json:
            self.stdout.write(json.dumps(figures, ensure_ascii=False))
            return
        labels = {key: str(label) for key, label in FIGURES.items()}
        width = max(len(label) for label in labels.values())
        for key, value in figures.items():
            self.stdout.write(f"{labels[key]:<{width}}  {value:>6}")

