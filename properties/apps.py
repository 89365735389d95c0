from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PropertiesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "properties"
    verbose_name = _("Property firms and services")

    def ready(self):
        # Register the Celery tasks in every process, so that the outbox can run them eagerly
        # (tests, single-process runs) and not only in a worker that autodiscovered them.
        from . import tasks  # noqa: F401
