"""The project's admin site: Django's, with autocomplete labels a ModelAdmin may choose.

Django's autocomplete answers with `str(obj)`; a ModelAdmin that sets `autocomplete_label`
(a method taking the record) and `autocomplete_select_related` (what that label reads) gives
its records a richer label there, without changing `__str__` everywhere else. Installed as the
default site by redproperty.apps.AdminConfig, so `admin.site` and `@admin.register` are this."""
from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView as DjangoAutocompleteJsonView
from django.utils.translation import gettext_lazy as _


class AutocompleteJsonView(DjangoAutocompleteJsonView):
    def get_queryset(self):
        queryset = super().get_queryset()
        related = getattr(self.model_admin, "autocomplete_select_related", None)
        return queryset.select_related(*related) if related else queryset

    def serialize_result(self, obj, to_field_name):
        label = getattr(self.model_admin, "autocomplete_label", None)
        return {"id": str(getattr(obj, to_field_name)), "text": label(obj) if label else str(obj)}


class AdminSite(admin.AdminSite):
    site_header = _("Red Property platform")
    site_title = _("Red Property platform")
    index_title = _("Red Property platform administration")

    def autocomplete_view(self, request):
        return AutocompleteJsonView.as_view(admin_site=self)(request)
