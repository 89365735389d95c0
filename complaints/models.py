"""What residents ask for, end to end: categories, complaints, their events and photos.

Every change of a complaint's status goes through complaints/services.py."""
from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from communities.models import Community, ResidentialComplex, Subdistrict, TimeStamped
from properties.models import PropertyFirm
from redproperty.scoping import JurisdictionQuerySet
from redproperty.privacy import mask_email, mask_phone

# Crockford-like alphabet without 0/O, 1/I/L, U: easy to read aloud over the phone.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"

TRACKING_CHARS = 9  # 30**9 ≈ 2**44 possible codes


def new_tracking_code() -> str:
    """A random public code such as `7K4M-Q2XPA` (9 symbols of 30: 44 bits)."""
    raw = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_CHARS))
    return f"{raw[:4]}-{raw[4:]}"


class CategoryQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Category(TimeStamped):
    """A kind of request, with its routing and time limits."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50)
    description = models.TextField(_("description"), blank=True)
    response_hours = models.PositiveSmallIntegerField(
        _("response time limit (hours)"), default=24, validators=[MinValueValidator(1)]
    )
    resolve_days = models.PositiveSmallIntegerField(
        _("resolution time limit (days)"), default=7, validators=[MinValueValidator(1)]
    )
    is_urgent = models.BooleanField(_("urgent"), default=False)
    is_active = models.BooleanField(pgettext_lazy("switched on", "active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    REOPENED = "reopened", _("Reopened")
    DUPLICATE = "duplicate", _("Duplicate")


OPEN_STATUSES = (Status.SUBMITTED, Status.ACCEPTED, Status.IN_PROGRESS, Status.REOPENED)
FINAL_STATUSES = (Status.CLOSED, Status.REJECTED, Status.DUPLICATE)


class Channel(models.TextChoices):
    PORTAL = "portal", _("Residents' portal")
    PHONE = "phone", _("Phone call")
    WALK_IN = "walk_in", _("Walk-in")
    HOTLINE = "hotline_12345", _("12345 hotline")
    WECHAT = "wechat", _("WeChat")
    API = "api", _("API")
    OPEN311 = "open311", _("Open311")


class HandlerLevel(models.TextChoices):
    FIRM = "firm", _("Property firm")
    COMMUNITY = "community", _("Community")
    SUBDISTRICT = "subdistrict", _("Subdistrict")


def overdue_condition(now) -> Q:
    """The overdue rule as a condition, for a filter, an exclude or a COUNT's filter (never an
    `IN` of every overdue complaint: at a million complaints that sub-query costs seconds)."""
    return Q(status__in=OPEN_STATUSES) & (Q(due_resolve_at__lt=now) | Q(status=Status.SUBMITTED, due_response_at__lt=now))


class ComplaintQuerySet(JurisdictionQuerySet):
    community_lookup = "complex__community"
    firm_lookup = "assigned_firm"

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, now=None):
        """Open complaints past their resolution deadline, or unaccepted past the response deadline."""
        return self.filter(overdue_condition(now or timezone.now()))


class Complaint(TimeStamped):
    """A resident's request or complaint (诉求/投诉) about a complex."""

    tracking_code = models.CharField(_("tracking code"), max_length=12, unique=True, default=new_tracking_code, editable=False)
    complex = models.ForeignKey(
        ResidentialComplex, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("residential complex")
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("category"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.PORTAL)
    description = models.TextField(_("description"), max_length=2000)
    location_detail = models.CharField(_("place in the complex"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                   help_text=_("Where the reporter placed it (Open311 lat), if they did."))
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    media_url = models.URLField(_("media link"), max_length=500, blank=True,
                                help_text=_("A link to a photo held elsewhere (Open311 media_url); not fetched."))
    reporter_name = models.CharField(_("reporter name"), max_length=50, blank=True)
    reporter_phone = models.CharField(_("reporter phone"), max_length=20, blank=True)
    reporter_email = models.EmailField(_("reporter email"), blank=True)
    is_anonymous = models.BooleanField(
        _("anonymous"), default=False, help_text=_("The name is hidden from the firm, kept for the community.")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    handler_level = models.CharField(_("handled by"), max_length=20, choices=HandlerLevel.choices)
    assigned_firm = models.ForeignKey(
        PropertyFirm,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("assigned firm"),
    )
    assigned_community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="complaints_assigned", verbose_name=_("responsible community")
    )
    escalated_to = models.ForeignKey(
        Subdistrict,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_escalated",
        verbose_name=_("escalated to subdistrict"),
    )
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates", verbose_name=_("duplicate of")
    )
    reject_reason = models.TextField(_("rejection reason"), blank=True)
    resolution_note = models.TextField(_("resolution note"), blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_comment = models.TextField(_("rating comment"), blank=True, max_length=1000)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now, db_index=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("last escalated at"), null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    due_response_at = models.DateTimeField(_("response due"))
    due_resolve_at = models.DateTimeField(_("resolution due"))
    overdue_at = models.DateTimeField(_("marked overdue at"), null=True, blank=True)
    escalation_count = models.PositiveSmallIntegerField(_("escalations"), default=0)
    history = HistoricalRecords(excluded_fields=["reporter_phone", "reporter_email", "reporter_name"])

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-submitted_at", "-id"]
        permissions = [("view_reporter_phone", _("Can see reporters' full phone numbers"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="complaint_rating_1_to_5",
                violation_error_message=_("A rating is from 1 to 5: choose one of the five."),
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reject_reason=""), name="complaint_rejection_has_reason",
                violation_error_message=_("Say why the complaint is not accepted."),
            ),
            models.CheckConstraint(
                condition=~Q(status="duplicate") | Q(duplicate_of__isnull=False), name="complaint_duplicate_points_at_original",
                violation_error_message=_("A duplicate names the original complaint: choose it by its tracking code."),
            ),
            models.CheckConstraint(
                condition=Q(due_resolve_at__gte=models.F("due_response_at")), name="complaint_due_order",
                violation_error_message=_("The resolution deadline cannot come before the response deadline: check the category's time limits."),
            ),
        ]
        indexes = [
            # Workbench and overdue sweep: open complaints by deadline.
            models.Index(fields=["status", "due_resolve_at"], name="complaint_status_due_idx"),
            # Three rates per firm / community and period.
            models.Index(fields=["assigned_firm", "submitted_at"], name="complaint_firm_time_idx"),
            models.Index(fields=["complex", "submitted_at"], name="complaint_complex_time_idx"),
        ]

    def __str__(self):
        return self.tracking_code

    @property
    def handler(self):
        """Who handles the complaint now, as its handling level says: the firm, the subdistrict
        it was escalated to, or the community (select assigned_firm, escalated_to and
        assigned_community with it)."""
        if self.handler_level == HandlerLevel.FIRM and self.assigned_firm_id:
            return self.assigned_firm
        if self.handler_level == HandlerLevel.SUBDISTRICT and self.escalated_to_id:
            return self.escalated_to
        return self.assigned_community

    @property
    def label(self) -> str:
        """"7K4M-Q2XPA · 曙光小区 · 公共设施维修": how staff pick a complaint to cite. Reads the
        complex and the category (select them with it)."""
        return f"{self.tracking_code} · {self.complex.name} · {self.category.name}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        now = timezone.now()
        if not self.is_open:
            return False
        return self.due_resolve_at < now or (self.status == Status.SUBMITTED and self.due_response_at < now)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.reporter_phone)

    @property
    def masked_email(self) -> str:
        return mask_email(self.reporter_email)

    @property
    def phone_tail(self) -> str:
        digits = "".join(ch for ch in self.reporter_phone if ch.isdigit())
        return digits[-4:]


class Action(models.TextChoices):
    """What a ComplaintEvent records."""

    SUBMIT = "submit", _("Submitted")
    ACCEPT = "accept", _("Accepted")
    REJECT = "reject", _("Rejected")
    START = "start", _("Work started")
    RESOLVE = "resolve", _("Resolved")
    REOPEN = "reopen", _("Reopened: not fixed")
    CLOSE = "close", _("Closed")
    AUTO_CLOSE = "auto_close", _("Closed automatically")
    RATE = "rate", _("Rated")
    MARK_DUPLICATE = "mark_duplicate", _("Marked as duplicate")
    REASSIGN = "reassign", _("Reassigned")
    ESCALATE = "escalate", _("Escalated")
    OVERDUE = "overdue", _("Overdue")
    REVEAL_PHONE = "reveal_phone", _("Phone number viewed")
    REFER = "refer", _("Referred to a department")
    DEPARTMENT_REPLY = "department_reply", _("Department replied")


class ComplaintEventQuerySet(JurisdictionQuerySet):
    community_lookup = "complaint__complex__community"
    firm_lookup = "complaint__assigned_firm"

    def public(self):
        return self.filter(is_public=True)


class ComplaintEvent(models.Model):
    """One change of a complaint: who, from which status to which, a note, and whether the
    resident sees it. Written only by complaints/services.py."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events", verbose_name=_("complaint"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaint_events",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor label"), max_length=100, blank=True, help_text=_("Shown to the resident."))
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    from_status = models.CharField(_("from status"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=20, choices=Status.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    is_public = models.BooleanField(_("visible to the resident"), default=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    objects = ComplaintEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["complaint", "created_at"], name="event_complaint_time_idx")]

    def __str__(self):
        # What happened, in the reader's language (the timeline's rows are headed by it).
        return str(self.get_action_display())


def attachment_path(instance, filename):
    """Random stored names: an upload's own name never reaches the disk. Filed by the month in
    Shanghai (the month the complaint shows)."""
    return f"complaints/{timezone.localtime():%Y/%m}/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1].lower()}"


class AttachmentQuerySet(JurisdictionQuerySet):
    community_lookup = "complaint__complex__community"
    firm_lookup = "complaint__assigned_firm"


class Attachment(models.Model):
    """A photo of a complaint, re-encoded on upload (no EXIF, no location)."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("complaint")
    )
    event = models.ForeignKey(
        ComplaintEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments", verbose_name=_("event")
    )
    image = models.ImageField(_("photo"), upload_to=attachment_path, width_field="width", height_field="height")
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    is_public = models.BooleanField(_("visible to the resident"), default=True)
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]

    def __str__(self):
        # Not the stored file's path: the admin heads each photo's row with it.
        return str(_("Photo"))

    def get_absolute_url(self) -> str:
        """The photo through the scoping rule (complaints.views.photo), never /media/."""
        from django.urls import reverse

        return reverse("photo", args=[self.pk])


class ScopeKind(models.TextChoices):
    FIRM = "firm", _("Property firm")
    COMMUNITY = "community", _("Community")
    SUBDISTRICT = "subdistrict", _("Subdistrict")


class RatesSnapshot(models.Model):
    """The six counts behind the three rates for one firm, community or subdistrict and one
    month, as complaints/rates.py computed them when the month was stored
    (`rates_snapshot_store`). Later changes to those complaints do not rewrite it."""

    period = models.DateField(_("month"), help_text=_("The first day of the month."))
    scope_kind = models.CharField(_("scope"), max_length=20, choices=ScopeKind.choices)
    scope_id = models.PositiveBigIntegerField(_("scope id"))
    received = models.PositiveIntegerField(_("received"))
    response_due = models.PositiveIntegerField(
        _("due for response"), default=0, help_text=_("Received and responded to, or past the response deadline.")
    )
    responded_in_time = models.PositiveIntegerField(_("responded in time"))
    due = models.PositiveIntegerField(_("due for resolution"))
    resolved = models.PositiveIntegerField(_("resolved"))
    rated = models.PositiveIntegerField(_("rated"))
    satisfied = models.PositiveIntegerField(_("satisfied"))
    created_at = models.DateTimeField(_("stored at"), default=timezone.now)

    class Meta:
        verbose_name = _("monthly rates snapshot")
        verbose_name_plural = _("monthly rates snapshots")
        ordering = ["-period", "scope_kind", "scope_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "scope_kind", "scope_id"], name="rates_snapshot_unique",
                violation_error_message=_("This month's rates of this place are already stored: refresh that snapshot instead."),
            ),
            models.CheckConstraint(
                condition=Q(period__day=1), name="rates_snapshot_first_of_month",
                violation_error_message=_("A snapshot covers a whole month: enter the first day of the month."),
            ),
        ]

    def __str__(self):
        return f"{self.period:%Y-%m} {self.scope_kind} #{self.scope_id}"

    @property
    def rates(self):
        from .rates import Rates

        return Rates(
            received=self.received, response_due=self.response_due, responded_in_time=self.responded_in_time,
            due=self.due,
            resolved=self.resolved, rated=self.rated, satisfied=self.satisfied,
        )


class ReplyTemplateQuerySet(JurisdictionQuerySet):
    community_lookup = "community"
    firm_lookup = "firm"

    district_sees_unplaced = True  # a firm's templates: the firm and district staff see them


class ReplyTemplate(TimeStamped):
    """A reply that staff keep for a category (e.g. what to say when a lift is being repaired),
    offered when they accept, reject or resolve a complaint of that category. Kept by a
    community's workers or by a firm's staff, for their own use."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="reply_templates",
                                 verbose_name=_("category"))
    community = models.ForeignKey(Community, on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="reply_templates", verbose_name=_("community"))
    firm = models.ForeignKey(PropertyFirm, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="reply_templates", verbose_name=_("property firm"))
    title = models.CharField(_("title"), max_length=80)
    text = models.TextField(_("text"), max_length=2000)
    history = HistoricalRecords()

    objects = ReplyTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        ordering = ["category__sort_order", "category__code", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(community__isnull=False, firm__isnull=True) | Q(community__isnull=True, firm__isnull=False),
                name="reply_template_one_owner",
                violation_error_message=_("A reply template belongs to one community or one firm."),
            ),
        ]

    def __str__(self):
        return self.title


# ---------------------------------------------------------------------------
# Referrals to departments (监管联动) and 12345 hotline work orders. Every change of a
# referral goes through complaints/referrals.py (its transition table is REFERRAL there).
# ---------------------------------------------------------------------------
from redproperty.workflow import WorkflowEvent, WorkflowRecord  # noqa: E402


class DepartmentKind(models.TextChoices):
    HOUSING = "housing", _("Housing and urban-rural development (住建)")
    URBAN_MANAGEMENT = "urban_management", _("Urban management (城管)")
    FIRE = "fire", _("Fire and rescue (消防)")
    MARKET = "market", _("Market regulation (市场监管)")
    POLICE = "police", _("Public security (公安)")
    OTHER = "other", pgettext_lazy("department kind", "Other department")


class DepartmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Department(TimeStamped):
    """A government department that takes up matters outside property service, with the
    contacts a referral is sent to. District-wide reference data, kept by the district."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind of department"), max_length=30, choices=DepartmentKind.choices)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("office phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("office e-mail"), blank=True,
                                      help_text=_("Referrals and reminders are e-mailed here."))
    reply_days = models.PositiveSmallIntegerField(
        _("reply time limit (days)"), default=15, validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("Days the department has to reply to a referral."))
    is_active = models.BooleanField(pgettext_lazy("switched on", "active"), default=True)
    history = HistoricalRecords()

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reply_days__gte=1, reply_days__lte=90), name="department_reply_days_1_to_90",
                violation_error_message=_("A department's reply time limit is from 1 to 90 days: enter a number in that range."),
            ),
        ]

    def __str__(self):
        return self.name


class ReferralMatter(models.TextChoices):
    ILLEGAL_BUILDING = "illegal_building", _("Illegal building")
    FIRE_SAFETY = "fire_safety", _("Fire safety")
    PRICING = "pricing", _("Pricing and charges")
    PUBLIC_SECURITY = "public_security", _("Public security")
    OTHER = "other", pgettext_lazy("referral matter", "Other matter")


class ReferralStatus(models.TextChoices):
    REFERRED = "referred", _("Referred, awaiting the department")
    ACKNOWLEDGED = "acknowledged", _("Received by the department")
    REPLIED = "replied", _("Department replied")
    WITHDRAWN = "withdrawn", _("Referral withdrawn")


class ReferralAction(models.TextChoices):
    REFER = "refer", _("Referred to the department")
    ACKNOWLEDGE = "acknowledge", _("Receipt confirmed by the department")
    EXTEND = "extend", _("Reply deadline extended")
    REPLY = "reply", _("Department's reply recorded")
    WITHDRAW = "withdraw", _("Referral withdrawn by the community")
    OVERDUE = "overdue", _("Reply overdue")


class ReferralQuerySet(JurisdictionQuerySet):
    community_lookup = "complaint__complex__community"
    firm_lookup = None  # a matter for the departments, not for the firm

    def open(self):
        return self.filter(status__in=Referral.OPEN_STATUSES)


class Referral(WorkflowRecord):
    """A complaint outside property service (illegal building, fire safety, pricing, public
    security) referred to a department (监管联动), with the department's reply deadline
    (`due_on`), its reply and whether it came in time."""

    OPEN_STATUSES = (ReferralStatus.REFERRED, ReferralStatus.ACKNOWLEDGED)

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="referrals",
                                  verbose_name=_("complaint"))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="referrals",
                                   verbose_name=_("department"))
    matter = models.CharField(_("matter"), max_length=30, choices=ReferralMatter.choices)
    status = models.CharField(_("status"), max_length=20, choices=ReferralStatus.choices,
                              default=ReferralStatus.REFERRED)
    referred_on = models.DateField(_("referred on"))
    summary = models.TextField(_("what is referred"), max_length=2000)
    department_reference = models.CharField(_("department's reference"), max_length=50, blank=True,
                                            help_text=_("The number the department gave the case, if any."))
    acknowledged_on = models.DateField(_("received by the department on"), null=True, blank=True)
    replied_on = models.DateField(_("replied on"), null=True, blank=True)
    reply = models.TextField(_("department's reply"), blank=True, max_length=2000)
    withdraw_reason = models.TextField(_("reason for withdrawing"), blank=True, max_length=2000)
    history = HistoricalRecords()

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral to a department")
        verbose_name_plural = _("referrals to departments")
        ordering = ["-referred_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "department"], condition=Q(status__in=["referred", "acknowledged"]),
                name="referral_one_open_per_department",
                violation_error_message=_(
                    "This complaint is already with this department: follow that referral up or withdraw it first."),
            ),
            models.CheckConstraint(
                condition=~Q(status="replied") | (Q(replied_on__isnull=False) & ~Q(reply="")),
                name="referral_replied_has_reply",
                violation_error_message=_("A replied referral needs the reply and its date: enter both."),
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | ~Q(withdraw_reason=""), name="referral_withdrawn_has_reason",
                violation_error_message=_("Say why the referral is withdrawn."),
            ),
            models.CheckConstraint(
                condition=Q(due_on__isnull=False), name="referral_has_deadline",
                violation_error_message=_("A referral has a reply deadline: enter the date the department must reply by."),
            ),
        ]
        indexes = [
            # The deadline sweep and the workbench list: open referrals by deadline.
            models.Index(fields=["status", "due_on"], name="referral_status_due_idx"),
        ]

    def __str__(self):
        return _("Referral of %(complaint)s to %(department)s") % {
            "complaint": self.complaint, "department": self.department}

    @property
    def is_replied_in_time(self) -> bool | None:
        """Whether the reply came by the deadline; None while there is no reply."""
        if self.replied_on is None:
            return None
        return self.replied_on <= self.due_on

    def notify_scope(self) -> dict:
        community = self.complaint.complex.community
        return {"community_ids": [community.pk], "subdistrict_ids": [community.subdistrict_id],
                "emails": [self.department.contact_email] if self.department.contact_email else []}


class ReferralEventQuerySet(JurisdictionQuerySet):
    community_lookup = "referral__complaint__complex__community"


class ReferralEvent(WorkflowEvent):
    record_field = "referral"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events",
                                 verbose_name=_("referral to a department"))
    action = models.CharField(_("action"), max_length=30, choices=ReferralAction.choices)
    from_status = models.CharField(_("from status"), max_length=30, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=30, choices=ReferralStatus.choices, blank=True)

    objects = ReferralEventQuerySet.as_manager()

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("referral event")
        verbose_name_plural = _("referral events")


EXTERNAL_ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}"


class HotlineWorkOrderQuerySet(JurisdictionQuerySet):
    community_lookup = "complaint__complex__community"
    firm_lookup = "complaint__assigned_firm"


class HotlineWorkOrder(models.Model):
    """A work order of the 12345 hotline (市民热线工单): the hotline's own id for it and the
    complaint it became (channel 12345). The hotline reads the reply back through the API
    (GET /api/v1/hotline-work-orders/?external_id=…): the complaint's status and resolution
    and every department's reply to its referrals."""

    external_id = models.CharField(_("hotline work order number"), max_length=64, unique=True,
                                   error_messages={"unique": _("A work order with this number has already been received.")})
    complaint = models.OneToOneField(Complaint, on_delete=models.PROTECT, related_name="hotline_work_order",
                                     verbose_name=_("complaint"))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("received through the account of"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)

    objects = HotlineWorkOrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("12345 work order")
        verbose_name_plural = _("12345 work orders")
        ordering = ["-received_at", "-id"]

    def __str__(self):
        return self.external_id
