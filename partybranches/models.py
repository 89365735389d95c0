"""The party side and where the sides meet: party organisations, cross-appointments
(双向进入、交叉任职), joint meetings (联席会议), red property projects and service stations."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from communities.models import Community, District, OwnersCommittee, ResidentialComplex, TimeStamped
from properties.models import PropertyFirm
from redproperty.scoping import JurisdictionQuerySet


class OrgKind(models.TextChoices):
    DISTRICT_COMMITTEE = "district_committee", _("District party committee")
    SUBDISTRICT_WORKING_COMMITTEE = "subdistrict_committee", _("Subdistrict working committee")
    COMMUNITY_COMMITTEE = "community_committee", _("Community party committee")
    RESIDENTIAL_BRANCH = "residential_branch", _("Residential-area party branch")
    FIRM_BRANCH = "firm_branch", _("Firm party branch")
    INDUSTRY_COMMITTEE = "industry_committee", _("Property-industry party committee")


class PartyOrganizationQuerySet(JurisdictionQuerySet):
    community_lookup = "community"
    firm_lookup = "firm"
    district_lookup = "district"

    def residential_branches(self):
        return self.filter(kind=OrgKind.RESIDENTIAL_BRANCH)


class PartyOrganization(TimeStamped):
    """A party organisation. District-wide ones (district committee, industry committee,
    subdistrict working committees) belong to the district; community ones to a community;
    a firm branch to its firm."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=30, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent organisation")
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="party_organizations", verbose_name=_("district")
    )
    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="party_organizations",
        verbose_name=_("community"),
    )
    firm = models.ForeignKey(
        PropertyFirm,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="party_organizations",
        verbose_name=_("property firm"),
    )
    complexes = models.ManyToManyField(
        ResidentialComplex,
        blank=True,
        related_name="party_branches",
        verbose_name=_("complexes covered"),
        help_text=_("For a residential-area branch: the complexes it covers."),
    )
    secretary = models.CharField(_("secretary"), max_length=50, blank=True)
    member_count = models.PositiveIntegerField(_("members"), default=0)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    history = HistoricalRecords()

    objects = PartyOrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("party organisation")
        verbose_name_plural = _("party organisations")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                name="partyorg_firm_branch_has_firm",
                condition=~Q(kind="firm_branch") | Q(firm__isnull=False),
                violation_error_message=_("A firm branch belongs to a firm."),
            ),
            models.CheckConstraint(
                name="partyorg_community_kinds_have_community",
                condition=~Q(kind__in=["community_committee", "residential_branch"]) | Q(community__isnull=False),
                violation_error_message=_("A community party committee or residential branch belongs to a community."),
            ),
        ]
        indexes = [models.Index(fields=["kind"], name="partyorg_kind_idx")]

    def __str__(self):
        return self.name

    def clean(self):
        if self.kind == OrgKind.FIRM_BRANCH and not self.firm_id:
            raise ValidationError({"firm": _("A firm branch belongs to a firm.")})
        if self.kind in (OrgKind.COMMUNITY_COMMITTEE, OrgKind.RESIDENTIAL_BRANCH) and not self.community_id:
            raise ValidationError({"community": _("A community party committee or residential branch belongs to a community.")})
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("An organisation cannot be its own parent.")})


class Direction(models.TextChoices):
    TO_COUNTERPART = "to_counterpart", _("Community party organisation into the firm or owners' committee")
    TO_COMMUNITY = "to_community", _("Firm or committee party member into the community party organisation")


class CrossAppointmentQuerySet(JurisdictionQuerySet):
    community_lookup = "complex__community"
    firm_lookup = "firm"

    def active(self, on=None):
        """Appointments in force on a day (default today)."""
        on = on or timezone.localdate()
        return self.filter(start_date__lte=on).filter(Q(end_date__isnull=True) | Q(end_date__gte=on))


class CrossAppointment(TimeStamped):
    """A person of one side holding a post on the other (双向进入、交叉任职)."""

    person_name = models.CharField(_("person"), max_length=50)
    is_party_member = models.BooleanField(_("party member"), default=True)
    direction = models.CharField(_("direction"), max_length=20, choices=Direction.choices)
    party_organization = models.ForeignKey(
        PartyOrganization,
        on_delete=models.PROTECT,
        related_name="cross_appointments",
        verbose_name=_("community party organisation"),
    )
    complex = models.ForeignKey(
        ResidentialComplex, on_delete=models.PROTECT, related_name="cross_appointments", verbose_name=_("residential complex")
    )
    firm = models.ForeignKey(
        PropertyFirm,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cross_appointments",
        verbose_name=_("property firm"),
    )
    owners_committee = models.ForeignKey(
        OwnersCommittee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cross_appointments",
        verbose_name=_("owners' committee"),
    )
    home_post = models.CharField(_("post on own side"), max_length=100, help_text=_("e.g. community party committee member"))
    appointed_post = models.CharField(_("post on the other side"), max_length=100, help_text=_("e.g. deputy project manager"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    history = HistoricalRecords()

    objects = CrossAppointmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("cross-appointment")
        verbose_name_plural = _("cross-appointments")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                name="crossappointment_exactly_one_counterpart",
                condition=(Q(firm__isnull=False) & Q(owners_committee__isnull=True))
                | (Q(firm__isnull=True) & Q(owners_committee__isnull=False)),
                violation_error_message=_("Name exactly one counterpart: a firm or an owners' committee."),
            ),
            models.CheckConstraint(
                name="crossappointment_end_after_start",
                condition=Q(end_date__isnull=True) | Q(end_date__gt=models.F("start_date")),
                violation_error_message=_("The end date must be after the start date."),
            ),
        ]
        indexes = [
            # Two-way entry: active appointments of a complex by direction.
            models.Index(fields=["complex", "direction", "start_date"], name="crossappt_complex_dir_idx"),
        ]

    def __str__(self):
        return f"{self.person_name}: {self.home_post} → {self.appointed_post}"

    @property
    def counterpart(self):
        return self.firm or self.owners_committee

    def clean(self):
        errors = {}
        if bool(self.firm_id) == bool(self.owners_committee_id):
            errors["firm"] = _("Name exactly one counterpart: a firm or an owners' committee.")
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            errors["end_date"] = _("The end date must be after the start date.")
        if self.owners_committee_id and self.complex_id and self.owners_committee.complex_id != self.complex_id:
            errors["owners_committee"] = _("The owners' committee must be the complex's own.")
        if self.party_organization_id and self.complex_id:
            org = self.party_organization
            if org.community_id and org.community_id != self.complex.community_id:
                errors["party_organization"] = _("The party organisation must belong to the complex's community.")
        if errors:
            raise ValidationError(errors)


class JointMeetingQuerySet(JurisdictionQuerySet):
    community_lookup = "community"
    firm_lookup = "attending_firms"


class JointMeeting(TimeStamped):
    """A joint meeting (联席会议) of the community party organisation, residents' committee,
    owners' committee and firm."""

    convened_by = models.ForeignKey(
        PartyOrganization, on_delete=models.PROTECT, related_name="joint_meetings", verbose_name=_("convened by")
    )
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="joint_meetings", verbose_name=_("community")
    )
    complexes = models.ManyToManyField(
        ResidentialComplex, blank=True, related_name="joint_meetings", verbose_name=_("complexes concerned")
    )
    held_on = models.DateField(_("held on"))
    title = models.CharField(_("title"), max_length=200)
    topics = models.TextField(_("topics"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    attending_firms = models.ManyToManyField(
        PropertyFirm, blank=True, related_name="joint_meetings_attended", verbose_name=_("firms attending")
    )
    attendees_party = models.PositiveSmallIntegerField(_("party organisation attendees"), default=0)
    attendees_residents_committee = models.PositiveSmallIntegerField(_("residents' committee attendees"), default=0)
    attendees_owners_committee = models.PositiveSmallIntegerField(_("owners' committee attendees"), default=0)
    attendees_firm = models.PositiveSmallIntegerField(_("firm attendees"), default=0)
    attendees_residents = models.PositiveSmallIntegerField(_("resident attendees"), default=0)
    cited_complaints = models.ManyToManyField(
        "complaints.Complaint", blank=True, related_name="joint_meetings", verbose_name=_("complaints discussed")
    )
    history = HistoricalRecords()

    objects = JointMeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("joint meeting")
        verbose_name_plural = _("joint meetings")
        ordering = ["-held_on"]
        indexes = [models.Index(fields=["community", "held_on"], name="meeting_community_date_idx")]

    def __str__(self):
        return f"{self.held_on} {self.title}"


class CitedEvaluationQuerySet(JurisdictionQuerySet):
    community_lookup = "meeting__community"
    firm_lookup = "firm"


class CitedEvaluation(models.Model):
    """A firm's evaluation for one quarter that a joint meeting discussed. Cited by firm and
    quarter rather than by result row, because re-running a quarter replaces its rows
    (properties/evaluation.py); the results shown are those of the community's complexes."""

    meeting = models.ForeignKey(
        JointMeeting, on_delete=models.CASCADE, related_name="cited_evaluations", verbose_name=_("joint meeting")
    )
    firm = models.ForeignKey(
        PropertyFirm, on_delete=models.PROTECT, related_name="meeting_citations", verbose_name=_("property firm")
    )
    period = models.CharField(_("quarter"), max_length=6, help_text=_("For example 2026Q3."))

    objects = CitedEvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation discussed")
        verbose_name_plural = _("evaluations discussed")
        ordering = ["meeting", "-period", "firm"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "firm", "period"], name="cited_evaluation_once_per_meeting",
                                    violation_error_message=_("The meeting cites this firm's quarter once.")),
            models.CheckConstraint(condition=Q(period__regex=r"^\d{4}Q[1-4]$"), name="cited_evaluation_period_format",
                                   violation_error_message=_("Write the quarter as 2026Q3.")),
        ]

    def __str__(self):
        return f"{self.period} {self.firm}"


class ResponsibleSide(models.TextChoices):
    PARTY = "party", _("Community party organisation")
    RESIDENTS_COMMITTEE = "residents_committee", _("Residents' committee")
    OWNERS_COMMITTEE = "owners_committee", _("Owners' committee")
    FIRM = "firm", _("Property firm")
    OTHER = "other", _("Other")


class ResolutionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class MeetingResolutionQuerySet(JurisdictionQuerySet):
    community_lookup = "meeting__community"
    firm_lookup = "meeting__attending_firms"

    def overdue(self, on=None):
        on = on or timezone.localdate()
        return self.filter(due_on__lt=on, status__in=[ResolutionStatus.PENDING, ResolutionStatus.IN_PROGRESS])


class MeetingResolution(TimeStamped):
    meeting = models.ForeignKey(
        JointMeeting, on_delete=models.CASCADE, related_name="resolutions", verbose_name=_("joint meeting")
    )
    text = models.TextField(_("resolution"))
    responsible_side = models.CharField(_("responsible side"), max_length=30, choices=ResponsibleSide.choices)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ResolutionStatus.choices, default=ResolutionStatus.PENDING)
    follow_up = models.TextField(_("follow-up"), blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    history = HistoricalRecords()

    objects = MeetingResolutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting resolution")
        verbose_name_plural = _("meeting resolutions")
        ordering = ["meeting", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                name="resolution_done_has_date",
                condition=~Q(status="done") | Q(completed_on__isnull=False),
                violation_error_message=_("A resolution marked done needs its completion date."),
            ),
        ]

    def __str__(self):
        return self.text[:40]

    def clean(self):
        if self.status == ResolutionStatus.DONE and not self.completed_on:
            raise ValidationError({"completed_on": _("A resolution marked done needs its completion date.")})


class ProjectLevel(models.TextChoices):
    DISTRICT = "district", _("District level")
    CITY = "city", _("City level")


class RedPropertyProjectQuerySet(JurisdictionQuerySet):
    community_lookup = "community"
    firm_lookup = "complex__contracts__firm"


class RedPropertyProject(TimeStamped):
    """A designated red property (红色物业) demonstration project."""

    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=20, choices=ProjectLevel.choices)
    year_designated = models.PositiveSmallIntegerField(_("year designated"))
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="red_projects", verbose_name=_("community")
    )
    complex = models.ForeignKey(
        ResidentialComplex,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="red_projects",
        verbose_name=_("residential complex"),
    )
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    objects = RedPropertyProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("red property project")
        verbose_name_plural = _("red property projects")
        ordering = ["-year_designated", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "level"], name="redproject_unique_name_level",
                violation_error_message=_("A project of this name is already designated at this level: open that one, or correct the name."),
            ),
            models.CheckConstraint(
                condition=Q(year_designated__gte=2000, year_designated__lte=2100), name="redproject_year_plausible",
                violation_error_message=_("Enter the year designated as four digits between 2000 and 2100."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_level_display()})"

    def clean(self):
        if self.complex_id and self.community_id and self.complex.community_id != self.community_id:
            raise ValidationError({"complex": _("The complex must be in the project's community.")})


class StationKind(models.TextChoices):
    DISTRICT_CENTRE = "district_centre", _("District property-industry party-mass service centre")
    COMPLEX_STATION = "complex_station", _("Complex party-mass service station")


class ServiceStationQuerySet(JurisdictionQuerySet):
    community_lookup = "complex__community"
    firm_lookup = "complex__contracts__firm"
    district_lookup = "district"


class ServiceStation(TimeStamped):
    """A party-mass service centre (党群服务中心) or complex station (驿站)."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=StationKind.choices)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="service_stations", verbose_name=_("district")
    )
    complex = models.ForeignKey(
        ResidentialComplex,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_stations",
        verbose_name=_("residential complex"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    services = models.TextField(_("services offered"), blank=True)
    history = HistoricalRecords()

    objects = ServiceStationQuerySet.as_manager()

    class Meta:
        verbose_name = _("service station")
        verbose_name_plural = _("service stations")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                name="station_complex_kind_has_complex",
                condition=~Q(kind="complex_station") | Q(complex__isnull=False),
                violation_error_message=_("A complex station belongs to a complex."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.kind == StationKind.COMPLEX_STATION and not self.complex_id:
            raise ValidationError({"complex": _("A complex station belongs to a complex.")})


class AgendaStatus(models.TextChoices):
    OPEN = "open", _("Waiting for a meeting")
    TAKEN_UP = "taken_up", _("Taken up by a meeting")
    DROPPED = "dropped", _("Dropped")


class AgendaItemQuerySet(JurisdictionQuerySet):
    community_lookup = "community"
    firm_lookup = None  # the firm is discussed, it does not see the agenda

    def open(self):
        return self.filter(status=AgendaStatus.OPEN)


class AgendaItem(TimeStamped):
    """An item a community's next joint meeting must take up, e.g. a contract put under exit
    review after two failing quarters (物业退出、替换有规可循). `meeting` is the meeting that
    takes it up: the community's next scheduled one when the item was raised, else set when
    a meeting is recorded."""

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="agenda_items", verbose_name=_("community")
    )
    complex = models.ForeignKey(
        ResidentialComplex,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("residential complex"),
    )
    contract = models.ForeignKey(
        "properties.ServiceContract",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("service contract"),
    )
    consequence = models.OneToOneField(
        "properties.EvaluationConsequence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_item",
        verbose_name=_("evaluation consequence"),
    )
    title = models.CharField(_("title"), max_length=200)
    details = models.TextField(_("details"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=AgendaStatus.choices, default=AgendaStatus.OPEN)
    meeting = models.ForeignKey(
        JointMeeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("joint meeting"),
    )
    history = HistoricalRecords()

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["status", "-created_at"]
        indexes = [
            # Workbench: a community's open items.
            models.Index(fields=["community", "status"], name="agenda_community_status_idx"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.complex_id and self.community_id and self.complex.community_id != self.community_id:
            raise ValidationError({"complex": _("The complex must be in the item's community.")})
        if self.meeting_id and self.community_id and self.meeting.community_id != self.community_id:
            raise ValidationError({"meeting": _("The meeting must be the community's own.")})


# ---------------------------------------------------------------------------
# Red-project applications (申报 → 评审 → 命名 → 推荐市级). Every change goes through
# partybranches/services.py (its transition table is APPLICATION there).
# ---------------------------------------------------------------------------
from redproperty.workflow import WorkflowEvent, WorkflowRecord  # noqa: E402

# The criteria the district reviews against, with their maximum scores (100 in all); a project
# is designated at district level with PASS_SCORE or more.
REVIEW_CRITERIA = (
    ("party_leadership", _("Party leadership of property service"), 30),
    ("service_quality", _("Quality of property service"), 25),
    ("satisfaction", _("Residents' satisfaction"), 20),
    ("joint_governance", _("Joint governance: two-way entry, joint meetings, owners' committee"), 15),
    ("innovation", _("Innovation and example to others"), 10),
)
PASS_SCORE = 80


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Applied, awaiting review")
    REVIEWED = "reviewed", _("Reviewed, awaiting designation")
    DESIGNATED = "designated", _("Designated a district-level project")
    RECOMMENDED = "recommended", _("Recommended to the city")
    REJECTED = "rejected", _("Not designated")
    WITHDRAWN = "withdrawn", _("Application withdrawn")


class ApplicationAction(models.TextChoices):
    APPLY = "apply", _("Applied")
    REVIEW = "review", _("Reviewed with scores")
    DESIGNATE = "designate", _("Designated at district level")
    RECOMMEND = "recommend", _("Recommended to the city")
    REJECT = "reject", _("Not designated")
    WITHDRAW = "withdraw", _("Application withdrawn by the applicant")
    OVERDUE = "overdue", _("Step overdue")


class ProjectApplicationQuerySet(JurisdictionQuerySet):
    community_lookup = "community"
    firm_lookup = "firm"


class ProjectApplication(WorkflowRecord):
    """A complex's or a firm's application (申报) to be a red property project: its materials,
    the district's review against REVIEW_CRITERIA with scores (评审), the designation (命名) of a
    district-level project and the recommendation of some to the city; each step kept."""

    OPEN_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.REVIEWED)

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="project_applications",
                                  verbose_name=_("community"))
    complex = models.ForeignKey(ResidentialComplex, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="project_applications", verbose_name=_("residential complex"))
    firm = models.ForeignKey(PropertyFirm, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="project_applications", verbose_name=_("property firm"))
    name = models.CharField(_("project name"), max_length=100)
    status = models.CharField(_("status"), max_length=20, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.SUBMITTED)
    submitted_on = models.DateField(_("applied on"))
    summary = models.TextField(_("what the project has done"), max_length=4000)
    materials = models.TextField(_("materials submitted"), max_length=2000,
                                 help_text=_("One per line: reports, photos, minutes, survey results."))
    scores = models.JSONField(_("review scores"), default=dict, blank=True,
                              help_text=_("Score per review criterion."))
    total_score = models.PositiveSmallIntegerField(_("total score"), null=True, blank=True)
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    review_note = models.TextField(_("review opinion"), blank=True, max_length=2000)
    project = models.OneToOneField(RedPropertyProject, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="application", verbose_name=_("designated project"))
    designated_on = models.DateField(_("designated on"), null=True, blank=True)
    recommended_on = models.DateField(_("recommended to the city on"), null=True, blank=True)
    closing_reason = models.TextField(_("reason"), blank=True, max_length=2000,
                                      help_text=_("Why it was not designated, or withdrawn."))
    history = HistoricalRecords()

    objects = ProjectApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("red-project application")
        verbose_name_plural = _("red-project applications")
        ordering = ["-submitted_on", "-id"]
        permissions = [("review_projectapplication", _("Can review and designate red-project applications"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(complex__isnull=False) | Q(firm__isnull=False), name="application_has_applicant",
                violation_error_message=_("An application comes from a complex or a firm: choose one of them."),
            ),
            models.CheckConstraint(
                condition=Q(total_score__isnull=True) | Q(total_score__lte=100), name="application_score_at_most_100",
                violation_error_message=_("A review scores at most 100 in all: check the scores."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["designated", "recommended"]) | Q(project__isnull=False),
                name="application_designated_has_project",
                violation_error_message=_("A designated application names its project: designate it first."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["rejected", "withdrawn"]) | ~Q(closing_reason=""),
                name="application_closed_has_reason",
                violation_error_message=_("Say why the application was not designated or was withdrawn."),
            ),
            models.UniqueConstraint(
                fields=["name"], condition=Q(status__in=["submitted", "reviewed"]),
                name="application_one_open_per_name",
                violation_error_message=_("An application of this name is already under way: continue that one."),
            ),
        ]
        indexes = [
            # The deadline sweep: open applications by deadline.
            models.Index(fields=["status", "due_on"], name="application_status_due_idx"),
        ]

    def __str__(self):
        return _("Application: %(name)s") % {"name": self.name}

    @property
    def applicant(self) -> str:
        return str(self.complex or self.firm or "")

    def notify_scope(self) -> dict:
        return {"community_ids": [self.community_id], "subdistrict_ids": [self.community.subdistrict_id],
                "district_ids": [self.community.subdistrict.district_id], "firm_ids": [self.firm_id] if self.firm_id else []}


class ProjectApplicationEventQuerySet(JurisdictionQuerySet):
    community_lookup = "application__community"
    firm_lookup = "application__firm"


class ProjectApplicationEvent(WorkflowEvent):
    record_field = "application"

    application = models.ForeignKey(ProjectApplication, on_delete=models.CASCADE, related_name="events",
                                    verbose_name=_("red-project application"))
    action = models.CharField(_("action"), max_length=30, choices=ApplicationAction.choices)
    from_status = models.CharField(_("from status"), max_length=30, choices=ApplicationStatus.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=30, choices=ApplicationStatus.choices, blank=True)

    objects = ProjectApplicationEventQuerySet.as_manager()

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("application event")
        verbose_name_plural = _("application events")


# ---------------------------------------------------------------------------
# The article's guarantees of funds (经费) and people (人才): registers, summed on the dashboard
# ---------------------------------------------------------------------------
class FundSource(models.TextChoices):
    DISTRICT = "district", _("District finance")
    SUBDISTRICT = "subdistrict", _("Subdistrict")
    COMMUNITY = "community", _("Community")
    PARTY_FEES = "party_fees", _("Party fees retained")
    FIRM = "firm", _("Property firm")
    OTHER = "other", pgettext_lazy("fund source", "Other source")


class FundPurpose(models.TextChoices):
    RENOVATION = "renovation", _("Micro-renovation (微改造)")
    STATION = "station", _("Service station")
    ACTIVITIES = "activities", _("Activities and volunteers")
    TRAINING = "training", _("Training")
    OTHER = "other", pgettext_lazy("fund purpose", "Other purpose")


class FundingQuerySet(JurisdictionQuerySet):
    community_lookup = "community"
    firm_lookup = None


class Funding(TimeStamped):
    """Funds put into a complex or a red project: source, amount, purpose, date and what was
    delivered with them."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="fundings",
                                  verbose_name=_("community"))
    complex = models.ForeignKey(ResidentialComplex, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="fundings", verbose_name=_("residential complex"))
    project = models.ForeignKey(RedPropertyProject, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="fundings", verbose_name=_("red property project"))
    source = models.CharField(_("source of funds"), max_length=20, choices=FundSource.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    purpose = models.CharField(_("purpose"), max_length=20, choices=FundPurpose.choices)
    granted_on = models.DateField(_("granted on"))
    delivered = models.TextField(_("what was delivered"), blank=True, max_length=2000)
    history = HistoricalRecords()

    objects = FundingQuerySet.as_manager()

    class Meta:
        verbose_name = _("funding")
        verbose_name_plural = _("funding")
        ordering = ["-granted_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="funding_amount_positive",
                violation_error_message=_("Enter an amount of more than 0 yuan."),
            ),
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} {self.amount} ({self.granted_on})"

    def clean(self):
        if self.complex_id and self.community_id and self.complex.community_id != self.community_id:
            raise ValidationError({"complex": _("The complex must be in the chosen community.")})
        if self.project_id and self.community_id and self.project.community_id != self.community_id:
            raise ValidationError({"project": _("The project must be in the chosen community.")})


class TrainingQuerySet(JurisdictionQuerySet):
    community_lookup = "community"
    firm_lookup = None


class Training(TimeStamped):
    """A training of firm staff, red stewards and owners' committee members: the course, the
    day and who attended (how many of each, and their names)."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="trainings",
                                  verbose_name=_("community"))
    course = models.CharField(_("course"), max_length=200)
    held_on = models.DateField(_("held on"))
    firm_staff = models.PositiveIntegerField(_("firm staff attending"), default=0)
    stewards = models.PositiveIntegerField(_("red stewards attending"), default=0)
    committee_members = models.PositiveIntegerField(_("owners' committee members attending"), default=0)
    attendees = models.TextField(_("who attended"), blank=True, max_length=4000, help_text=_("Names, one per line."))
    history = HistoricalRecords()

    objects = TrainingQuerySet.as_manager()

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(firm_staff__gt=0) | Q(stewards__gt=0) | Q(committee_members__gt=0),
                name="training_has_attendees",
                violation_error_message=_("A training has attendees: enter how many came of at least one group."),
            ),
        ]

    def __str__(self):
        return f"{self.course} ({self.held_on})"

    @property
    def attendance(self) -> int:
        return self.firm_staff + self.stewards + self.committee_members
