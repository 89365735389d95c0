"""The admin's "Export selected to Excel" action, on the list of every model that has an
export (complaints, evaluations, the registers). Added to those ModelAdmins from here, so the
apps' admin modules need not import the dashboard."""
from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import exports


@admin.action(description=_("Export selected to Excel"))
def export_selected(modeladmin, request, queryset):
    """The selected rows (already scoped by the admin's get_queryset) with the export's
    columns; more than DASHBOARD_EXPORT_ASYNC_ROWS are written by the Celery worker."""
    from django.http import Http404

    from redproperty.models import AccessDoor

    from .views import export_response

    export = exports.export_for_model(queryset.model)
    if export is None or not exports.may_export(request.user, export):
        raise Http404
    rows = export.queryset(request.user, {}).filter(pk__in=queryset.values("pk"))
    ids = None
    if rows.count() > _async_rows():
        ids = list(queryset.values_list("pk", flat=True))
    return export_response(request, export, rows, {"ids": ids} if ids is not None else {}, door=AccessDoor.ADMIN)


def _async_rows() -> int:
    from django.conf import settings

    return settings.DASHBOARD_EXPORT_ASYNC_ROWS


def register() -> None:
    """Add the action to the admin of each exportable model."""
    for export in exports.exports().values():
        model_admin = admin.site._registry.get(export.model)
        if model_admin is None:
            continue
        actions = list(model_admin.actions or [])
        if export_selected not in actions:
            model_admin.actions = [*actions, export_selected]
