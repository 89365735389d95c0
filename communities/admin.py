"""Admin of the division registers, complexes, owners' committees and staff jurisdictions."""
from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Prefetch
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from redproperty.admin import (
    BooleanAnnotationFilter,
    ScopedModelAdmin,
    ScopedStackedInline,
    ScopedTabularInline,
    scoped_choices,
)

from .models import (
    Community,
    District,
    MemberRole,
    OwnersCommittee,
    OwnersCommitteeMember,
    ResidentialComplex,
    StaffProfile,
    Subdistrict,
)
from .services import staff_profile_set


@admin.register(District)
class DistrictAdmin(ScopedModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Subdistrict)
class SubdistrictAdmin(ScopedModelAdmin):
    list_display = ["code", "name", "district"]
    list_filter = ["district"]
    list_select_related = ["district"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["district"]


@admin.register(Community)
class CommunityAdmin(ScopedModelAdmin):
    list_display = ["code", "name", "subdistrict", "phone"]
    list_filter = ["subdistrict"]
    list_select_related = ["subdistrict"]
    search_fields = ["code", "name", "address"]
    autocomplete_fields = ["subdistrict"]


class TwoWayEntryFilter(BooleanAnnotationFilter):
    title = _("two-way entry")
    parameter_name = "two_way_entry"
    annotation = "has_two_way_entry"


@admin.register(ResidentialComplex)
class ResidentialComplexAdmin(ScopedModelAdmin):
    list_display = [
        "name", "community", "subdistrict", "complex_type", "management_mode", "households",
        "current_firm", "two_way_entry",
    ]
    list_filter = [TwoWayEntryFilter, "complex_type", "management_mode", "community__subdistrict", "community"]
    list_select_related = ["community__subdistrict"]
    search_fields = ["name", "address", "community__name"]
    autocomplete_fields = ["community"]

    def get_queryset(self, request):
        """Scoped complexes with `has_two_way_entry` annotated and the serving contract prefetched
        (one extra query for the whole page)."""
        from properties.models import ServiceContract

        serving = ServiceContract.objects.active().select_related("firm")
        return (
            super()
            .get_queryset(request)
            .with_two_way_entry()
            .prefetch_related(Prefetch("contracts", queryset=serving, to_attr="active_contracts"))
        )

    @admin.display(description=_("subdistrict"), ordering="community__subdistrict__code")
    def subdistrict(self, obj):
        return obj.community.subdistrict

    @admin.display(description=_("current firm"))
    def current_firm(self, obj):
        return obj.current_firm or "—"

    @admin.display(description=_("two-way entry"), boolean=True, ordering="has_two_way_entry")
    def two_way_entry(self, obj):
        return obj.has_two_way_entry


class CommitteeMemberFormSet(BaseInlineFormSet):
    """Checks the whole member list with OwnersCommittee.validate_members (5 to 11, odd, one
    director) and saves a demoted director before the member who replaces them, as the
    database holds one director per committee at any moment."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        members = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        OwnersCommittee.validate_members(members)

    @property
    def initial_forms(self):
        return sorted(super().initial_forms, key=lambda form: form.initial.get("role") != MemberRole.DIRECTOR)


class CommitteeMemberInline(ScopedTabularInline):
    model = OwnersCommitteeMember
    formset = CommitteeMemberFormSet
    fields = ["name", "role", "is_party_member", "phone"]

    def get_extra(self, request, obj=None, **kwargs):
        # A new committee needs at least five members: offer five empty rows.
        return OwnersCommittee.MIN_MEMBERS if obj is None else 1


class RedFilter(BooleanAnnotationFilter):
    title = _("red")
    parameter_name = "red"
    annotation = "_is_red"


@admin.register(OwnersCommittee)
class OwnersCommitteeAdmin(ScopedModelAdmin):
    list_display = ["complex", "community", "term_start", "term_end", "filed_on", "status", "member_count", "red"]
    list_filter = [RedFilter, "status", "complex__community__subdistrict", "complex__community"]
    list_select_related = ["complex__community"]
    search_fields = ["complex__name", "members__name"]
    autocomplete_fields = ["complex"]
    date_hierarchy = "term_start"
    inlines = [CommitteeMemberInline]

    def get_queryset(self, request):
        """Scoped committees with member count and `is_red` annotated, and the complex that
        names them joined (no query per row, in the list or in autocomplete answers). The list's
        own list_select_related is skipped once a queryset joins anything, hence the community."""
        return super().get_queryset(request).with_red().select_related(*self.list_select_related)

    @admin.display(description=_("community"), ordering="complex__community__code")
    def community(self, obj):
        return obj.complex.community

    @admin.display(description=_("members"), ordering="_members")
    def member_count(self, obj):
        return obj._members

    @admin.display(description=_("red"), boolean=True, ordering="_is_red")
    def red(self, obj):
        return obj.is_red


@admin.register(OwnersCommitteeMember)
class OwnersCommitteeMemberAdmin(ScopedModelAdmin):
    """Find a member across committees. Members are added, removed and given roles on their
    committee's page, where the whole list is checked; here only personal details change."""

    list_display = ["name", "role", "is_party_member", "committee"]
    list_filter = ["role", "is_party_member", "committee__complex__community"]
    list_select_related = ["committee__complex"]
    search_fields = ["name", "committee__complex__name"]
    readonly_fields = ["committee", "role"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StaffProfile)
class StaffProfileAdmin(ScopedModelAdmin):
    """Staff jurisdictions. Saving goes through `staff_profile_set`, which also puts the user
    in the role's permission group."""

    list_display = ["user", "role", "jurisdiction", "phone"]
    list_filter = ["role"]
    list_select_related = ["user", "district", "subdistrict", "community", "firm"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["subdistrict", "community", "firm"]

    def get_readonly_fields(self, request, obj=None):
        return ["user"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            # Users without a profile, or whose profile is within the editor's jurisdiction.
            visible = scoped_choices(self.admin_site, StaffProfile, request)
            kwargs["queryset"] = db_field.remote_field.model._default_manager.filter(
                staff_profile__isnull=True
            ) | db_field.remote_field.model._default_manager.filter(staff_profile__in=visible)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        _save_through_service(obj)


def _save_through_service(profile: StaffProfile) -> None:
    """Save the profile a form built through `staff_profile_set` (which also sets the role
    group), then its phone; `profile` becomes the saved row."""
    saved = staff_profile_set(user=profile.user, role=profile.role, jurisdiction=profile.jurisdiction)
    if saved.phone != profile.phone:
        saved.phone = profile.phone
        saved.save(update_fields=["phone", "updated_at"])
    profile.pk = saved.pk
    profile._state.adding = False


class StaffProfileInline(ScopedStackedInline):
    model = StaffProfile
    fk_name = "user"
    can_delete = False
    autocomplete_fields = ["subdistrict", "community", "firm"]


class StaffUserAdmin(UserAdmin):
    """Django's user admin with the user's jurisdiction on the same page (from the second step
    of adding a user on)."""

    inlines = [StaffProfileInline]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def save_formset(self, request, form, formset, change):
        if formset.model is not StaffProfile:
            return super().save_formset(request, form, formset, change)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for profile_form in formset.forms:
            if profile_form.has_changed() and profile_form.is_valid():
                profile = profile_form.instance
                is_new = profile._state.adding
                _save_through_service(profile)
                if is_new:
                    formset.new_objects.append(profile)
                else:
                    formset.changed_objects.append((profile, profile_form.changed_data))


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), StaffUserAdmin)


# ---------------------------------------------------------------------------
# Owners' committee elections: every step through communities/services.py
# ---------------------------------------------------------------------------
from redproperty.workflow_admin import OverdueFilter, PlainReadOnlyInline, WorkflowAdmin, events_inline  # noqa: E402

from . import forms as election_forms  # noqa: E402
from .models import (  # noqa: E402
    CommitteeElection,
    CommitteeElectionEvent,
    ElectionAction,
    ElectionCandidate,
    PreparatoryGroupMember,
)
from .services import ELECTION  # noqa: E402


class GroupMemberInline(PlainReadOnlyInline):
    model = PreparatoryGroupMember
    fields = readonly_fields = ["name", "side", "post", "is_leader", "is_party_member"]


class CandidateInline(PlainReadOnlyInline):
    model = ElectionCandidate
    fields = readonly_fields = ["name", "role", "is_party_member", "votes_owners", "votes_area", "is_elected"]


@admin.register(CommitteeElection)
class CommitteeElectionAdmin(WorkflowAdmin):
    workflow = ELECTION
    open_form = election_forms.ElectionOpenForm
    step_forms = {
        ElectionAction.CONVENE: election_forms.ConveneForm,
        ElectionAction.RECORD_RESULT: election_forms.RecordResultForm,
        ElectionAction.FILE: election_forms.FileForm,
        ElectionAction.CANCEL: election_forms.CancelForm,
    }
    list_display = ["complex", "community", "kind", "status", "formed_on", "meeting_on", "due_on", "overdue"]
    list_filter = ["status", OverdueFilter, "complex__community__subdistrict", "complex__community"]
    list_select_related = ["complex__community", "previous_committee"]
    search_fields = ["complex__name"]
    date_hierarchy = "formed_on"
    inlines = [GroupMemberInline, CandidateInline, events_inline(CommitteeElectionEvent)]

    @admin.display(description=_("community"), ordering="complex__community__code")
    def community(self, obj):
        return obj.complex.community

    @admin.display(description=_("kind"))
    def kind(self, obj):
        return _("Re-election") if obj.is_reelection else _("Formation")

    @admin.display(description=_("overdue"), boolean=True, ordering="overdue_since")
    def overdue(self, obj):
        return obj.is_overdue


# ---------------------------------------------------------------------------
# Mediation of disputes: every step through communities/services.py (MEDIATION)
# ---------------------------------------------------------------------------
from .models import MediationAction, MediationCase, MediationCaseEvent, MediationParty, MediationSession  # noqa: E402
from .services import MEDIATION  # noqa: E402


class PartyInline(PlainReadOnlyInline):
    model = MediationParty
    fields = readonly_fields = ["name", "side"]


class SessionInline(PlainReadOnlyInline):
    model = MediationSession
    fields = readonly_fields = ["held_on", "summary"]


@admin.register(MediationCase)
class MediationCaseAdmin(WorkflowAdmin):
    workflow = MEDIATION
    open_form = election_forms.MediationOpenForm
    step_forms = {
        MediationAction.HOLD_SESSION: election_forms.SessionForm,
        MediationAction.RECORD_AGREEMENT: election_forms.AgreementForm,
        MediationAction.FOLLOW_UP: election_forms.FollowUpForm,
        MediationAction.CLOSE_FAILED: election_forms.CloseFailedForm,
        MediationAction.WITHDRAW: election_forms.WithdrawForm,
    }
    list_display = ["subject", "complex", "community", "status", "mediator", "opened_on", "due_on", "overdue"]
    list_filter = ["status", OverdueFilter, "complex__community__subdistrict"]
    list_select_related = ["complex__community"]
    search_fields = ["subject", "complex__name", "mediator"]
    date_hierarchy = "opened_on"
    inlines = [PartyInline, SessionInline, events_inline(MediationCaseEvent)]

    @admin.display(description=_("community"), ordering="complex__community__code")
    def community(self, obj):
        return obj.complex.community

    @admin.display(description=_("overdue"), boolean=True, ordering="overdue_since")
    def overdue(self, obj):
        return obj.is_overdue
