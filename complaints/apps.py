from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        # Register the Celery tasks in every process (not only in a worker that autodiscovered
        # them), so that the outbox can run them eagerly in tests and single-process runs.
        from . import tasks  # noqa: F401
