from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartybranchesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "partybranches"
    verbose_name = _("Party building")
