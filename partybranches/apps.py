from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartybranchesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "partybranches"
    verbose_name = _("Party building")

    def ready(self):
        # Register the Celery tasks in every process (not only in a worker that autodiscovered
        # them), so that the outbox can run them eagerly and beat's rows always name a task.
        from . import tasks  # noqa: F401
