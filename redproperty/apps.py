from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from .text import install_form_validator

# Every form's text fields refuse control characters (redproperty/text.py). Here, while the
# app registry is still being populated, not in ready(): the admin's ready() (the first app)
# already imports admin modules whose forms declare their fields.
install_form_validator()


class RedPropertyConfig(AppConfig):
    """The project's shared pieces: the task outbox and project-wide commands (load_demo)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "redproperty"
    verbose_name = _("Platform")

    def ready(self):
        # Register the outbox sweeper in every process, so the outbox can run it eagerly too.
        from . import tasks  # noqa: F401
        from .cache import create_cache_tables

        # Rate limits count in the database cache unless REDIS_URL is set; migrate makes its table.
        post_migrate.connect(create_cache_tables, sender=self)
        # Role groups as redproperty/roles.py says after every migrate, whatever the order the
        # apps' data migrations ran in.
        post_migrate.connect(sync_roles_after_migrate, sender=self, dispatch_uid="redproperty.sync_roles")

        from axes.signals import user_locked_out

        from .lockout import flag_drf_request

        user_locked_out.connect(flag_drf_request, dispatch_uid="redproperty.lockout.flag_drf_request")


def sync_roles_after_migrate(sender, apps=None, **kwargs):
    # `flush` (a transactional test's teardown) sends post_migrate without the migration state's
    # `apps`: nothing to sync then (sync_role_groups needs that registry, not the global one).
    if apps is None:
        return
    from .roles import sync_role_groups

    sync_role_groups(apps)


class AdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the project's site (redproperty/admin_site.py)."""

    default = False  # named in INSTALLED_APPS; RedPropertyConfig stays this module's default
    default_site = "redproperty.admin_site.AdminSite"
