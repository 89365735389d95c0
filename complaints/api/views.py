"""Viewsets of the complaints/ API. Every queryset comes from visible_to(); every change of a
complaint goes through complaints/services.py, exactly as the workbench's buttons do."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, filters, mixins, permissions, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from redproperty.throttling import AnonRateThrottle, unavailable
from redproperty.api import (
    ApiViewMixin, Conflict, ErrorSerializer, PayloadTooLarge, ScopedModelViewSet,
    ScopedReadOnlyModelViewSet, ScopedViewSetMixin, TimelinePagination,
)
from redproperty.models import AccessDoor
from redproperty.parsers import PHOTO_PARSER_CLASSES
from rest_framework import viewsets

from .. import services
from ..models import Category, Channel, Complaint, ComplaintEvent
from ..photos import clean_photo
from ..portal.forms import normalize_tracking_code, tail_matches
from ..portal.selectors import complaint_for_tracking
from ..ratelimit import (
    LimitsUnavailable, RateLimited, check_and_count, check_tracking_code, check_tracking_lookup,
    count_tracking_failure,
)
from . import filters as complaint_filters
from . import serializers as s


def clean_photos(uploads) -> list:
    """Each upload through complaints/photos.py; too large is 413, anything else wrong 400."""
    cleaned = []
    for upload in uploads:
        try:
            cleaned.append(clean_photo(upload))
        except DjangoValidationError as exc:
            if exc.code == "too_large":
                raise PayloadTooLarge(exc.messages[0]) from None
            raise exceptions.ValidationError({"photos": exc.messages}) from None
    return cleaned


def throttled(exc: RateLimited):
    if isinstance(exc, LimitsUnavailable):
        return unavailable(exc.retry_after)
    return exceptions.Throttled(wait=exc.retry_after, detail=str(exc.message))


class CategoryViewSet(ScopedModelViewSet):
    """Categories are shared reference data: every role may read them; the district edits them."""

    queryset = Category.objects.none()
    serializer_class = s.CategorySerializer
    filterset_class = complaint_filters.CategoryFilter
    search_fields = ["code", "name"]
    ordering_fields = ["sort_order", "code", "name"]


CHANGE = ["%(app_label)s.change_%(model_name)s"]
TRANSITION_RESPONSES = {200: s.ComplaintSerializer, 409: ErrorSerializer}


class ComplaintViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Complaints in your jurisdiction, newest first (cursor pagination). File one on a
    resident's behalf with POST; move it along with the transition actions (409 when the move
    is not possible from its status, or when `expected_status` is stale)."""

    queryset = Complaint.objects.none()
    serializer_class = s.ComplaintSerializer
    filterset_class = complaint_filters.ComplaintFilter
    filter_backends = [DjangoFilterBackend, filters.SearchFilter]
    search_fields = ["tracking_code", "description", "location_detail"]
    pagination_class = TimelinePagination
    ordering = ("-submitted_at", "-id")
    multipart_actions = ("create", "resolve")  # the two that take photos
    action_permissions = {
        name: CHANGE for name in (
            "accept", "reject", "start", "resolve", "reopen", "close", "rate", "mark_duplicate", "reassign", "escalate",
        )
    } | {"reveal_phone": ["complaints.view_reporter_phone"]}

    def get_queryset(self):
        return super().get_queryset().select_related("complex", "category").prefetch_related("attachments")

    def _answer(self, complaint, code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=complaint.pk)
        return Response(s.ComplaintSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    def _input(self, serializer_class):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    @extend_schema(
        request={"multipart/form-data": s.ComplaintCreateSerializer},
        responses={201: s.ComplaintSerializer, 413: ErrorSerializer},
        summary="File a complaint on a resident's behalf",
    )
    def create(self, request, *args, **kwargs):
        """File a complaint taken by phone, at the counter, from the hotline or WeChat; it is routed
        and timed like any other. multipart/form-data, so that photos can come along; the same
        fields as a JSON body (without photos) are accepted as well."""
        data = self._input(s.ComplaintCreateSerializer)
        photos = clean_photos(data.pop("photos", []))
        complaint = services.complaint_submit(**data, photos=photos, actor=request.user)
        return self._answer(complaint, status.HTTP_201_CREATED)

    def _transition(self, serializer_class, service, **fixed):
        """Validate the input, call the service on the complaint (404 if out of scope), answer it."""
        complaint = self.get_object()
        data = self._input(serializer_class) if serializer_class else {}
        try:
            complaint = service(complaint=complaint, actor=self.request.user, **data, **fixed)
        except services.TransitionError as exc:
            raise Conflict(exc.messages[0]) from None
        return self._answer(complaint)

    @extend_schema(request=s.NoteTransitionSerializer, responses=TRANSITION_RESPONSES, summary="Accept a complaint: submitted → accepted")
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """受理: submitted → accepted (the handler has contacted the resident)."""
        return self._transition(s.NoteTransitionSerializer, services.complaint_accept)

    @extend_schema(request=s.RejectSerializer, responses=TRANSITION_RESPONSES, summary="Reject a complaint: submitted → rejected")
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """不予受理: submitted → rejected, with the reason the resident reads."""
        return self._transition(s.RejectSerializer, services.complaint_reject)

    @extend_schema(request=s.NoteTransitionSerializer, responses=TRANSITION_RESPONSES, summary="Start work on a complaint: accepted / reopened → in_progress")
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        """accepted / reopened → in_progress."""
        return self._transition(s.NoteTransitionSerializer, services.complaint_start)

    @extend_schema(
        request={"multipart/form-data": s.ResolveSerializer},
        responses={**TRANSITION_RESPONSES, 413: ErrorSerializer},
        summary="Resolve a complaint: accepted / in_progress → resolved",
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        """办结: accepted / in_progress → resolved, with a public note and optional photos
        (multipart/form-data; a JSON body without photos is accepted as well)."""
        complaint = self.get_object()
        data = self._input(s.ResolveSerializer)
        data["photos"] = clean_photos(data.get("photos", []))
        try:
            complaint = services.complaint_resolve(complaint=complaint, actor=request.user, **data)
        except services.TransitionError as exc:
            raise Conflict(exc.messages[0]) from None
        return self._answer(complaint)

    @extend_schema(request=s.RequiredNoteSerializer, responses=TRANSITION_RESPONSES, summary="Reopen a resolved complaint: resolved → reopened")
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """resolved → reopened: not fixed."""
        return self._transition(s.RequiredNoteSerializer, services.complaint_reopen)

    @extend_schema(request=s.NoteTransitionSerializer, responses=TRANSITION_RESPONSES, summary="Close a resolved complaint without a rating")
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """resolved → closed without a rating."""
        return self._transition(s.NoteTransitionSerializer, services.complaint_close)

    @extend_schema(request=s.RateSerializer, responses=TRANSITION_RESPONSES, summary="Record the resident's rating; resolved → closed")
    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None):
        """Record the resident's rating (1–5, given by phone); resolved → closed."""
        return self._transition(s.RateSerializer, services.complaint_rate)

    @extend_schema(request=s.MarkDuplicateSerializer, responses=TRANSITION_RESPONSES, summary="Mark a complaint as a duplicate of another")
    @action(detail=True, methods=["post"], url_path="mark-duplicate")
    def mark_duplicate(self, request, pk=None):
        """An open complaint → duplicate of `original` (a complaint in your jurisdiction)."""
        return self._transition(s.MarkDuplicateSerializer, services.complaint_mark_duplicate)

    @extend_schema(request=s.ReassignSerializer, responses=TRANSITION_RESPONSES, summary="Hand a complaint to a firm or a community")
    @action(detail=True, methods=["post"])
    def reassign(self, request, pk=None):
        """Hand an open complaint to a firm or a community in your jurisdiction."""
        return self._transition(s.ReassignSerializer, services.complaint_reassign)

    @extend_schema(request=s.TransitionSerializer, responses=TRANSITION_RESPONSES, summary="Escalate a complaint one level up")
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        """One level up: firm → community → subdistrict."""
        return self._transition(s.TransitionSerializer, services.complaint_escalate)

    @extend_schema(request=None, responses={200: s.RevealedPhoneSerializer},
                   summary="Reveal the reporter's full phone number and e-mail (recorded)")
    @action(detail=True, methods=["post"], url_path="reveal-phone")
    def reveal_phone(self, request, pk=None):
        """The reporter's full phone number and e-mail address; every reveal is recorded as an
        internal event (who and when)."""
        complaint = self.get_object()
        phone = services.complaint_reveal_phone(complaint=complaint, actor=request.user, door=AccessDoor.API)
        return Response({"reporter_phone": phone, "reporter_email": complaint.reporter_email})


class ComplaintEventViewSet(ScopedReadOnlyModelViewSet):
    """Every change of the complaints in your jurisdiction, newest first (cursor pagination)."""

    queryset = ComplaintEvent.objects.none()
    serializer_class = s.ComplaintEventSerializer
    filterset_class = complaint_filters.ComplaintEventFilter
    filter_backends = [DjangoFilterBackend]
    pagination_class = TimelinePagination
    ordering = ("-created_at", "-id")

    def get_queryset(self):
        return super().get_queryset().select_related("complaint")


# ---------------------------------------------------------------------------
# Public endpoints: no account, throttled
# ---------------------------------------------------------------------------
class PublicComplaintCreateView(ApiViewMixin, APIView):
    """A resident files a complaint, with the portal's checks and rate limits. 201 with the
    tracking code; with a phone number the resident can follow it later."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [AnonRateThrottle]
    parser_classes = PHOTO_PARSER_CLASSES

    @extend_schema(
        request={"multipart/form-data": s.PublicComplaintSerializer},
        responses={201: s.PublicReceiptSerializer, 413: ErrorSerializer},
        operation_id="public_complaints_create", summary="A resident files a complaint (no account)",
    )
    def post(self, request):
        """multipart/form-data, so that photos can come along; the same fields as a JSON body
        (without photos) are accepted as well."""
        serializer = s.PublicComplaintSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if data["reporter_phone"]:
            data["reporter_phone"] = services.normalize_phone(data["reporter_phone"])
        try:
            check_and_count(request, phone=data["reporter_phone"])
        except RateLimited as exc:
            raise throttled(exc) from None
        photos = clean_photos(data.pop("photos", []))
        complaint = services.complaint_submit(**data, channel=Channel.API, photos=photos)
        return Response(s.PublicReceiptSerializer(complaint).data, status=status.HTTP_201_CREATED)


class PublicComplaintTrackView(ApiViewMixin, APIView):
    """Status and public timeline of a complaint, given its tracking code and the last four
    digits of the reporter's phone. A wrong code and a wrong tail are the same 404."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [AnonRateThrottle]

    @extend_schema(
        parameters=[OpenApiParameter("phone_tail", str, required=True, pattern=r"^[0-9]{4}$",
                                     description=_("The last 4 digits of the reporter's phone."))],
        responses={200: s.PublicTrackingSerializer}, operation_id="public_complaints_retrieve",
        summary="A resident follows a complaint with its tracking code and phone tail",
    )
    def get(self, request, tracking_code):
        code = normalize_tracking_code(tracking_code)
        try:
            check_tracking_lookup(request)
            if code:
                check_tracking_code(code)
            complaint = complaint_for_tracking(code) if code else None
            if complaint is None or not tail_matches(complaint, request.query_params.get("phone_tail", "")):
                if code:
                    count_tracking_failure(code)
                raise exceptions.NotFound()
        except RateLimited as exc:
            raise throttled(exc) from None
        return Response(s.PublicTrackingSerializer(complaint).data)


# ---------------------------------------------------------------------------
# Referrals to departments (监管联动) and 12345 work orders
# ---------------------------------------------------------------------------
from redproperty.workflow_api import CHANGE as STEP_CHANGE  # noqa: E402
from redproperty.workflow_api import WorkflowViewSet, step_responses  # noqa: E402

from ..models import Department, HotlineWorkOrder, Referral  # noqa: E402

REFERRAL_STEPS = step_responses(s.ReferralSerializer)


class DepartmentViewSet(ScopedModelViewSet):
    """The departments complaints are referred to, with their contacts and reply time limit:
    district-wide reference data that every role may read; the district keeps it."""

    queryset = Department.objects.none()
    serializer_class = s.DepartmentSerializer
    filterset_class = complaint_filters.DepartmentFilter
    search_fields = ["name"]
    ordering_fields = ["kind", "name"]


class ReferralViewSet(WorkflowViewSet):
    """Complaints of your jurisdiction referred to departments. POST refers an open complaint;
    the moves record the department's receipt, extend its deadline, record its reply, or
    withdraw the referral (409 when the move is not possible from the status)."""

    queryset = Referral.objects.none()
    serializer_class = s.ReferralSerializer
    open_serializer_class = s.ReferralOpenSerializer
    open_service = staticmethod(services.referral_open)
    record_kwarg = "referral"
    filterset_class = complaint_filters.ReferralFilter
    search_fields = ["complaint__tracking_code", "summary", "department__name"]
    ordering_fields = ["referred_on", "due_on", "created_at"]
    action_permissions = {name: STEP_CHANGE for name in ("acknowledge", "extend", "reply", "withdraw")}

    def get_queryset(self):
        return super().get_queryset().select_related("complaint", "department").prefetch_related("events")

    @extend_schema(request=s.ReferralOpenSerializer, responses={201: s.ReferralSerializer})
    def create(self, request, *args, **kwargs):
        """Refer an open complaint to a department; the deadline defaults to its reply time limit."""
        return super().create(request, *args, **kwargs)

    @extend_schema(request=s.ReferralAcknowledgeSerializer, responses=REFERRAL_STEPS)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """referred → acknowledged: the department confirmed receipt."""
        return self.step(s.ReferralAcknowledgeSerializer, services.referral_acknowledge)

    @extend_schema(request=s.ReferralExtendSerializer, responses=REFERRAL_STEPS)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        """A later reply deadline (referred / acknowledged; the status stays)."""
        return self.step(s.ReferralExtendSerializer, services.referral_extend)

    @extend_schema(request=s.ReferralReplySerializer, responses=REFERRAL_STEPS)
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        """referred / acknowledged → replied: the department's reply and its date."""
        return self.step(s.ReferralReplySerializer, services.referral_reply)

    @extend_schema(request=s.ReferralWithdrawSerializer, responses=REFERRAL_STEPS)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """referred / acknowledged → withdrawn, with the reason."""
        return self.step(s.ReferralWithdrawSerializer, services.referral_withdraw)

    @extend_schema(responses={200: s.ReferralFiguresSerializer(many=True)}, filters=True)
    @action(detail=False, methods=["get"], pagination_class=None)
    def figures(self, request):
        """Referrals by department (of your jurisdiction and the list's filters): referred, open,
        overdue, replied and replied in time."""
        queryset = self.filter_queryset(scoped_queryset_of(Referral, request.user))
        return Response(s.ReferralFiguresSerializer(services.referral_figures(queryset), many=True).data)


def scoped_queryset_of(model, user):
    from redproperty.api import scoped_queryset

    return scoped_queryset(model, user)


class HotlineWorkOrderViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Work orders of the 12345 hotline. The hotline POSTs a work order with its number: a
    complaint of channel 12345 is filed (201), and the same number sent again answers the first
    (200) without filing twice. The reply goes back by polling: GET the list with
    `?external_id=` or `?updated_after=` for the complaint's status and resolution and every
    department's reply to its referrals."""

    queryset = HotlineWorkOrder.objects.none()
    serializer_class = s.HotlineWorkOrderSerializer
    filterset_class = complaint_filters.HotlineWorkOrderFilter
    filter_backends = [DjangoFilterBackend]
    ordering = ("-received_at", "-id")

    def get_queryset(self):
        return super().get_queryset().select_related("complaint").prefetch_related(
            "complaint__referrals__department").order_by(*self.ordering)

    @extend_schema(request=s.HotlineWorkOrderCreateSerializer,
                   responses={200: s.HotlineWorkOrderSerializer, 201: s.HotlineWorkOrderSerializer,
                              409: ErrorSerializer},
                   summary="Receive a 12345 hotline work order (idempotent on its number)")
    def create(self, request, *args, **kwargs):
        serializer = s.HotlineWorkOrderCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        try:
            order, created = services.hotline_work_order_receive(actor=request.user, **serializer.validated_data)
        except services.TransitionError as exc:
            raise Conflict(exc.messages[0]) from None
        fresh = self.get_queryset().get(pk=order.pk)
        return Response(self.get_serializer(fresh).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
