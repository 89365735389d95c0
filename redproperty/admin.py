"""Shared building blocks of the admin, the district staff's door.

Every admin of a record that belongs somewhere is scoped by the one jurisdiction rule
(`Model.objects.visible_to(user)`, see redproperty/scoping.py). Use:

    from redproperty.admin import ScopedModelAdmin, ScopedTabularInline

    @admin.register(Complaint)
    class ComplaintAdmin(ScopedModelAdmin):        # SimpleHistoryAdmin + ScopedAdminMixin
        list_display = [...]
        autocomplete_fields = ["complex"]

    class EventInline(ScopedTabularInline):         # TabularInline + ScopedAdminMixin
        model = ComplaintEvent

or put `ScopedAdminMixin` first in the bases of any ModelAdmin or inline. What it does:

- `get_queryset` narrows the admin's own queryset (its ordering and select_related kept)
  with `visible_to(request.user)`. Lists, change, delete and history pages, bulk actions and
  the autocomplete endpoint (which asks the *target* admin's `get_queryset`) all go through
  it, so a record out of scope behaves exactly like a record that does not exist: the change
  page redirects to the admin index with Django's "doesn't exist" message, the history page
  answers 404.
- foreign-key and many-to-many form fields offer only `visible_to(request.user)` of the
  related model (ordered as that model's admin orders it), so a form that names an
  out-of-scope parent fails with "Select a valid choice" and saves nothing. Related models
  without `visible_to` (users, complaint categories) are left alone.
- related-field list filters (`list_filter = ["complex__community"]`) offer only visible
  choices, so filter sidebars do not leak the names of other communities' records.

History pages (django-simple-history) only read: see `ReadOnlyHistoryMixin`; unscoped
admins with an audit trail use `HistoryAdmin`.

Admins that add derived columns override `get_queryset`, call `super()` first and annotate
the scoped queryset (annotations after the jurisdiction filter). Mind that the changelist
skips `list_select_related` when `get_queryset` already joins anything: a `get_queryset`
that calls `select_related` must name everything the list needs.
"""
from __future__ import annotations

import re

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets, get_fields_from_path, unquote
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .pagination import CappedPaginator



def scoped_choices(admin_site, model, request):
    """The records of `model` that `request.user` may pick, or None when `model` is not scoped.

    Ordered as `model`'s own admin orders its list, else by the model's Meta.ordering."""
    manager = model._default_manager
    if not hasattr(manager, "visible_to"):
        return None
    queryset = manager.visible_to(request.user)
    related_admin = admin_site._registry.get(model)
    ordering = related_admin.get_ordering(request) if related_admin is not None else ()
    return queryset.order_by(*ordering) if ordering else queryset


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A related-field list filter offering only the related records the user may see.

    Costs one query; the related model's __str__ must not reach across relations."""

    def field_choices(self, field, request, model_admin):
        queryset = scoped_choices(model_admin.admin_site, field.related_model, request)
        if queryset is None:
            return super().field_choices(field, request, model_admin)
        return [(obj.pk, str(obj)) for obj in queryset]


class BooleanAnnotationFilter(admin.SimpleListFilter):
    """A yes/no list filter on a boolean that the admin's get_queryset annotates.

    Subclass with `title`, `parameter_name` and `annotation` (the annotated name)."""

    annotation: str

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(**{self.annotation: self.value() == "yes"})
        return queryset


class ScopedAdminMixin:
    """Scopes a ModelAdmin or an inline by `visible_to(request.user)`; see the module docstring."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not hasattr(queryset, "visible_to"):
            raise ImproperlyConfigured(
                f"{type(self).__name__}: {self.model.__name__} has no visible_to(); "
                "give its QuerySet a JurisdictionQuerySet base or use a plain ModelAdmin."
            )
        return queryset.visible_to(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            queryset = scoped_choices(self.admin_site, db_field.remote_field.model, request)
            if queryset is not None:
                kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            queryset = scoped_choices(self.admin_site, db_field.remote_field.model, request)
            if queryset is not None:
                kwargs["queryset"] = queryset
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_list_filter(self, request):
        return [self._scoped_list_filter(entry) for entry in super().get_list_filter(request)]

    def _scoped_list_filter(self, entry):
        if not isinstance(entry, str):
            return entry
        try:
            field = get_fields_from_path(self.model, entry)[-1]
        except (FieldDoesNotExist, ImproperlyConfigured):
            return entry
        if field.is_relation and (field.many_to_one or field.one_to_one or field.many_to_many):
            return (entry, ScopedRelatedFieldListFilter)
        return entry


VERSION_ID = re.compile(r"[0-9]{1,18}")


class ReadOnlyHistoryMixin:
    """django-simple-history's pages, reading only: the history list and each past version
    shown read-only, no "Revert".

    Simple-history's revert saves the whole past row through the change form, around the
    services, the state machines and the form's read-only fields (a closed, rated complaint
    went back to "resolved" with its rating wiped and no event). Every write here goes
    through the record's own page or its service, so a POST to a version page is refused
    (403) and changes nothing. A version id or object id that is not a number is 404."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        record = self._historical_record(object_id, version_id)
        obj = record.instance
        obj._state.adding = False
        fieldsets = self.get_fieldsets(request, obj)
        form = self.get_form(request, obj, fields=())(instance=obj)
        adminform = helpers.AdminForm(
            form, fieldsets, {}, readonly_fields=flatten_fieldsets(fieldsets), model_admin=self
        )
        context = {**(extra_context or {}), "adminform": adminform, "media": self.media + adminform.media}
        return super().history_form_view(request, object_id, version_id, extra_context=context)

    def history_view(self, request, object_id, extra_context=None):
        self._history_pk(object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def _history_pk(self, object_id):
        try:
            pk = self.model._meta.pk.to_python(unquote(object_id))
        except (ValidationError, ValueError):
            raise Http404 from None
        if pk is None:
            raise Http404
        return pk

    def _historical_record(self, object_id, version_id):
        """The past version, or 404 for ids that are malformed or name no version of this record."""
        pk = self._history_pk(object_id)
        if not VERSION_ID.fullmatch(str(version_id)):
            raise Http404
        history_model = getattr(self.model, self.model._meta.simple_history_manager_attribute).model
        record = history_model.objects.filter(**{self.model._meta.pk.attname: pk, "history_id": int(version_id)}).first()
        if record is None:
            raise Http404
        return record


class HistoryAdmin(ReadOnlyHistoryMixin, SimpleHistoryAdmin):
    """The base of an unscoped admin with an audit trail (categories, evaluation schemes)."""


class ScopedModelAdmin(ScopedAdminMixin, ReadOnlyHistoryMixin, SimpleHistoryAdmin):
    """The base of every admin of a scoped model: scoped, with django-simple-history's audit trail.

    simple_history's history pages look an object up on their own (and fall back to its
    last historical version), so they are scoped here: staff other than superusers see the
    history only of records currently visible to them; any other id answers 404, as an id
    that never existed does."""

    # Lists count at most DASHBOARD_COUNT_CAP rows (a LIMIT inside the COUNT) and only once:
    # a million complaints are never counted whole (templates/admin/pagination.html says
    # "more than" past the cap).
    paginator = CappedPaginator
    show_full_result_count = False

    def _require_visible(self, request, object_id):
        if request.user.is_superuser:
            return
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._require_visible(request, object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._require_visible(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context=extra_context)


class ScopedTabularInline(ScopedAdminMixin, admin.TabularInline):
    """A tabular inline whose rows and choices are scoped like ScopedModelAdmin's."""


class ScopedStackedInline(ScopedAdminMixin, admin.StackedInline):
    """A stacked inline whose rows and choices are scoped like ScopedModelAdmin's."""


# The PIPL audit's admin registers itself (autodiscovery imports this module only).
from . import pipl_admin  # noqa: E402,F401
