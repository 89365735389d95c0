from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """/dashboard/: district and subdistrict figures, firm report cards, Excel in and out.

    The top of the house beside the firm evaluation: it reads every app (complaints through
    complaints.rates), writes only through the apps' services, and nothing imports it."""

    name = "dashboard"
    verbose_name = _("Dashboard")

    def ready(self):
        # After the admin has autodiscovered every app's admin module (INSTALLED_APPS order).
        from . import admin_actions
        from . import tasks  # noqa: F401  (registered in every process, so the outbox can run it eagerly)

        admin_actions.register()
