"""The party-side pages of the workbench: joint meetings (one form for the meeting and its
resolutions), their print view, resolutions followed up to done, the agenda items meetings
must take up, and cross-appointments per complex with two-way entry.

Records come from `visible_to(user)` through the base's `scoped`; writes go through
partybranches/services.py."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Count, ExpressionWrapper, Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from communities.models import ResidentialComplex
from partybranches import services
from partybranches.models import (
    AgendaItem,
    CitedEvaluation,
    CrossAppointment,
    JointMeeting,
    MeetingResolution,
    ResolutionStatus,
)
from redproperty.workbench.forms import add_service_errors, as_typed
from redproperty.workbench.views import (
    ScopedDetailView,
    ScopedListView,
    ServiceFormView,
    WorkbenchMixin,
    redirect_after_post,
)

from . import forms

OPEN_RESOLUTION = (ResolutionStatus.PENDING, ResolutionStatus.IN_PROGRESS)


# ---------------------------------------------------------------------------
# Joint meetings
# ---------------------------------------------------------------------------
class MeetingListView(ScopedListView):
    model = JointMeeting
    permission_required = ("partybranches.view_jointmeeting",)
    template_name = "workbench/meetings/list.html"
    select_related = ("community", "convened_by")
    title = _("Joint meetings")

    def get_queryset(self):
        return super().get_queryset().annotate(
            resolution_count=Count("resolutions", distinct=True),
            open_count=Count("resolutions", filter=Q(resolutions__status__in=OPEN_RESOLUTION), distinct=True),
        ).order_by("-held_on", "-pk")


class MeetingCreateView(ServiceFormView):
    """The meeting and its resolutions in one form. "Add a resolution" adds a row: in place with
    htmx, or by reloading the form with its data (and nothing saved) without JavaScript."""

    permission_required = ("partybranches.add_jointmeeting",)
    form_class = forms.MeetingForm
    template_name = "workbench/meetings/form.html"
    title = _("Record a joint meeting")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["community"] = self.community
        if self.request.method == "GET" and self.request.GET.get("agenda"):
            kwargs["initial"] = {"agenda_items": self.request.GET.getlist("agenda")}
        return kwargs

    def get_formset(self):
        if self.request.method == "POST":
            data = self.request.POST.copy()
            if "add_row" in data:
                key = "resolutions-TOTAL_FORMS"
                data[key] = str(int(data.get(key) or 0) + 1)
            return forms.ResolutionFormSet(data, prefix="resolutions")
        return forms.ResolutionFormSet(prefix="resolutions")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("formset", self.get_formset())
        return context

    def post(self, request, *args, **kwargs):
        form, formset = self.get_form(), self.get_formset()
        if "add_row" in request.POST:
            # Without JavaScript: the same form again, as typed, with one more row; nothing is
            # checked or saved yet.
            return self.render_to_response(self.get_context_data(form=as_typed(form), formset=as_typed(formset)))
        if form.is_valid() and formset.is_valid():
            data = form.cleaned_data
            try:
                self.result = services.joint_meeting_record(
                    actor=request.user, community=data["community"], convened_by=data["convened_by"],
                    held_on=data["held_on"], title=data["title"], topics=data["topics"], minutes=data["minutes"],
                    complexes=data["complexes"], attending_firms=data["attending_firms"], attendees=form.attendees(),
                    resolutions=formset.resolutions(), cited_complaints=data.get("cited_complaints", []),
                    cited_evaluations=data["cited_evaluations"], agenda_items=data["agenda_items"],
                )
            except ValidationError as exc:
                rows = exc.message_dict.get("resolutions") if hasattr(exc, "error_dict") else None
                add_service_errors(form, exc)
                if rows:
                    formset._non_form_errors = formset.error_class(rows)
            else:
                messages.success(request, _("Joint meeting recorded with %(count)d resolution(s).")
                                 % {"count": len(formset.resolutions())})
                return redirect_after_post(request, reverse("workbench:partybranches:meeting_detail",
                                                            args=[self.result.pk]))
        context = self.get_context_data(form=form, formset=formset)
        response = self.render_to_response(context)
        response.status_code = 400
        return response


class ResolutionRowView(WorkbenchMixin, View):
    """htmx: one more empty resolution row, and the formset's new total (out of band)."""

    permission_required = ("partybranches.add_jointmeeting",)

    def get(self, request):
        try:
            index = max(0, min(int(request.GET.get("resolutions-TOTAL_FORMS", 0)), 29))
        except ValueError:
            index = 0
        formset = forms.ResolutionFormSet(prefix="resolutions")
        form = formset.form(prefix=formset.add_prefix(index), empty_permitted=True, use_required_attribute=False,
                            renderer=formset.renderer)
        formset.add_fields(form, index)
        return render(request, "workbench/meetings/_resolution_row.html", {
            "row": form, "number": index + 1, "total": index + 1, "oob": True,
        })


class MeetingDetailView(ScopedDetailView):
    model = JointMeeting
    permission_required = ("partybranches.view_jointmeeting",)
    template_name = "workbench/meetings/detail.html"
    select_related = ("community", "convened_by")

    def get_queryset(self):
        return super().get_queryset().prefetch_related(
            "complexes", "attending_firms", "cited_complaints__complex", "cited_complaints__category",
            Prefetch("cited_evaluations", queryset=CitedEvaluation.objects.select_related("firm")), "agenda_items",
            Prefetch("resolutions", queryset=MeetingResolution.objects.order_by("due_on", "pk")),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = str(self.object.title)
        context["today"] = timezone.localdate()
        context["evaluation_results"] = cited_results(self.object, self.request.user)
        return context


def cited_results(meeting, user) -> list[tuple]:
    """(citation, [results at the community's complexes]) for each evaluation the meeting
    cites, by the scheme in use when shown. One query."""
    from properties.models import FirmEvaluation

    citations = list(meeting.cited_evaluations.all())
    if not citations:
        return []
    wanted = Q()
    for citation in citations:
        wanted |= Q(firm_id=citation.firm_id, period=citation.period)
    rows = (FirmEvaluation.objects.visible_to(user).contracts().filter(wanted, complex__community=meeting.community_id)
            .select_related("complex").order_by("complex__name"))
    by_key = {}
    for row in rows:
        by_key.setdefault((row.firm_id, row.period), []).append(row)
    return [(c, by_key.get((c.firm_id, c.period), [])) for c in citations]


class MeetingPrintView(MeetingDetailView):
    template_name = "workbench/meetings/print.html"


# ---------------------------------------------------------------------------
# Resolutions
# ---------------------------------------------------------------------------
class ResolutionListView(ScopedListView):
    model = MeetingResolution
    permission_required = ("partybranches.view_meetingresolution",)
    template_name = "workbench/meetings/resolutions.html"
    select_related = ("meeting",)
    title = _("Resolutions")

    def get_queryset(self):
        queryset = super().get_queryset()
        today = timezone.localdate()
        due = self.request.GET.get("due", "")
        if due == "soon":
            queryset = queryset.filter(status__in=OPEN_RESOLUTION, due_on__gte=today,
                                       due_on__lte=today + timezone.timedelta(days=14))
        elif due == "overdue":
            queryset = queryset.overdue(today)
        status = self.request.GET.get("status", "")
        if status in ResolutionStatus.values:
            queryset = queryset.filter(status=status)
        elif not due and status != "all":
            queryset = queryset.filter(status__in=OPEN_RESOLUTION)
        overdue = Q(pk__in=MeetingResolution.objects.overdue(today).values("pk"))
        return queryset.annotate(is_overdue=ExpressionWrapper(overdue, output_field=BooleanField())).order_by("due_on", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({"today": timezone.localdate(), "due": self.request.GET.get("due", ""),
                        "status": self.request.GET.get("status", ""), "statuses": ResolutionStatus.choices})
        return context


class FollowUpView(ServiceFormView):
    permission_required = ("partybranches.change_meetingresolution",)
    form_class = forms.FollowUpForm
    template_name = "workbench/meetings/follow_up.html"
    title = _("Follow up a resolution")
    success_message = _("Follow-up saved.")

    def get_resolution(self):
        if not hasattr(self, "_resolution"):
            self._resolution = get_object_or_404(self.scoped(MeetingResolution).select_related("meeting"), pk=self.kwargs["pk"])
        return self._resolution

    def get_initial(self):
        return {"status": self.get_resolution().status}

    def get_context_data(self, **kwargs):
        resolution = self.get_resolution()
        is_overdue = MeetingResolution.objects.overdue().filter(pk=resolution.pk).exists()
        return {**super().get_context_data(**kwargs), "resolution": resolution, "is_overdue": is_overdue}

    def perform(self, form):
        return services.resolution_follow_up(actor=self.request.user, resolution=self.get_resolution(), **form.cleaned_data)

    def get_success_url(self):
        return self.request.GET.get("next") or reverse("workbench:partybranches:resolution_list")


# ---------------------------------------------------------------------------
# Agenda items
# ---------------------------------------------------------------------------
class AgendaListView(ScopedListView):
    model = AgendaItem
    permission_required = ("partybranches.view_agendaitem",)
    template_name = "workbench/meetings/agenda.html"
    select_related = ("community", "complex", "contract__firm")
    title = _("Agenda items")

    def get_queryset(self):
        return super().get_queryset().open().order_by("created_at", "pk")


# ---------------------------------------------------------------------------
# Cross-appointments
# ---------------------------------------------------------------------------
class AppointmentListView(ScopedListView):
    """Per complex: the appointments in force on each side and whether it has two-way entry."""

    model = ResidentialComplex
    permission_required = ("partybranches.view_crossappointment",)
    template_name = "workbench/appointments/list.html"
    select_related = ("community",)
    title = _("Cross-appointments")

    def get_queryset(self):
        today = timezone.localdate()
        in_force = (CrossAppointment.objects.visible_to(self.request.user).active(today)
                    .select_related("firm", "owners_committee", "party_organization").order_by("direction", "person_name"))
        queryset = super().get_queryset().with_two_way_entry().prefetch_related(
            Prefetch("cross_appointments", queryset=in_force, to_attr="appointments_in_force"))
        two_way = self.request.GET.get("two_way", "")
        if two_way in ("yes", "no"):
            queryset = queryset.filter(has_two_way_entry=two_way == "yes")
        return queryset.order_by("community__code", "name")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "two_way": self.request.GET.get("two_way", "")}


class AppointmentCreateView(ServiceFormView):
    permission_required = ("partybranches.add_crossappointment",)
    form_class = forms.AppointmentForm
    template_name = "workbench/appointments/form.html"
    title = _("Add a cross-appointment")
    success_message = _("Cross-appointment added.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["community"] = self.community
        if self.request.method == "GET" and self.request.GET.get("complex", "").isdigit():
            kwargs["initial"] = {"complex": self.request.GET["complex"]}
        return kwargs

    def perform(self, form):
        return services.cross_appointment_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return reverse("workbench:partybranches:appointment_list")


class AppointmentEndView(ServiceFormView):
    permission_required = ("partybranches.change_crossappointment",)
    form_class = forms.EndAppointmentForm
    template_name = "workbench/appointments/end.html"
    title = _("End a cross-appointment")
    success_message = _("Cross-appointment ended.")

    def get_appointment(self):
        if not hasattr(self, "_appointment"):
            self._appointment = get_object_or_404(
                self.scoped(CrossAppointment).select_related("complex", "firm", "owners_committee"), pk=self.kwargs["pk"])
        return self._appointment

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "appointment": self.get_appointment()}

    def perform(self, form):
        return services.cross_appointment_end(actor=self.request.user, appointment=self.get_appointment(),
                                              end_date=form.cleaned_data["end_date"])

    def get_success_url(self):
        return reverse("workbench:partybranches:appointment_list")
