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

import datetime
import inspect
import re

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import NON_FIELD_ERRORS as DJANGO_NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django.urls import include, path, re_path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from django.utils import translation
from django.utils.functional import lazy
from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions, filters, permissions, serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from complaints.models import Complaint
from integrations.authentication import ApiKeyAuthentication
from integrations.services import api_key_issue_for_login
from complaints.rates import month_bounds, rates_for
from redproperty.overview import FIGURES, overview_figures
from redproperty.throttling import SignInRateThrottle
from redproperty.parsers import PARSER_CLASSES, PHOTO_PARSER_CLASSES


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
        help_text=_("For 400: messages per field (nested fields as `members.0.name`; errors of no one "
                    "field under `non_field_errors`); otherwise empty."),
    )


def _flatten(detail, prefix="") -> dict[str, list[str]]:
    """{"members": [{"name": ["x"]}]} → {"members.0.name": ["x"]}. Errors of no one field (a
    serializer's or a model's clean(), Django's `__all__`) are all under `non_field_errors`."""
    if isinstance(detail, dict):
        out = {}
        for key, value in detail.items():
            key = api_settings.NON_FIELD_ERRORS_KEY if key == DJANGO_NON_FIELD_ERRORS else str(key)
            name = f"{prefix}.{key}" if prefix else key
            for field, messages in _flatten(value, name).items():
                out.setdefault(field, []).extend(messages)
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
        body = {"code": "invalid", "detail": str(pgettext_lazy("api", "Invalid input.")), "errors": _flatten(exc.detail)}
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
    415: _("The body is not JSON (multipart/form-data only where photos are sent)."),
    429: _("Too many requests; retry after the `Retry-After` seconds."),
}


# Summaries of the standard actions; `%(one)s` is the model's verbose name, `%(many)s` its plural.
ACTION_SUMMARIES = {
    "list": "List %(many)s",
    "retrieve": "Get one %(one)s",
    "create": "Create a %(one)s",
    "update": "Replace a %(one)s",
    "partial_update": "Change some fields of a %(one)s",
    "destroy": "Delete a %(one)s",
}


def own_doc(cls) -> str:
    """The class's own docstring (not one inherited from our base classes), cleaned."""
    doc = cls.__dict__.get("__doc__")
    return inspect.cleandoc(doc) if isinstance(doc, str) else ""


def _model_of(view):
    queryset = getattr(view, "queryset", None)
    return queryset.model if queryset is not None else None


class ApiAutoSchema(AutoSchema):
    """drf-spectacular AutoSchema for machines: the error responses an operation can return,
    a summary on every operation, one tag per resource (the first path segment after
    /api/v1/), and descriptions from the view's own docstrings only.

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
            codes |= {400, 415}
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

    def get_summary(self):
        action = getattr(self.view, "action", None)
        model = _model_of(self.view)
        if model is not None and action in ACTION_SUMMARIES:
            names = {"one": str(model._meta.verbose_name), "many": str(model._meta.verbose_name_plural)}
            return ACTION_SUMMARIES[action] % names
        handler = getattr(self.view, action or self.method.lower(), None)
        doc = inspect.getdoc(handler) or own_doc(type(self.view))
        # The first sentence of the handler's docstring, e.g. "resolved → closed without a rating".
        return doc.split("\n\n")[0].split(". ")[0].replace("\n", " ").rstrip(".")

    def get_description(self):
        handler = getattr(self.view, getattr(self.view, "action", None) or self.method.lower(), None)
        return (inspect.getdoc(handler) if handler and handler.__doc__ else "") or own_doc(type(self.view))

    def get_tags(self):
        return [tag_of(self.path)]


def tag_of(path: str) -> str:
    """The resource an /api/v1/ path belongs to: `/api/v1/complaint-events/{id}/` → complaint-events."""
    return path.removeprefix("/api/v1/").split("/")[0]


def tag_description(view_class) -> str:
    model = _model_of(view_class)
    doc = own_doc(view_class)
    if doc:
        return doc.split("\n\n")[0].replace("\n", " ")
    if model is not None:
        return f"{str(model._meta.verbose_name_plural).capitalize()} in your jurisdiction."
    return ""


ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}


def schema_postprocess(result, generator, request, public):
    """drf-spectacular postprocessing hook: servers, described tags, integer ids from 1."""
    result["servers"] = [{"url": "/", "description": "This server (paths start with /api/v1/)."}]
    views = {}
    for path, _regex, _method, view in generator.endpoints:
        views.setdefault(tag_of(path), getattr(view, "cls", type(view)))
    result["tags"] = [{"name": tag, "description": tag_description(views[tag]) or tag}
                      for tag in sorted({t for ops in result["paths"].values() for op in ops.values()
                                         for t in op.get("tags", [])})]
    for ops in result["paths"].values():
        for operation in ops.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter.get("schema", {}).get("type") == "integer":
                    parameter["schema"] = {**parameter["schema"], **ID_SCHEMA}
    return result


class PrimaryKeyFieldExtension(OpenApiSerializerFieldExtension):
    """A related record named by its id: an integer from 1."""

    target_class = "rest_framework.relations.PrimaryKeyRelatedField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        return dict(ID_SCHEMA)


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "integrations.authentication.ApiKeyAuthentication"
    name = ["tokenAuth", "bearerAuth"]
    priority = 1

    def get_security_requirement(self, auto_schema):
        # Either scheme alone is enough: two requirement objects, not one with both.
        return [{"tokenAuth": []}, {"bearerAuth": []}]

    def get_security_definition(self, auto_schema):
        return [
            {"type": "apiKey", "in": "header", "name": "Authorization",
             "description": "An API key: `Authorization: Token <key>`. Staff get a personal key from "
                            "POST /api/v1/auth/token/; integrators get theirs from the district staff."},
            {"type": "http", "scheme": "bearer",
             "description": "The same API key as `Authorization: Bearer <key>`."},
        ]


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

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["next"]["example"] = "http://127.0.0.1:8000/api/v1/complaints/?cursor=cD0yMDI2LTExLTI2"
        response["properties"]["previous"]["example"] = "http://127.0.0.1:8000/api/v1/complaints/?cursor=cj0xJnA9NDg3"
        return response


ID_PATTERN = re.compile(r"[1-9][0-9]{0,17}")


class ApiViewMixin:
    """What every /api/ view shares: token first (so a missing credential is 401, not 403),
    the one error shape, and the schema with error codes."""

    authentication_classes = [ApiKeyAuthentication, SessionAuthentication]
    # JSON only: the browsable API's forms would list every related record as a choice.
    # People read the API through Swagger UI (/api/docs/).
    renderer_classes = [JSONRenderer]
    parser_classes = PARSER_CLASSES  # JSON only; see redproperty/parsers.py
    schema = ApiAutoSchema()

    def get_exception_handler(self):
        return exception_handler


class ScopedViewSetMixin(ApiViewMixin):
    """Subclasses set `queryset = Model.objects.none()` and may extend `get_queryset()` with
    select_related / prefetch_related / annotations; the rows come from `visible_to()`."""

    permission_classes = [ModelPermissions]
    pagination_class = RegisterPagination
    filter_backends = [DjangoFilterBackend, filters.SearchFilter, filters.OrderingFilter]
    multipart_actions: tuple[str, ...] = ()  # actions that take photos: multipart/form-data as well as JSON

    def get_parsers(self):
        if getattr(self, "action", None) in self.multipart_actions:
            return [parser() for parser in PHOTO_PARSER_CLASSES]
        return super().get_parsers()

    def initialize_request(self, request, *args, **kwargs):
        request = super().initialize_request(request, *args, **kwargs)
        # The parsers were chosen before the viewset knew its action; choose again now it does.
        request.parsers = self.get_parsers()
        return request

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
@extend_schema_field(ID_SCHEMA)
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
    # Lazy, so that the label is in the language of the request (the schema's is English).
    after = lazy(lambda: _("%(f)s on or after") % {"f": label}, str)()
    before = lazy(lambda: _("%(f)s on or before") % {"f": label}, str)()
    return (
        django_filters.DateFilter(field_name=field_name, lookup_expr="gte", label=after),
        django_filters.DateFilter(field_name=field_name, lookup_expr="lte", label=before),
    )


# ---------------------------------------------------------------------------
# Token, overview, schema and docs
# ---------------------------------------------------------------------------
class CredentialsSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"})


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("Send it as `Authorization: Token <key>` (or `Bearer <key>`)."))


class TokenView(ApiViewMixin, APIView):
    """POST username and password, get a new personal API key, valid for API_TOKEN_HOURS
    (24 by default). Integrators get long-lived keys from the district staff instead."""

    authentication_classes = []  # the credentials are in the body; the operation is open
    permission_classes = [permissions.AllowAny]
    throttle_classes = [SignInRateThrottle]  # slows password guessing; lockouts: redproperty/lockout.py
    parser_classes = PARSER_CLASSES

    @extend_schema(
        request=CredentialsSerializer,
        responses={200: TokenResponseSerializer},
        operation_id="auth_token_create",
        summary="Get an API token with a username and password",
    )
    def post(self, request, *args, **kwargs):
        # AuthTokenSerializer authenticates through django.contrib.auth.authenticate(request=...),
        # so login protections (lockouts) apply here as on the admin's login page.
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        return Response({"token": api_key_issue_for_login(user=serializer.validated_data["user"])})


class RatesSerializer(serializers.Serializer):
    """The three rates (三率) of complaints received in one month, and the counts behind them
    (definitions in complaints/rates.py)."""

    month = serializers.DateField(help_text=_("First day of the month."))
    received = serializers.IntegerField()
    response_due = serializers.IntegerField(
        help_text=_("Received and responded to, or past the response deadline: the response rate's denominator."))
    responded_in_time = serializers.IntegerField()
    due = serializers.IntegerField(
        help_text=_("Resolved, or past the resolution deadline (before the month's end or now, whichever is "
                    "earlier): the resolution rate's denominator."))
    resolved = serializers.IntegerField()
    rated = serializers.IntegerField()
    satisfied = serializers.IntegerField()
    response_rate = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True, help_text=_("Percent."))
    resolution_rate = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True, help_text=_("Percent."))
    satisfaction_rate = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True, help_text=_("Percent."))


class OverviewQuerySerializer(serializers.Serializer):
    month = serializers.RegexField(
        r"^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$", required=False,
        help_text=_("The month of the rates, YYYY-MM (Asia/Shanghai); default the current month."),
    )


class OverviewView(ApiViewMixin, APIView):
    """The caller's jurisdiction at a glance: the figures of `manage.py overview --json`
    and one month's three rates (response, resolution, satisfaction) as they stand now:
    `?month=2026-10`, by default the current month."""

    permission_classes = [permissions.IsAuthenticated]
    extra_error_codes = (400,)

    @extend_schema(
        parameters=[OverviewQuerySerializer],
        responses={200: inline_serializer("Overview", {
            "figures": inline_serializer("OverviewFigures", {
                key: serializers.IntegerField(help_text=label) for key, label in FIGURES.items()
            }),
            "rates": RatesSerializer(),
        })},
        summary="Figures and one month's three rates of your jurisdiction",
    )
    def get(self, request):
        query = OverviewQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        now = timezone.now()
        month = query.validated_data.get("month")
        start, end = month_bounds(datetime.date.fromisoformat(f"{month}-01") if month else timezone.localdate(now))
        rates = rates_for(start=start, end=end, now=now, queryset=Complaint.objects.visible_to(request.user))
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


@extend_schema(exclude=True)
class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, in English whatever the request's language: it is read by code
    generators, whose identifiers come from its titles."""

    def dispatch(self, request, *args, **kwargs):
        with translation.override("en"):
            response = super().dispatch(request, *args, **kwargs)
            response.render()  # lazy texts become English here, not in the middleware later
        return response


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
        path("schema/", SchemaView.as_view(), name="schema"),
        path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
        re_path(r"^", NotFoundView.as_view()),
    ]


__all__ = [
    "Conflict", "PayloadTooLarge", "ErrorSerializer", "exception_handler", "ApiAutoSchema",
    "ModelPermissions", "RegisterPagination", "TimelinePagination", "ApiViewMixin",
    "ScopedModelViewSet", "ScopedReadOnlyModelViewSet", "ScopedModelSerializer",
    "ScopedPrimaryKeyRelatedField", "scoped_queryset", "IdFilter", "SubsetFilter", "place_filterset", "date_range",
]
