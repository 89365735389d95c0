"""Admin of the party side: organisations, cross-appointments, joint meetings, red projects
and service stations."""
from __future__ import annotations

from django.contrib import admin
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from redproperty.admin import ScopedModelAdmin, ScopedStackedInline

from .models import (
    CrossAppointment,
    JointMeeting,
    MeetingResolution,
    PartyOrganization,
    RedPropertyProject,
    ResolutionStatus,
    ServiceStation,
)


@admin.register(PartyOrganization)
class PartyOrganizationAdmin(ScopedModelAdmin):
    list_display = ["name", "kind", "parent", "community", "firm", "secretary", "member_count", "established_on"]
    list_filter = ["kind", "community__subdistrict", "community"]
    list_select_related = ["parent", "community", "firm"]
    search_fields = ["name", "secretary"]
    autocomplete_fields = ["parent", "district", "community", "firm", "complexes"]


@admin.register(CrossAppointment)
class CrossAppointmentAdmin(ScopedModelAdmin):
    list_display = [
        "person_name", "direction", "complex", "party_organization", "counterpart",
        "home_post", "appointed_post", "start_date", "end_date", "is_active",
    ]
    list_filter = ["direction", "is_party_member", "complex__community__subdistrict", "complex__community"]
    list_select_related = ["complex", "party_organization", "firm", "owners_committee__complex"]
    search_fields = ["person_name", "complex__name", "home_post", "appointed_post"]
    autocomplete_fields = ["party_organization", "complex", "firm", "owners_committee"]
    date_hierarchy = "start_date"

    @admin.display(description=_("counterpart"))
    def counterpart(self, obj):
        return obj.counterpart

    @admin.display(description=_("in force"), boolean=True)
    def is_active(self, obj):
        today = timezone.localdate()
        return obj.start_date <= today and (obj.end_date is None or obj.end_date >= today)


class ResolutionInline(ScopedStackedInline):
    model = MeetingResolution
    fields = [("text", "responsible_side"), ("due_on", "status", "completed_on"), "follow_up"]
    extra = 1


@admin.register(JointMeeting)
class JointMeetingAdmin(ScopedModelAdmin):
    list_display = ["held_on", "title", "community", "convened_by", "resolution_count"]
    list_filter = ["community__subdistrict", "community"]
    list_select_related = ["community", "convened_by"]
    search_fields = ["title", "topics", "minutes"]
    # Complaints are picked by tracking code (there may be thousands), each offered with its
    # complex and category; only complaints the user may see (ComplaintAdmin's scoped list).
    autocomplete_fields = ["convened_by", "community", "complexes", "attending_firms", "cited_complaints"]
    date_hierarchy = "held_on"
    inlines = [ResolutionInline]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "cited_complaints":
            # The complaints already cited show as the autocomplete labels them.
            field.queryset = field.queryset.select_related("complex", "category")
            field.label_from_instance = lambda complaint: complaint.label
        return field

    def get_queryset(self, request):
        """Scoped meetings with their resolutions counted (no query per row)."""
        return super().get_queryset(request).annotate(_resolutions=Count("resolutions"))

    @admin.display(description=_("resolutions"), ordering="_resolutions")
    def resolution_count(self, obj):
        return obj._resolutions


@admin.register(MeetingResolution)
class MeetingResolutionAdmin(ScopedModelAdmin):
    list_display = ["short_text", "meeting", "responsible_side", "due_on", "status", "completed_on", "is_overdue"]
    list_filter = ["status", "responsible_side", "meeting__community"]
    list_select_related = ["meeting"]
    search_fields = ["text", "follow_up", "meeting__title"]
    autocomplete_fields = ["meeting"]
    date_hierarchy = "due_on"

    @admin.display(description=_("resolution"))
    def short_text(self, obj):
        return str(obj)

    @admin.display(description=_("overdue"), boolean=True)
    def is_overdue(self, obj):
        return bool(obj.due_on and obj.due_on < timezone.localdate() and obj.status in (ResolutionStatus.PENDING, ResolutionStatus.IN_PROGRESS))


@admin.register(RedPropertyProject)
class RedPropertyProjectAdmin(ScopedModelAdmin):
    list_display = ["name", "level", "year_designated", "community", "complex"]
    list_filter = ["level", "year_designated", "community__subdistrict"]
    list_select_related = ["community", "complex"]
    search_fields = ["name", "description"]
    autocomplete_fields = ["community", "complex"]


@admin.register(ServiceStation)
class ServiceStationAdmin(ScopedModelAdmin):
    list_display = ["name", "kind", "district", "complex", "address", "opened_on"]
    list_filter = ["kind"]
    list_select_related = ["district", "complex"]
    search_fields = ["name", "address", "complex__name"]
    autocomplete_fields = ["district", "complex"]


# ---------------------------------------------------------------------------
# Agenda items (helper E): raised by the firm evaluation, taken up by a joint meeting.
# ---------------------------------------------------------------------------
from .models import AgendaItem  # noqa: E402


@admin.register(AgendaItem)
class AgendaItemAdmin(ScopedModelAdmin):
    list_display = ["title", "community", "complex", "status", "meeting", "created_at"]
    list_filter = ["status", "community"]
    list_select_related = ["community", "complex", "meeting"]
    search_fields = ["title", "complex__name"]
    readonly_fields = ["contract", "consequence"]


# ---------------------------------------------------------------------------
# Red-project applications: the district's review, designation and recommendation, each a step
# through partybranches/services.py (APPLICATION); the applicant may withdraw here too.
# ---------------------------------------------------------------------------
from django.core.exceptions import PermissionDenied  # noqa: E402

from redproperty.workflow_admin import OverdueFilter, WorkflowAdmin, events_inline  # noqa: E402

from . import forms as application_forms  # noqa: E402
from . import services as application_services  # noqa: E402
from .models import ApplicationAction, ProjectApplication, ProjectApplicationEvent  # noqa: E402

REVIEW_PERMISSION = "partybranches.review_projectapplication"


@admin.register(ProjectApplication)
class ProjectApplicationAdmin(WorkflowAdmin):
    workflow = application_services.APPLICATION
    open_form = application_forms.ApplicationSubmitForm
    step_forms = {
        ApplicationAction.REVIEW: application_forms.ReviewForm,
        ApplicationAction.DESIGNATE: application_forms.DesignateForm,
        ApplicationAction.RECOMMEND: application_forms.RecommendForm,
        ApplicationAction.REJECT: application_forms.RejectForm,
        ApplicationAction.WITHDRAW: application_forms.WithdrawForm,
    }
    list_display = ["name", "community", "applicant", "status", "submitted_on", "total_score", "due_on", "overdue"]
    list_filter = ["status", OverdueFilter, "community__subdistrict", "community"]
    list_select_related = ["community", "complex", "firm"]
    search_fields = ["name"]
    inlines = [events_inline(ProjectApplicationEvent)]

    @admin.display(description=_("applicant"))
    def applicant(self, obj):
        return obj.applicant

    @admin.display(description=_("overdue"), boolean=True, ordering="overdue_since")
    def overdue(self, obj):
        return obj.is_overdue

    def allowed_steps(self, request, obj) -> list[str]:
        """The moves this user may take from the record's status: the district's only with its permission."""
        may_review = request.user.has_perm(REVIEW_PERMISSION)
        return [action for action in self.workflow.allowed_actions(obj) if action in self.step_forms
                and (may_review or action not in application_services.DISTRICT_ACTIONS)]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        from django.contrib.admin.utils import unquote

        obj = self.get_object(request, unquote(object_id))
        buttons = []
        if obj is not None and self.has_change_permission(request, obj):
            buttons = [(self.step_url(obj, action), self.workflow.label(action))
                       for action in self.allowed_steps(request, obj)]
        extra_context = {**(extra_context or {}), "step_buttons": buttons, "show_save": False,
                         "show_save_and_continue": False, "show_save_and_add_another": False}
        # WorkflowAdmin's own change_view would offer every move; the page itself is the same.
        return super(WorkflowAdmin, self).change_view(request, object_id, form_url, extra_context)

    def step_view(self, request, object_id, action):
        # The review, designation, recommendation and rejection are the district's.
        if action in application_services.DISTRICT_ACTIONS and not request.user.has_perm(REVIEW_PERMISSION):
            if self.get_object(request, object_id) is None:
                return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
            raise PermissionDenied
        return super().step_view(request, object_id, action)


# ---------------------------------------------------------------------------
# Funds and people: registers
# ---------------------------------------------------------------------------
from .models import Funding, Training  # noqa: E402


@admin.register(Funding)
class FundingAdmin(ScopedModelAdmin):
    list_display = ["granted_on", "community", "complex", "project", "source", "purpose", "amount"]
    list_filter = ["source", "purpose", "community__subdistrict"]
    list_select_related = ["community", "complex", "project"]
    date_hierarchy = "granted_on"


@admin.register(Training)
class TrainingAdmin(ScopedModelAdmin):
    list_display = ["held_on", "course", "community", "firm_staff", "stewards", "committee_members"]
    list_filter = ["community__subdistrict"]
    list_select_related = ["community"]
    search_fields = ["course"]
    date_hierarchy = "held_on"
