"""Building blocks of the REST API, used by every app's `api/` package, and the API's URLs.

- One JSON error shape for every failure (`ErrorSerializer`, `exception_handler`), documented
  on every operation by `ApiAutoSchema`.
- `ScopedModelViewSet` / `ScopedReadOnlyModelViewSet`: start from `Model.objects.none()`,
  read through `Model.objects.visible_to(user)`, require Django model permissions (the view
  permission for reads too). Out of scope is 404 on detail and absent from lists.
- `ScopedModelSerializer`: every writable related field offers only records the caller may
  see, and the model's own `full_clean()` (clean() and constraints) runs before saving.
- `place_filterset(path)`: the district / subdistrict / community / complex filters of a list.
- Pagination: page numbers on registers, cursors on complaints and their events.
"""
from __future__ import annotations

import re

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django.urls import include, path, re_path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema, inline_serializer
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework import exceptions, filters, permissions, serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from complaints.models import Complaint
from complaints.rates import month_bounds, rates_for
from redproperty.overview import FIGURES, overview_figures
from redproperty.parsers import PARSER_CLASSES


# ---------------------------------------------------------------------------
# Errors: one shape for every status code
# ---------------------------------------------------------------------------
class Conflict(exceptions.APIException):
    """409: an illegal transition, or one based on a stale status."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The request conflicts with the record's current state.")
    default_code = "conflict"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "payload_too_large"


class ErrorSerializer(serializers.Serializer):
    """The body of every error response of /api/."""

    code = serializers.CharField(help_text=_("Machine-readable code, e.g. invalid, not_found, conflict, throttled."))
    detail = serializers.CharField(help_text=_("A human-readable message in the request's language."))
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=_("For 400: messages per field (nested fields as `members.0.name`); otherwise empty."),
    )


def _flatten(detail, prefix="") -> dict[str, list[str]]:
    """{"members": [{"name": ["x"]}]} → {"members.0.name": ["x"]}."""
    if isinstance(detail, dict):
        out = {}
        for key, value in detail.items():
            out.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(detail, list) and any(isinstance(item, (dict, list)) for item in detail):
        out = {}
        for index, item in enumerate(detail):
            if item:
                out.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
        return out
    items = detail if isinstance(detail, list) else [detail]
    return {prefix or api_settings.NON_FIELD_ERRORS_KEY: [str(item) for item in items]}


def as_api_exception(exc):
    """Translate Django's exceptions into DRF's; return None for anything else."""
    if isinstance(exc, (ProtectedError, RestrictedError)):
        return Conflict(_("Other records still refer to this one; it cannot be deleted."))
    if isinstance(exc, IntegrityError):
        return Conflict(_("The change conflicts with another record (it was changed at the same time)."))
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(serializers.as_serializer_error(exc))
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge()
    if isinstance(exc, exceptions.APIException):
        return exc
    return None


def exception_handler(exc, context):
    """DRF exception handler: every error as `{code, detail, errors}` (see ErrorSerializer)."""
    exc = as_api_exception(exc)
    if exc is None:
        return None  # a real server error: Django's 500 handling and logging
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, exceptions.ValidationError):
        body = {"code": "invalid", "detail": str(_("Invalid input.")), "errors": _flatten(exc.detail)}
    else:
        body = {"code": exc.default_code, "detail": str(exc.detail), "errors": {}}
    return Response(body, status=exc.status_code, headers=headers)


# ---------------------------------------------------------------------------
# Schema: every operation lists the error codes it can return
# ---------------------------------------------------------------------------
ERROR_DESCRIPTIONS = {
    400: _("Invalid input: field errors in `errors`."),
    401: _("No or bad credentials (send `Authorization: Token <key>`)."),
    403: _("Authenticated, but without the model permission for this operation."),
    404: _("No such record in your jurisdiction, or no such page."),
    409: _("A transition not allowed from the complaint's current (or expected) status; "
           "or a record still referred to by others."),
    413: _("An upload is too large."),
    429: _("Too many requests; retry after the `Retry-After` seconds."),
}


class ApiAutoSchema(AutoSchema):
    """drf-spectacular AutoSchema that adds the error responses an operation can return.

    A view may list more codes in `extra_error_codes` (e.g. 409 on transitions)."""

    def error_codes(self) -> set[int]:
        view = self.view
        codes = set(getattr(view, "extra_error_codes", ()))
        needs_auth = not any(
            isinstance(p, permissions.AllowAny) for p in view.get_permissions()
        )
        if needs_auth:
            codes |= {401, 403}
        if self.method in ("POST", "PUT", "PATCH"):
            codes.add(400)
        if self.method == "DELETE":
            codes.add(409)
        if self.method == "GET" and self._is_list_view():
            codes |= {400, 404}  # a filter value of the wrong type; a page past the end
        if "{" in self.path:
            codes.add(404)
        if getattr(view, "throttle_classes", None):
            codes.add(429)
        return codes

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in sorted(self.error_codes()):
            if str(code) not in responses:
                response = self._get_response_for_code(ErrorSerializer, str(code), direction=direction)
                response["description"] = str(ERROR_DESCRIPTIONS[code])
                responses[str(code)] = response
        return responses


# ---------------------------------------------------------------------------
# Permissions, pagination, base views
# ---------------------------------------------------------------------------
class ModelPermissions(permissions.DjangoModelPermissions):
    """Django model permissions, with the view permission required for reads.

    A view may map its extra actions to other permissions in `action_permissions`, e.g.
    {"accept": ["%(app_label)s.change_%(model_name)s"]}."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request, view):
        custom = getattr(view, "action_permissions", {}).get(getattr(view, "action", None))
        if custom is None:
            return super().has_permission(request, view)
        if not request.user or not request.user.is_authenticated:
            return False
        model = self._queryset(view).model
        kwargs = {"app_label": model._meta.app_label, "model_name": model._meta.model_name}
        return request.user.has_perms([perm % kwargs for perm in custom])


class RegisterPagination(PageNumberPagination):
    """Registers: ?page=N&page_size=M (default 50, at most 200)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class TimelinePagination(CursorPagination):
    """Complaints and their events: stable cursors over a growing list, ordered by the view's `ordering`."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_ordering(self, request, queryset, view):
        return tuple(view.ordering)


ID_PATTERN = re.compile(r"[1-9][0-9]{0,17}")


class ApiViewMixin:
    """What every /api/ view shares: token first (so a missing credential is 401, not 403),
    the one error shape, and the schema with error codes."""

    authentication_classes = [TokenAuthentication, SessionAuthentication]
    # JSON only: the browsable API's forms would list every related record as a choice.
    # People read the API through Swagger UI (/api/docs/).
    renderer_classes = [JSONRenderer]
    schema = ApiAutoSchema()

    def get_exception_handler(self):
        return exception_handler


class ScopedViewSetMixin(ApiViewMixin):
    """Subclasses set `queryset = Model.objects.none()` and may extend `get_queryset()` with
    select_related / prefetch_related / annotations; the rows come from `visible_to()`."""

    permission_classes = [ModelPermissions]
    pagination_class = RegisterPagination
    filter_backends = [DjangoFilterBackend, filters.SearchFilter, filters.OrderingFilter]

    def get_queryset(self):
        return scoped_queryset(self.queryset.model, self.request.user)

    def get_object(self):
        # An id the database could not even store is as absent as any other.
        if not ID_PATTERN.fullmatch(str(self.kwargs.get(self.lookup_url_kwarg or self.lookup_field, ""))):
            raise exceptions.NotFound()
        return super().get_object()


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """Each write in a savepoint, so that a refused one leaves nothing behind; the answer is
    the record re-read through get_queryset(), with the annotations a list shows."""

    def _reread(self, serializer):
        serializer.instance = self.get_queryset().filter(pk=serializer.instance.pk).first() or serializer.instance

    def perform_create(self, serializer):
        with transaction.atomic():
            super().perform_create(serializer)
        self._reread(serializer)

    def perform_update(self, serializer):
        with transaction.atomic():
            super().perform_update(serializer)
        self._reread(serializer)

    def perform_destroy(self, instance):
        with transaction.atomic():
            super().perform_destroy(instance)


class ScopedReadOnlyModelViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


# ---------------------------------------------------------------------------
# Serializers: scoped related fields and the model's own validation
# ---------------------------------------------------------------------------
def scoped_queryset(model, user):
    """`visible_to(user)` for scoped models; reference data without a jurisdiction (categories) is shared."""
    manager = model._default_manager
    return manager.visible_to(user) if hasattr(manager, "visible_to") else manager.all()


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary-key field that accepts only records the requesting user may see.

    An id outside the caller's jurisdiction gets the same error as an id that does not exist."""

    def get_queryset(self):
        request = self.context.get("request")
        return scoped_queryset(self.queryset.model, getattr(request, "user", None))


class ScopedModelSerializer(serializers.ModelSerializer):
    """ModelSerializer whose related fields are scoped and which runs the model's full_clean()."""

    serializer_related_field = ScopedPrimaryKeyRelatedField

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        concrete = model._meta.concrete_fields
        # A copy, so that a failed validation leaves the stored instance untouched.
        instance = model()
        if self.instance is not None:
            instance = model(**{f.attname: getattr(self.instance, f.attname) for f in concrete})
            instance._state.adding, instance._state.db = False, self.instance._state.db  # unique checks skip itself
        for field in concrete:
            if field.name in attrs:
                setattr(instance, field.name, attrs[field.name])
        try:
            instance.full_clean(exclude=[f.name for f in model._meta.many_to_many])
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc))
        return attrs


# ---------------------------------------------------------------------------
# Filters
# ---------------------------------------------------------------------------
class IdFilter(django_filters.NumberFilter):
    """A record id: a positive whole number the database can hold (else 400)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class SubsetFilter(django_filters.BooleanFilter):
    """true: the rows a QuerySet method returns (`active`, `overdue`, ...); false: all the others."""

    def __init__(self, subset: str, *args, **kwargs):
        self.subset = subset
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value is None:
            return qs
        rows = getattr(qs, self.subset)()
        return rows if value else qs.exclude(pk__in=rows.values("pk"))


def place_filterset(community_path: str, complex_path: str | None = None):
    """A FilterSet base with `district`, `subdistrict`, `community` (and `complex`) id filters
    for records whose path to their Community is `community_path`. Ids, never choices: the
    filter does not load a table, and an id outside the caller's jurisdiction matches nothing."""

    def lookup(rest):
        return f"{community_path}__{rest}" if community_path else rest

    attrs = {
        "district": IdFilter(field_name=lookup("subdistrict__district_id"), label=_("district id")),
        "subdistrict": IdFilter(field_name=lookup("subdistrict_id"), label=_("subdistrict id")),
        "community": IdFilter(field_name=lookup("id"), label=_("community id")),
    }
    if complex_path:
        attrs["complex"] = IdFilter(field_name=f"{complex_path}_id", label=_("complex id"))
    return type("PlaceFilterSet", (django_filters.FilterSet,), attrs)


def date_range(field_name: str, label):
    """`<name>_after` / `<name>_before` filters, inclusive, on a date or (by its local date) datetime field."""
    return (
        django_filters.DateFilter(field_name=field_name, lookup_expr="gte", label=_("%(f)s on or after") % {"f": label}),
        django_filters.DateFilter(field_name=field_name, lookup_expr="lte", label=_("%(f)s on or before") % {"f": label}),
    )


# ---------------------------------------------------------------------------
# Token, overview, schema and docs
# ---------------------------------------------------------------------------
class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"})


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


class TokenView(ApiViewMixin, ObtainAuthToken):
    """POST username and password, get the user's API token (created on first use).
    Staff create and revoke integrators' tokens in the admin."""

    throttle_classes = [AnonRateThrottle]  # slows password guessing
    parser_classes = PARSER_CLASSES

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: TokenResponseSerializer},
        operation_id="auth_token_create",
        tags=["auth"],
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class RatesSerializer(serializers.Serializer):
    """The three rates (三率) of complaints received in one month, and the counts behind them."""

    month = serializers.DateField(help_text=_("First day of the month."))
    received = serializers.IntegerField()
    responded_in_time = serializers.IntegerField()
    due = serializers.IntegerField()
    resolved = serializers.IntegerField()
    rated = serializers.IntegerField()
    satisfied = serializers.IntegerField()
    response_rate = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True, help_text=_("Percent."))
    resolution_rate = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True, help_text=_("Percent."))
    satisfaction_rate = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True, help_text=_("Percent."))


class OverviewView(ApiViewMixin, APIView):
    """The caller's jurisdiction at a glance: the figures of `manage.py overview --json`
    and this month's three rates (response, resolution, satisfaction)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        responses={200: inline_serializer("Overview", {
            "figures": inline_serializer("OverviewFigures", {
                key: serializers.IntegerField(help_text=label) for key, label in FIGURES.items()
            }),
            "rates": RatesSerializer(),
        })},
        tags=["overview"],
    )
    def get(self, request):
        start, end = month_bounds(timezone.localdate())
        rates = rates_for(start=start, end=end, queryset=Complaint.objects.visible_to(request.user))
        return Response({
            "figures": overview_figures(request.user),
            "rates": RatesSerializer({"month": start.date(), **rates.as_dict()}).data,
        })


@extend_schema(exclude=True)
class NotFoundView(ApiViewMixin, APIView):
    """Any other path under /api/: the same JSON 404 as a missing record, not Django's HTML page."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]

    def initial(self, request, *args, **kwargs):
        raise exceptions.NotFound()


def get_urls():
    """URL patterns mounted at /api/ by redproperty/urls.py."""
    v1 = [
        path("auth/token/", TokenView.as_view(), name="token"),
        path("overview/", OverviewView.as_view(), name="overview"),
        path("", include("communities.api.urls")),
        path("", include("properties.api.urls")),
        path("", include("partybranches.api.urls")),
        path("", include("complaints.api.urls")),
    ]
    return [
        path("v1/", include((v1, "api"), namespace="api")),
        path("schema/", SpectacularAPIView.as_view(), name="schema"),
        path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
        re_path(r"^", NotFoundView.as_view()),
    ]


__all__ = [
    "Conflict", "PayloadTooLarge", "ErrorSerializer", "exception_handler", "ApiAutoSchema",
    "ModelPermissions", "RegisterPagination", "TimelinePagination", "ApiViewMixin",
    "ScopedModelViewSet", "ScopedReadOnlyModelViewSet", "ScopedModelSerializer",
    "ScopedPrimaryKeyRelatedField", "scoped_queryset", "IdFilter", "SubsetFilter", "place_filterset", "date_range",
]
