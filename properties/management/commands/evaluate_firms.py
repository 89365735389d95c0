"""`python manage.py evaluate_firms --period 2026Q3`: the quarterly evaluation, in the foreground."""
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from properties.evaluation import Quarter, firms_evaluate
from properties.models import EvaluationScheme, EvaluationStatus, Grade


class Command(BaseCommand):
    help = "Evaluate every firm for one quarter (the same service Celery runs on schedule) and print a summary."

    def add_arguments(self, parser):
        parser.add_argument("--period", help="Quarter such as 2026Q3; default: the quarter just ended.")
        parser.add_argument("--scheme-version", type=int, help="Scheme version; default: the one in use.")

    def handle(self, *args, period=None, scheme_version=None, **options):
        try:
            quarter = Quarter.parse(period) if period else Quarter.just_ended()
            scheme = EvaluationScheme.objects.get(version=scheme_version) if scheme_version else None
        except (ValidationError, EvaluationScheme.DoesNotExist) as exc:
            raise CommandError(exc.messages[0] if isinstance(exc, ValidationError) else _("No such scheme version."))
        summary = firms_evaluate(period=str(quarter), scheme=scheme)
        write = self.stdout.write
        write(_("Quarter %(period)s, scheme v%(scheme_version)s: %(contracts)s contracts, %(firms)s firms") % summary)
        for status in EvaluationStatus:
            write(f"  {status.label}: {summary['status'][status.value]}")
        write(_("Contracts per grade:"))
        for grade in Grade:
            write(f"  {grade.label}: {summary['grades'][grade.value]}")
        write(_("Firms per grade:"))
        for grade in Grade:
            write(f"  {grade.label}: {summary['firm_grades'][grade.value]}")
        if summary["consequences"]:
            write(_("New consequences: %(list)s") % {
                "list": ", ".join(f"{k} {v}" for k, v in sorted(summary["consequences"].items()))})
