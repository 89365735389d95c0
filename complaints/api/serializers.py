"""Serializers of the complaints/ API: staff views, transition inputs and the public endpoints."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from communities.models import Community, ResidentialComplex
from properties.models import PropertyFirm
from redproperty.api import ScopedModelSerializer, ScopedPrimaryKeyRelatedField
from redproperty.privacy import may_see_contacts, reporter_as_seen_by

from ..models import Category, Channel, Complaint, ComplaintEvent, Status
from ..photos import signed_photo_url


class CategorySerializer(ScopedModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "code", "name", "description", "response_hours", "resolve_days", "is_urgent", "is_active",
                  "sort_order"]


class PhotoUrlsField(serializers.ListField):
    """The URLs of a complaint's photos (prefetched as `attachments`), signed for PHOTO_URL_SECONDS."""

    child = serializers.URLField()

    def to_representation(self, attachments):
        # Signed, short-lived URLs of the photo view: the client has just been shown the record.
        return [signed_photo_url(a, self.context.get("request")) for a in attachments.all()]


class ComplaintSerializer(serializers.ModelSerializer):
    """A complaint as staff see it, the reporter by complaints/privacy.py's one rule: phone and
    e-mail masked (reveal them with POST .../reveal-phone/, which is recorded); an anonymous
    reporter's name hidden from anyone without the permission to see contacts (firms)."""

    complex_name = serializers.CharField(source="complex.name", read_only=True)
    category = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text=_("The category's code."))
    reporter_name = serializers.SerializerMethodField()
    reporter_phone = serializers.CharField(source="masked_phone", read_only=True, help_text=_("Masked: 138****5678."))
    reporter_email = serializers.CharField(source="masked_email", read_only=True,
                                           help_text=_("Masked: l***@example.org; empty when none was given."))
    is_overdue = serializers.BooleanField(read_only=True)
    allowed_actions = serializers.SerializerMethodField(help_text=_("Transitions possible from the current status."))
    photos = PhotoUrlsField(source="attachments", read_only=True)

    class Meta:
        model = Complaint
        fields = [
            "id", "tracking_code", "complex", "complex_name", "category", "channel", "description",
            "location_detail", "reporter_name", "reporter_phone", "reporter_email", "is_anonymous", "status",
            "handler_level", "assigned_firm", "assigned_community", "escalated_to", "duplicate_of", "reject_reason",
            "resolution_note", "rating", "rating_comment", "submitted_at", "accepted_at", "started_at",
            "resolved_at", "closed_at", "due_response_at", "due_resolve_at", "is_overdue", "reopened_count",
            "escalation_count", "allowed_actions", "photos", "updated_at",
        ]
        read_only_fields = fields

    def _may_see_contacts(self) -> bool:
        if "may_see_contacts" not in self.context:
            request = self.context.get("request")
            self.context["may_see_contacts"] = may_see_contacts(getattr(request, "user", None))
        return self.context["may_see_contacts"]

    @extend_schema_field(serializers.CharField())
    def get_reporter_name(self, obj) -> str:
        return reporter_as_seen_by(obj, None, may_see=self._may_see_contacts()).name

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, obj):
        from ..services import allowed_actions

        return [action.replace("_", "-") for action in allowed_actions(obj)]


class ComplaintCreateSerializer(serializers.Serializer):
    """Filing a complaint on a resident's behalf (phone call, walk-in, hotline, WeChat)."""

    complex = ScopedPrimaryKeyRelatedField(queryset=ResidentialComplex.objects.none())
    category = serializers.SlugRelatedField(slug_field="code", queryset=Category.objects.active(),
                                            help_text=_("The category's code."))
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.API)
    description = serializers.CharField(max_length=2000)
    location_detail = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    reporter_name = serializers.CharField(max_length=50, required=False, default="", allow_blank=True)
    reporter_phone = serializers.CharField(max_length=20, required=False, default="", allow_blank=True)
    reporter_email = serializers.EmailField(required=False, allow_blank=True)
    is_anonymous = serializers.BooleanField(required=False, default=False)
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list, max_length=3,
                                   help_text=_("Up to 3 JPEG, PNG or WebP photos of at most 5 MB."))


class TransitionSerializer(serializers.Serializer):
    expected_status = serializers.ChoiceField(
        choices=Status.choices, required=False,
        help_text=_("The status you saw; if it has changed since, the answer is 409 and nothing changes."),
    )


class NoteTransitionSerializer(TransitionSerializer):
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=2000)


class RequiredNoteSerializer(TransitionSerializer):
    note = serializers.CharField(max_length=2000)


class ResolveSerializer(RequiredNoteSerializer):
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list, max_length=3,
                                   help_text=_("Up to 3 JPEG, PNG or WebP photos of at most 5 MB."))


class RejectSerializer(TransitionSerializer):
    reason = serializers.CharField(max_length=2000)


class RateSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(required=False, default="", allow_blank=True, max_length=1000)


class MarkDuplicateSerializer(TransitionSerializer):
    original = ScopedPrimaryKeyRelatedField(queryset=Complaint.objects.none())


class ReassignSerializer(serializers.Serializer):
    firm = ScopedPrimaryKeyRelatedField(queryset=PropertyFirm.objects.none(), required=False, allow_null=True,
                                        help_text=_("Hand the complaint to this firm; leave empty for the community."))
    community = ScopedPrimaryKeyRelatedField(queryset=Community.objects.none(), required=False, allow_null=True,
                                             help_text=_("With no firm: the community (default: the complex's own)."))


class RevealedPhoneSerializer(serializers.Serializer):
    reporter_phone = serializers.CharField()
    reporter_email = serializers.CharField()


class ComplaintEventSerializer(serializers.ModelSerializer):
    tracking_code = serializers.CharField(source="complaint.tracking_code", read_only=True)
    # Empty for events that do not change the status (reassign, escalate, phone viewed).
    from_status = serializers.ChoiceField(choices=Status.choices, allow_blank=True, read_only=True)
    to_status = serializers.ChoiceField(choices=Status.choices, allow_blank=True, read_only=True)

    class Meta:
        model = ComplaintEvent
        fields = ["id", "complaint", "tracking_code", "action", "from_status", "to_status", "note", "is_public",
                  "actor_label", "created_at"]
        read_only_fields = fields


# ---------------------------------------------------------------------------
# Public endpoints (no account)
# ---------------------------------------------------------------------------
class PublicComplaintSerializer(serializers.Serializer):
    """A resident's report, with the same checks and limits as the portal."""

    complex = serializers.PrimaryKeyRelatedField(queryset=ResidentialComplex.objects.all())
    category = serializers.SlugRelatedField(slug_field="code", queryset=Category.objects.active(),
                                            help_text=_("The category's code."))
    description = serializers.CharField(max_length=2000)
    location_detail = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    reporter_name = serializers.CharField(max_length=50, required=False, default="", allow_blank=True)
    reporter_phone = serializers.CharField(max_length=20, required=False, default="", allow_blank=True,
                                           help_text=_("Needed to see the details later (with its last 4 digits)."))
    reporter_email = serializers.EmailField(required=False, allow_blank=True)
    is_anonymous = serializers.BooleanField(required=False, default=False)
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list, max_length=3,
                                   help_text=_("Up to 3 JPEG, PNG or WebP photos of at most 5 MB."))


class PublicReceiptSerializer(serializers.Serializer):
    tracking_code = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    due_response_at = serializers.DateTimeField()
    due_resolve_at = serializers.DateTimeField()


class PublicEventSerializer(serializers.ModelSerializer):
    to_status = serializers.ChoiceField(choices=Status.choices, allow_blank=True, read_only=True)

    class Meta:
        model = ComplaintEvent
        fields = ["action", "to_status", "note", "actor_label", "created_at"]
        read_only_fields = fields


class PublicTrackingSerializer(serializers.ModelSerializer):
    """What the resident sees: status and the public timeline, nothing about other people."""

    complex_name = serializers.CharField(source="complex.name", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    handled_by = serializers.SerializerMethodField()
    timeline = PublicEventSerializer(source="public_events", many=True, read_only=True)

    class Meta:
        model = Complaint
        fields = ["tracking_code", "status", "complex_name", "category_name", "handled_by", "submitted_at",
                  "due_resolve_at", "resolution_note", "reject_reason", "rating", "timeline"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_handled_by(self, obj) -> str:
        from ..portal.selectors import handler_name

        return handler_name(obj)


# ---------------------------------------------------------------------------
# Referrals to departments (监管联动) and 12345 work orders
# ---------------------------------------------------------------------------
from redproperty.workflow_api import StepSerializer, WorkflowRecordSerializer, events_serializer  # noqa: E402

from ..models import (  # noqa: E402
    EXTERNAL_ID_PATTERN, Department, HotlineWorkOrder, Referral, ReferralEvent, ReferralMatter, ReferralStatus,
)
from ..services import REFERRAL  # noqa: E402


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name", "kind", "contact_person", "contact_phone", "contact_email", "reply_days", "is_active"]


class ReferralSerializer(WorkflowRecordSerializer):
    """A complaint referred to a department: the deadline (`due_on`), the reply and whether it
    came in time, and the timeline."""

    workflow = REFERRAL
    tracking_code = serializers.CharField(source="complaint.tracking_code", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    status = serializers.ChoiceField(choices=ReferralStatus.choices, read_only=True)
    is_replied_in_time = serializers.BooleanField(read_only=True, allow_null=True,
                                                  help_text=_("Empty while there is no reply."))
    events = events_serializer(ReferralEvent)(many=True, read_only=True)

    class Meta:
        model = Referral
        fields = [
            "id", "complaint", "tracking_code", "department", "department_name", "matter", "status", "referred_on",
            "summary", "department_reference", "acknowledged_on", "replied_on", "reply", "is_replied_in_time",
            "withdraw_reason", "due_on", "overdue_since", "is_overdue", "allowed_actions", "events",
            "created_at", "updated_at",
        ]
        read_only_fields = fields


class ReferralOpenSerializer(serializers.Serializer):
    complaint = ScopedPrimaryKeyRelatedField(queryset=Complaint.objects.none())
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.active())
    matter = serializers.ChoiceField(choices=ReferralMatter.choices)
    summary = serializers.CharField(max_length=2000)
    referred_on = serializers.DateField(required=False, help_text=_("Default: today."))
    due_on = serializers.DateField(required=False, help_text=_("Default: the department's reply time limit."))
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=2000)


class ReferralAcknowledgeSerializer(StepSerializer):
    acknowledged_on = serializers.DateField()
    department_reference = serializers.CharField(required=False, default="", allow_blank=True, max_length=50)
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=2000)


class ReferralExtendSerializer(StepSerializer):
    due_on = serializers.DateField()
    reason = serializers.CharField(max_length=2000)


class ReferralReplySerializer(StepSerializer):
    replied_on = serializers.DateField()
    reply = serializers.CharField(max_length=2000)


class ReferralWithdrawSerializer(StepSerializer):
    reason = serializers.CharField(max_length=2000)


class ReferralFiguresSerializer(serializers.Serializer):
    department = serializers.IntegerField(min_value=1)
    department_name = serializers.CharField()
    kind = serializers.CharField()
    referred = serializers.IntegerField(help_text=_("Referrals not withdrawn."))
    open = serializers.IntegerField()
    overdue = serializers.IntegerField(help_text=_("Open and past the reply deadline."))
    replied = serializers.IntegerField()
    replied_in_time = serializers.IntegerField()
    in_time_rate = serializers.FloatField(allow_null=True, help_text=_("Replied in time / replied; empty with no reply."))


class HotlineReplySerializer(serializers.ModelSerializer):
    """A department's answer as the hotline reads it."""

    department_name = serializers.CharField(source="department.name", read_only=True)
    status = serializers.ChoiceField(choices=ReferralStatus.choices, read_only=True)
    is_replied_in_time = serializers.BooleanField(read_only=True, allow_null=True)

    class Meta:
        model = Referral
        fields = ["department_name", "status", "referred_on", "due_on", "replied_on", "reply", "is_replied_in_time"]
        read_only_fields = fields


class HotlineWorkOrderSerializer(serializers.ModelSerializer):
    """A 12345 work order and what goes back to the hotline: the complaint's status and
    resolution, and each department's reply. No personal data."""

    tracking_code = serializers.CharField(source="complaint.tracking_code", read_only=True)
    status = serializers.ChoiceField(source="complaint.status", choices=Status.choices, read_only=True)
    resolution_note = serializers.CharField(source="complaint.resolution_note", read_only=True)
    reject_reason = serializers.CharField(source="complaint.reject_reason", read_only=True)
    resolved_at = serializers.DateTimeField(source="complaint.resolved_at", read_only=True, allow_null=True)
    due_resolve_at = serializers.DateTimeField(source="complaint.due_resolve_at", read_only=True)
    updated_at = serializers.DateTimeField(source="complaint.updated_at", read_only=True)
    referrals = HotlineReplySerializer(source="complaint.referrals", many=True, read_only=True)

    class Meta:
        model = HotlineWorkOrder
        fields = ["id", "external_id", "complaint", "tracking_code", "received_at", "status", "due_resolve_at",
                  "resolution_note", "reject_reason", "resolved_at", "referrals", "updated_at"]
        read_only_fields = fields


class HotlineWorkOrderCreateSerializer(serializers.Serializer):
    """A work order of the 12345 hotline; sent again with the same number, it is not filed twice."""

    external_id = serializers.RegexField(f"^{EXTERNAL_ID_PATTERN}$", max_length=64,
                                         help_text=_("The hotline's work order number."))
    complex = ScopedPrimaryKeyRelatedField(queryset=ResidentialComplex.objects.none())
    category = serializers.SlugRelatedField(slug_field="code", queryset=Category.objects.active(),
                                            help_text=_("The category's code."))
    description = serializers.CharField(max_length=2000)
    location_detail = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    reporter_name = serializers.CharField(max_length=50, required=False, default="", allow_blank=True)
    reporter_phone = serializers.CharField(max_length=20, required=False, default="", allow_blank=True)
    is_anonymous = serializers.BooleanField(required=False, default=False)
