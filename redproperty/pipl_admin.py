"""The PIPL audit in the admin, and the export of everything held about one phone number.

- The audit (PersonalDataAccess) is read by superusers only; nobody adds, changes or deletes a
  row, and its history page is Django's log (no "revert"). A phone number typed into the
  search box is looked up by its keyed hash.
- "Export by phone number" is a page of its own for holders of
  `redproperty.export_personal_data` (district staff and superusers): the number is validated,
  the workbook of what the user's jurisdiction holds is downloaded, and the export is audited
  (redproperty/phone_export.py).
"""
from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import phone_export, pipl
from .models import AccessDoor, PersonalDataAccess

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class PhoneExportForm(forms.Form):
    phone = forms.CharField(
        label=_("phone number"), max_length=30, required=False,  # an empty one gets parse_phone's message
        help_text=_("A mobile number such as 13812345678, or a landline with its area code. The export is "
                    "recorded with your name."))

    def clean_phone(self):
        return pipl.parse_phone(self.cleaned_data["phone"])


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor_username", "kind", "door", "object_label", "phone_masked", "detail"]
    list_filter = ["kind", "door", "created_at"]
    search_fields = ["actor_username", "object_label"]
    search_help_text = _("An account name, a record (such as a tracking code) or a full phone number.")
    date_hierarchy = "created_at"
    fields = ["created_at", "actor", "actor_username", "kind", "door", "content_type", "object_id", "object_label",
              "phone_masked", "phone_hash", "detail"]
    readonly_fields = fields
    list_select_related = False  # the list reads this table's columns only

    # -- superusers read; nobody writes -------------------------------------------
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_search_results(self, request, queryset, search_term):
        """A term that is a phone number finds the accesses to that number (by its hash)."""
        try:
            e164 = pipl.parse_phone(search_term)
        except ValidationError:
            return super().get_search_results(request, queryset, search_term)
        return queryset.filter(phone_hash=pipl.phone_hash(e164)), False

    # -- export by phone number ---------------------------------------------------
    def get_urls(self):
        return [
            path("phone-export/", self.admin_site.admin_view(self.phone_export_view),
                 name="redproperty_personaldataaccess_phone_export"),
            *super().get_urls(),
        ]

    def phone_export_view(self, request):
        """GET: the form. POST: the workbook, or the form with what is wrong (nothing written)."""
        if not (request.user.is_active and request.user.has_perm(pipl.EXPORT_PERMISSION)):
            raise PermissionDenied
        form = PhoneExportForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            try:
                content, access = phone_export.personal_data_export(
                    actor=request.user, phone=form.cleaned_data["phone"], door=AccessDoor.ADMIN)
            except ValidationError as error:
                form.add_error("phone", error)
            else:
                response = HttpResponse(content, content_type=XLSX)
                response["Content-Disposition"] = f'attachment; filename="{phone_export.filename(access)}"'
                response["Cache-Control"] = "no-store"
                return response
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Export everything held about a phone number"),
            "form": form,
        }
        status = 400 if form.is_bound else 200
        return TemplateResponse(request, "admin/redproperty/phone_export.html", context, status=status)
