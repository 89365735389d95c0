from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "communities"
    verbose_name = _("Communities and complexes")

    def ready(self):
        # Register the Celery tasks in every process, so that the outbox can run them eagerly.
        from . import tasks  # noqa: F401
