"""Where people live and who governs it: the district → subdistrict → community →
residential complex hierarchy, owners' committees, and staff jurisdictions."""
from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from redproperty.scoping import JurisdictionQuerySet
from redproperty.workflow import WorkflowEvent, WorkflowRecord


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


def _check_parent_prefix(code: str, parent_code: str | None, field: str):
    if code and parent_code and not code.startswith(parent_code):
        raise ValidationError(
            {field: _("The code must start with the parent's code %(parent)s.") % {"parent": parent_code}}
        )


# ---------------------------------------------------------------------------
# Administrative divisions
# ---------------------------------------------------------------------------
class DistrictQuerySet(JurisdictionQuerySet):
    district_lookup = ""
    community_lookup = "subdistricts__communities"
    firm_lookup = "subdistricts__communities__complexes__contracts__firm"


class District(TimeStamped):
    """A county-level district (区), coded by GB/T 2260.

    Division codes are checked with [0-9], not \\d, which would also take the full-width
    digits (５３０１１１) a Chinese input method types."""

    code = models.CharField(
        _("division code"),
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^[0-9]{6}\Z", _("A district code is 6 digits (GB/T 2260)."))],
        help_text=_("6-digit GB/T 2260 code, e.g. 530111."),
    )
    name = models.CharField(_("name"), max_length=50)
    history = HistoricalRecords()

    objects = DistrictQuerySet.as_manager()

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{6}\Z"), name="district_code_6_digits",
                violation_error_message=_("A district code is 6 digits (GB/T 2260), e.g. 530111: enter it without spaces or letters."),
            ),
        ]

    def __str__(self):
        return self.name


class SubdistrictQuerySet(JurisdictionQuerySet):
    district_lookup = "district"
    community_lookup = "communities"
    firm_lookup = "communities__complexes__contracts__firm"

    def scope_q(self, profile):
        if profile.role == "subdistrict":
            return Q(id=profile.subdistrict_id)
        return super().scope_q(profile)


class Subdistrict(TimeStamped):
    """A subdistrict (街道), coded by the statistics bureau's 9-digit township code."""

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="subdistricts", verbose_name=_("district")
    )
    code = models.CharField(
        _("division code"),
        max_length=9,
        unique=True,
        validators=[RegexValidator(r"^[0-9]{9}\Z", _("A subdistrict code is 9 digits."))],
        help_text=_("9-digit statistical township code starting with the district's code."),
    )
    name = models.CharField(_("name"), max_length=50)
    history = HistoricalRecords()

    objects = SubdistrictQuerySet.as_manager()

    class Meta:
        verbose_name = _("subdistrict")
        verbose_name_plural = _("subdistricts")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{9}\Z"), name="subdistrict_code_9_digits",
                violation_error_message=_("A subdistrict code is 9 digits, e.g. 530111002: enter the statistics bureau's code."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.district_id:
            _check_parent_prefix(self.code, self.district.code, "code")


class CommunityQuerySet(JurisdictionQuerySet):
    community_lookup = ""
    firm_lookup = "complexes__contracts__firm"


class Community(TimeStamped):
    """A community (社区), coded by the statistics bureau's 12-digit village-level code."""

    subdistrict = models.ForeignKey(
        Subdistrict, on_delete=models.PROTECT, related_name="communities", verbose_name=_("subdistrict")
    )
    code = models.CharField(
        _("division code"),
        max_length=12,
        unique=True,
        validators=[RegexValidator(r"^[0-9]{12}\Z", _("A community code is 12 digits."))],
        help_text=_("12-digit statistical code starting with the subdistrict's code."),
    )
    name = models.CharField(_("name"), max_length=50)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    history = HistoricalRecords()

    objects = CommunityQuerySet.as_manager()

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{12}\Z"), name="community_code_12_digits",
                violation_error_message=_("A community code is 12 digits, e.g. 530111002001: enter the statistics bureau's code."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.subdistrict_id:
            _check_parent_prefix(self.code, self.subdistrict.code, "code")


# ---------------------------------------------------------------------------
# Residential complexes
# ---------------------------------------------------------------------------
class ComplexType(models.TextChoices):
    COMMERCIAL = "commercial", _("Commercial housing")
    OLD = "old", _("Old or abandoned complex")
    AFFORDABLE = "affordable", _("Affordable housing")


class ManagementMode(models.TextChoices):
    FIRM = "firm", _("Professional firm")
    COMMUNITY_HOSTED = "community_hosted", _("Community-hosted")
    SELF_GOVERNED = "self_governed", _("Resident self-governance")
    NONE = "none", _("None")


class ResidentialComplexQuerySet(JurisdictionQuerySet):
    community_lookup = "community"
    firm_lookup = "contracts__firm"

    def with_two_way_entry(self):
        """Annotate `has_two_way_entry` (the article's 双向进入、交叉任职, its 806): an active
        cross-appointment in each direction between the party organisation and a property
        firm; and `has_committee_cross_appointment`: the same with the owners' committee as
        the other side, which is a figure of its own.

        Four correlated EXISTS sub-queries; no extra round trip."""
        from django.apps import apps

        appointment = apps.get_model("partybranches", "CrossAppointment")
        active = appointment.objects.active().filter(complex=OuterRef("pk"))
        with_firm, with_committee = active.filter(firm__isnull=False), active.filter(owners_committee__isnull=False)
        return self.annotate(
            _into_firm=Exists(with_firm.filter(direction="to_counterpart")),
            _from_firm=Exists(with_firm.filter(direction="to_community")),
            _into_committee=Exists(with_committee.filter(direction="to_counterpart")),
            _from_committee=Exists(with_committee.filter(direction="to_community")),
        ).annotate(
            has_two_way_entry=models.ExpressionWrapper(
                Q(_into_firm=True) & Q(_from_firm=True), output_field=models.BooleanField()
            ),
            has_committee_cross_appointment=models.ExpressionWrapper(
                Q(_into_committee=True) & Q(_from_committee=True), output_field=models.BooleanField()
            ),
        )

    def two_way_entry(self):
        return self.with_two_way_entry().filter(has_two_way_entry=True)


class ResidentialComplex(TimeStamped):
    """A residential complex (小区)."""

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="complexes", verbose_name=_("community")
    )
    name = models.CharField(_("name"), max_length=100)
    complex_type = models.CharField(_("type"), max_length=20, choices=ComplexType.choices, default=ComplexType.COMMERCIAL)
    management_mode = models.CharField(
        _("management mode"), max_length=20, choices=ManagementMode.choices, default=ManagementMode.FIRM
    )
    households = models.PositiveIntegerField(_("households"), default=0)
    buildings = models.PositiveIntegerField(_("buildings"), default=0)
    floor_area = models.DecimalField(
        _("floor area (m²)"), max_digits=12, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    year_built = models.PositiveIntegerField(_("year built"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    history = HistoricalRecords()

    objects = ResidentialComplexQuerySet.as_manager()

    class Meta:
        verbose_name = _("residential complex")
        verbose_name_plural = _("residential complexes")
        ordering = ["community__code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "name"], name="complex_unique_name_in_community",
                violation_error_message=_("This community already has a complex of this name: open that one, or tell the two apart in the name."),
            ),
            models.CheckConstraint(
                condition=Q(year_built__isnull=True) | Q(year_built__gte=1900, year_built__lte=2100),
                name="complex_year_built_plausible",
                violation_error_message=_("Enter the year built as four digits between 1900 and 2100, or leave it empty."),
            ),
        ]
        indexes = [
            # Portal and Open311 look complexes up by name.
            models.Index(fields=["name"], name="complex_name_idx"),
        ]

    def __str__(self):
        return self.name

    @property
    def active_contract(self):
        """The active service contract, or None. One query unless prefetched as `active_contracts`."""
        if hasattr(self, "active_contracts"):
            return self.active_contracts[0] if self.active_contracts else None
        return self.contracts.active().select_related("firm").first()

    @property
    def current_firm(self):
        """The firm of the active contract, or None."""
        contract = self.active_contract
        return contract.firm if contract else None


# ---------------------------------------------------------------------------
# Owners' committees
# ---------------------------------------------------------------------------
class CommitteeStatus(models.TextChoices):
    PREPARING = "preparing", _("Preparing")
    ACTIVE = "active", _("In office")
    EXPIRED = "expired", _("Term expired")
    DISSOLVED = "dissolved", _("Dissolved")


def _count(queryset) -> Coalesce:
    """COUNT(*) of a correlated queryset as a sub-query; 0 when it has no rows."""
    counted = queryset.order_by().values(one=Value(1)).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=models.IntegerField()), 0)


class OwnersCommitteeQuerySet(JurisdictionQuerySet):
    community_lookup = "complex__community"
    firm_lookup = "complex__contracts__firm"

    def with_red(self):
        """Annotate `is_red`: at least half the members are party members and the director is one.

        Correlated sub-queries rather than a join and GROUP BY, so that an earlier filter on
        members cannot skew the counts and the default ordering stays."""
        members = OwnersCommitteeMember.objects.filter(committee=OuterRef("pk"))
        return self.annotate(
            _members=_count(members),
            _party_members=_count(members.filter(is_party_member=True)),
            _party_director=Exists(members.filter(role=MemberRole.DIRECTOR, is_party_member=True)),
        ).annotate(
            _is_red=models.ExpressionWrapper(
                Q(_party_director=True) & Q(_party_members__gte=models.F("_members") / 2.0),
                output_field=models.BooleanField(),
            )
        )

    def red(self):
        return self.with_red().filter(_is_red=True)


class OwnersCommittee(TimeStamped):
    """An owners' committee (业主委员会) of one complex for one term."""

    MIN_MEMBERS = 5
    MAX_MEMBERS = 11
    MAX_TERM_YEARS = 5

    complex = models.ForeignKey(
        ResidentialComplex,
        on_delete=models.PROTECT,
        related_name="owners_committees",
        verbose_name=_("residential complex"),
    )
    term_start = models.DateField(_("term start"))
    term_end = models.DateField(_("term end"))
    filed_on = models.DateField(_("filed on"), null=True, blank=True, help_text=_("Date of filing (备案) with the subdistrict."))
    status = models.CharField(_("status"), max_length=20, choices=CommitteeStatus.choices, default=CommitteeStatus.ACTIVE)
    history = HistoricalRecords()

    objects = OwnersCommitteeQuerySet.as_manager()

    class Meta:
        verbose_name = _("owners' committee")
        verbose_name_plural = _("owners' committees")
        ordering = ["complex__name", "-term_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__gt=models.F("term_start")), name="committee_term_end_after_start",
                violation_error_message=_("The term must end after it starts: check the two dates."),
            ),
            models.UniqueConstraint(
                fields=["complex"], condition=Q(status="active"), name="committee_one_active_per_complex",
                violation_error_message=_("This complex already has an owners' committee in office: end the current committee's term first."),
            ),
        ]

    def __str__(self):
        return _("Owners' committee of %(complex)s (%(start)s–%(end)s)") % {
            "complex": self.complex, "start": self.term_start.year, "end": self.term_end.year,
        }

    def clean(self):
        if self.term_start and self.term_end:
            if self.term_end <= self.term_start:
                raise ValidationError({"term_end": _("The term must end after it starts.")})
            limit = _add_years(self.term_start, self.MAX_TERM_YEARS)
            if self.term_end > limit:
                raise ValidationError(
                    {"term_end": _("A term lasts at most %(years)d years.") % {"years": self.MAX_TERM_YEARS}}
                )

    @classmethod
    def validate_members(cls, members: list[dict]) -> None:
        """Check a full member list (dicts with role, is_party_member). Raises ValidationError."""
        count = len(members)
        if count < cls.MIN_MEMBERS or count > cls.MAX_MEMBERS or count % 2 == 0:
            raise ValidationError(
                _("An owners' committee has an odd number of members, from %(min)d to %(max)d; this one has %(n)d.")
                % {"min": cls.MIN_MEMBERS, "max": cls.MAX_MEMBERS, "n": count}
            )
        directors = sum(1 for m in members if m.get("role") == MemberRole.DIRECTOR)
        if directors != 1:
            raise ValidationError(_("An owners' committee has exactly one director."))

    @property
    def is_red(self) -> bool:
        """Red: at least half the members are party members and the director is one.
        Uses the `with_red()` annotation when present, else the prefetched or queried members."""
        if hasattr(self, "_is_red"):
            return bool(self._is_red)
        members = list(self.members.all())
        if not members:
            return False
        party = sum(1 for m in members if m.is_party_member)
        director_party = any(m.role == MemberRole.DIRECTOR and m.is_party_member for m in members)
        return director_party and party * 2 >= len(members)


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class MemberRole(models.TextChoices):
    DIRECTOR = "director", _("Director")
    DEPUTY = "deputy", _("Deputy director")
    MEMBER = "member", _("Member")


class OwnersCommitteeMemberQuerySet(JurisdictionQuerySet):
    community_lookup = "committee__complex__community"
    firm_lookup = "committee__complex__contracts__firm"


class OwnersCommitteeMember(TimeStamped):
    committee = models.ForeignKey(
        OwnersCommittee, on_delete=models.CASCADE, related_name="members", verbose_name=_("owners' committee")
    )
    name = models.CharField(_("name"), max_length=50)
    role = models.CharField(_("role"), max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER)
    is_party_member = models.BooleanField(_("party member"), default=False)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    history = HistoricalRecords()

    objects = OwnersCommitteeMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        ordering = ["committee", "role", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee"], condition=Q(role="director"), name="committee_one_director",
                violation_error_message=_("A committee has one director: make the other director a deputy or a member first."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"


# ---------------------------------------------------------------------------
# Staff jurisdictions
# ---------------------------------------------------------------------------
class StaffRole(models.TextChoices):
    DISTRICT = "district", _("District staff")
    SUBDISTRICT = "subdistrict", _("Subdistrict staff")
    COMMUNITY = "community", _("Community worker")
    FIRM = "firm", _("Firm staff")


class StaffProfileQuerySet(JurisdictionQuerySet):
    def scope_q(self, profile):
        # Staff see the profiles of people inside their own jurisdiction.
        if profile.role == StaffRole.DISTRICT:
            return (
                Q(district_id=profile.district_id)
                | Q(subdistrict__district_id=profile.district_id)
                | Q(community__subdistrict__district_id=profile.district_id)
                | Q(role=StaffRole.FIRM)
            )
        if profile.role == StaffRole.SUBDISTRICT:
            return Q(subdistrict_id=profile.subdistrict_id) | Q(community__subdistrict_id=profile.subdistrict_id)
        if profile.role == StaffRole.COMMUNITY:
            return Q(community_id=profile.community_id)
        return Q(firm_id=profile.firm_id)

    def visible_to(self, user):
        if user is not None and getattr(user, "is_superuser", False) and user.is_active:
            return self
        from redproperty.scoping import staff_profile_of

        profile = staff_profile_of(user)
        return self.none() if profile is None else self.filter(self.scope_q(profile))


class StaffProfile(TimeStamped):
    """A staff user's jurisdiction: a role and the one object it covers."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=20, choices=StaffRole.choices)
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("district"))
    subdistrict = models.ForeignKey(
        Subdistrict, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("subdistrict")
    )
    community = models.ForeignKey(Community, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("community"))
    firm = models.ForeignKey(
        "properties.PropertyFirm", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("property firm")
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    history = HistoricalRecords()

    objects = StaffProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")
        ordering = ["role", "user__username"]
        constraints = [
            models.CheckConstraint(
                name="staff_profile_covers_its_role",
                violation_error_message=_("Choose only what the role covers: a district for district staff, a subdistrict for subdistrict staff, a community for community staff, a firm for firm staff; leave the others empty."),
                condition=(
                    Q(role="district", district__isnull=False, subdistrict__isnull=True, community__isnull=True, firm__isnull=True)
                    | Q(role="subdistrict", district__isnull=True, subdistrict__isnull=False, community__isnull=True, firm__isnull=True)
                    | Q(role="community", district__isnull=True, subdistrict__isnull=True, community__isnull=False, firm__isnull=True)
                    | Q(role="firm", district__isnull=True, subdistrict__isnull=True, community__isnull=True, firm__isnull=False)
                ),
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()}: {self.jurisdiction}"

    @property
    def jurisdiction(self):
        return self.district or self.subdistrict or self.community or self.firm

    def clean(self):
        field = {"district": "district", "subdistrict": "subdistrict", "community": "community", "firm": "firm"}.get(self.role)
        if not field:
            return
        errors = {}
        if getattr(self, f"{field}_id") is None:
            errors[field] = _("This role needs a %(field)s.") % {"field": self._meta.get_field(field).verbose_name}
        for other in ("district", "subdistrict", "community", "firm"):
            if other != field and getattr(self, f"{other}_id") is not None:
                errors[other] = _("Leave this empty for the role %(role)s.") % {"role": self.get_role_display()}
        if errors:
            raise ValidationError(errors)




# ---------------------------------------------------------------------------
# Owners' committee formation and re-election (筹备组 → 业主大会选举 → 备案 → 换届).
# Every move goes through communities/services.py (ELECTION, its transition table).
# ---------------------------------------------------------------------------
class ElectionStatus(models.TextChoices):
    PREPARING = "preparing", _("Preparatory group at work")
    CONVENED = "convened", _("General meeting convened")
    ELECTED = "elected", _("Elected, to be filed")
    FAILED = "failed", _("Vote failed")
    FILED = "filed", _("Filed")
    CANCELLED = "cancelled", _("Cancelled")


class ElectionAction(models.TextChoices):
    OPEN = "open", _("Preparatory group formed")
    CONVENE = "convene", _("General meeting convened")
    RECORD_RESULT = "record_result", _("Vote recorded")
    FILE = "file", _("Filed with the subdistrict")
    CANCEL = "cancel", _("Cancelled")
    OVERDUE = "overdue", _("Step overdue")


class GroupSide(models.TextChoices):
    PARTY = "party", _("Community party organisation")
    RESIDENTS_COMMITTEE = "residents_committee", _("Residents' committee")
    SUBDISTRICT = "subdistrict", _("Subdistrict office")
    OWNERS = "owners", _("Owners' representative")
    OTHER = "other", _("Other")


class CommitteeElectionQuerySet(JurisdictionQuerySet):
    community_lookup = "complex__community"
    firm_lookup = None  # the firm has no part in the owners' election

    def open(self):
        return self.filter(status__in=CommitteeElection.OPEN_STATUSES)


class CommitteeElection(WorkflowRecord):
    """The formation of a complex's first owners' committee, or the election of the next one
    (换届): the preparatory group (筹备组) led by the community party organisation, the owners'
    general meeting and its vote under the Civil Code's double majority (article 278), and the
    filing (备案) of the elected committee within 30 days."""

    OPEN_STATUSES = (ElectionStatus.PREPARING, ElectionStatus.CONVENED, ElectionStatus.ELECTED, ElectionStatus.FAILED)

    complex = models.ForeignKey(
        ResidentialComplex, on_delete=models.PROTECT, related_name="committee_elections",
        verbose_name=_("residential complex"),
    )
    previous_committee = models.ForeignKey(
        OwnersCommittee, on_delete=models.PROTECT, null=True, blank=True, related_name="reelections",
        verbose_name=_("previous committee"), help_text=_("Empty when the complex forms its first committee."),
    )
    status = models.CharField(_("status"), max_length=20, choices=ElectionStatus.choices, default=ElectionStatus.PREPARING)
    formed_on = models.DateField(_("preparatory group formed on"))
    meeting_on = models.DateField(_("general meeting on"), null=True, blank=True)
    seats = models.PositiveSmallIntegerField(_("seats"), null=True, blank=True, help_text=_("Odd, from 5 to 11."))
    owners_total = models.PositiveIntegerField(_("owners in total"), null=True, blank=True)
    area_total = models.DecimalField(
        _("exclusive floor area in total (m²)"), max_digits=12, decimal_places=2, null=True, blank=True,
    )
    owners_voting = models.PositiveIntegerField(_("owners who voted"), null=True, blank=True)
    area_voting = models.DecimalField(_("floor area of those who voted (m²)"), max_digits=12, decimal_places=2,
                                      null=True, blank=True)
    voted_on = models.DateField(_("vote held on"), null=True, blank=True)
    result_note = models.TextField(_("result"), blank=True)
    committee = models.OneToOneField(
        OwnersCommittee, on_delete=models.PROTECT, null=True, blank=True, related_name="election",
        verbose_name=_("elected committee"),
    )
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    history = HistoricalRecords()

    objects = CommitteeElectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("owners' committee election")
        verbose_name_plural = _("owners' committee elections")
        ordering = ["-formed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["complex"], condition=Q(status__in=["preparing", "convened", "elected", "failed"]),
                name="election_one_open_per_complex",
                violation_error_message=_(
                    "This complex already has an election under way: continue that one or cancel it first."),
            ),
            models.CheckConstraint(
                condition=Q(seats__isnull=True) | Q(seats__gte=5, seats__lte=11),
                name="election_seats_5_to_11",
                violation_error_message=_("An owners' committee has from 5 to 11 seats: enter an odd number in that range."),
            ),
            models.CheckConstraint(
                condition=Q(owners_voting__isnull=True) | Q(owners_voting__lte=models.F("owners_total")),
                name="election_voters_within_owners",
                violation_error_message=_("More owners voted than there are: check the two figures."),
            ),
            models.CheckConstraint(
                condition=Q(area_voting__isnull=True) | Q(area_voting__lte=models.F("area_total")),
                name="election_voting_area_within_total",
                violation_error_message=_("The voting area exceeds the total area: check the two figures."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["elected", "filed"]) | Q(committee__isnull=False),
                name="election_elected_has_committee",
                violation_error_message=_("An election that elected a committee names it: record the vote first."),
            ),
            models.CheckConstraint(
                condition=~Q(status="filed") | Q(filed_on__isnull=False),
                name="election_filed_has_date",
                violation_error_message=_("A filed election needs its filing date: enter the date of filing."),
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                name="election_cancel_has_reason",
                violation_error_message=_("Say why the election is cancelled."),
            ),
        ]
        indexes = [
            # The deadline sweep and the workbench: open elections by deadline.
            models.Index(fields=["status", "due_on"], name="election_status_due_idx"),
        ]

    def __str__(self):
        kind = _("Re-election") if self.previous_committee_id else _("Formation")
        return _("%(kind)s of the owners' committee of %(complex)s") % {"kind": kind, "complex": self.complex}

    @property
    def is_reelection(self) -> bool:
        return self.previous_committee_id is not None

    def notify_scope(self) -> dict:
        community = self.complex.community
        return {"community_ids": [community.pk], "subdistrict_ids": [community.subdistrict_id]}


class PreparatoryGroupMember(models.Model):
    """A member of the preparatory group (筹备组); its leader comes from the community party organisation."""

    election = models.ForeignKey(
        CommitteeElection, on_delete=models.CASCADE, related_name="group_members", verbose_name=_("election"),
    )
    name = models.CharField(_("name"), max_length=50)
    side = models.CharField(_("side"), max_length=30, choices=GroupSide.choices)
    post = models.CharField(_("post"), max_length=100, blank=True)
    is_leader = models.BooleanField(_("group leader"), default=False)
    is_party_member = models.BooleanField(_("party member"), default=False)

    class Meta:
        verbose_name = _("preparatory group member")
        verbose_name_plural = _("preparatory group members")
        ordering = ["election", "-is_leader", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["election"], condition=Q(is_leader=True), name="group_one_leader",
                violation_error_message=_("A preparatory group has one leader: tick only one."),
            ),
            models.CheckConstraint(
                condition=Q(is_leader=False) | Q(side="party"), name="group_leader_from_party",
                violation_error_message=_(
                    "The preparatory group is led by the community party organisation: choose its member as leader."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_side_display()})"


class ElectionCandidate(models.Model):
    """A candidate for the committee, with the votes for them by head and by floor area."""

    election = models.ForeignKey(
        CommitteeElection, on_delete=models.CASCADE, related_name="candidates", verbose_name=_("election"),
    )
    name = models.CharField(_("name"), max_length=50)
    role = models.CharField(_("proposed role"), max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER)
    is_party_member = models.BooleanField(_("party member"), default=False)
    votes_owners = models.PositiveIntegerField(_("owners voting for"), null=True, blank=True)
    votes_area = models.DecimalField(_("floor area voting for (m²)"), max_digits=12, decimal_places=2,
                                     null=True, blank=True)
    is_elected = models.BooleanField(_("elected"), default=False)

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["election", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "name"], name="candidate_unique_name",
                violation_error_message=_("This person is already a candidate in this election."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"


class CommitteeElectionEventQuerySet(JurisdictionQuerySet):
    community_lookup = "election__complex__community"


class CommitteeElectionEvent(WorkflowEvent):
    record_field = "election"

    election = models.ForeignKey(
        CommitteeElection, on_delete=models.CASCADE, related_name="events", verbose_name=_("election"),
    )
    action = models.CharField(_("action"), max_length=30, choices=ElectionAction.choices)
    from_status = models.CharField(_("from status"), max_length=30, choices=ElectionStatus.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=30, choices=ElectionStatus.choices, blank=True)

    objects = CommitteeElectionEventQuerySet.as_manager()

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("election event")
        verbose_name_plural = _("election events")


# ---------------------------------------------------------------------------
# Mediation of disputes (矛盾纠纷调解, the article's 和事佬调解室): cases between residents, the
# owners' committee and the firm; the parties, the mediator, sessions, the agreement and its
# follow-up; linked complaints. Every move goes through communities/services.py (MEDIATION).
# ---------------------------------------------------------------------------
class MediationStatus(models.TextChoices):
    OPENED = "opened", _("Taken in, first session to hold")
    MEDIATING = "mediating", _("In mediation")
    AGREED = "agreed", _("Agreement reached, follow-up due")
    RESOLVED = "resolved", _("Resolved: agreement honoured")
    FAILED = "failed", _("No agreement")
    WITHDRAWN = "withdrawn", pgettext_lazy("mediation case", "Withdrawn")


class MediationAction(models.TextChoices):
    OPEN = "open", _("Case taken in")
    HOLD_SESSION = "hold_session", _("Session held")
    RECORD_AGREEMENT = "record_agreement", _("Agreement recorded")
    FOLLOW_UP = "follow_up", _("Follow-up recorded")
    CLOSE_FAILED = "close_failed", _("Closed without agreement")
    WITHDRAW = "withdraw", _("Case withdrawn")
    OVERDUE = "overdue", _("Step overdue")


class PartySide(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    OWNERS_COMMITTEE = "owners_committee", _("Owners' committee")
    FIRM = "firm", _("Property firm")
    OTHER = "other", _("Other")


MEDIATION_OPEN_STATUSES = ("opened", "mediating", "agreed")


class MediationCaseQuerySet(JurisdictionQuerySet):
    community_lookup = "complex__community"
    firm_lookup = None  # the firm is a party, not a reader of the case file

    def open(self):
        return self.filter(status__in=MEDIATION_OPEN_STATUSES)


class MediationCase(WorkflowRecord):
    """A dispute brought to the community's mediation (和事佬调解室)."""

    OPEN_STATUSES = MEDIATION_OPEN_STATUSES

    complex = models.ForeignKey(ResidentialComplex, on_delete=models.PROTECT, related_name="mediation_cases",
                                verbose_name=_("residential complex"))
    status = models.CharField(_("status"), max_length=20, choices=MediationStatus.choices,
                              default=MediationStatus.OPENED)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("what the dispute is about"))
    opened_on = models.DateField(_("taken in on"))
    mediator = models.CharField(_("mediator"), max_length=50, help_text=_("Who mediates (和事佬)."))
    mediator_post = models.CharField(_("mediator's post"), max_length=100, blank=True)
    complaints = models.ManyToManyField("complaints.Complaint", blank=True, related_name="mediation_cases",
                                        verbose_name=_("linked complaints"))
    agreement = models.TextField(_("agreement"), blank=True)
    agreed_on = models.DateField(_("agreed on"), null=True, blank=True)
    follow_up_on = models.DateField(_("follow-up on"), null=True, blank=True,
                                    help_text=_("When the community checks that the agreement is honoured."))
    follow_up_note = models.TextField(_("follow-up"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True, help_text=_("Shown on the complex's page."))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    history = HistoricalRecords()

    objects = MediationCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("mediation case")
        verbose_name_plural = _("mediation cases")
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["agreed", "resolved"]) | (~Q(agreement="") & Q(agreed_on__isnull=False)),
                name="mediation_agreed_has_agreement",
                violation_error_message=_("An agreed case records the agreement and its date: enter them."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["resolved", "failed", "withdrawn"]) | (
                    ~Q(outcome="") & Q(closed_on__isnull=False)),
                name="mediation_closed_has_outcome",
                violation_error_message=_("A closed case says its outcome and the day it closed: enter them."),
            ),
        ]
        indexes = [
            # The deadline sweep and the workbench: open cases by deadline.
            models.Index(fields=["status", "due_on"], name="mediation_status_due_idx"),
        ]

    def __str__(self):
        return _("Mediation at %(complex)s: %(subject)s") % {"complex": self.complex, "subject": self.subject}

    def notify_scope(self) -> dict:
        community = self.complex.community
        return {"community_ids": [community.pk], "subdistrict_ids": [community.subdistrict_id]}


class MediationPartyQuerySet(JurisdictionQuerySet):
    community_lookup = "case__complex__community"


class MediationParty(models.Model):
    """A party to the dispute: a resident, the owners' committee, the firm, or someone else."""

    case = models.ForeignKey(MediationCase, on_delete=models.CASCADE, related_name="parties",
                             verbose_name=_("mediation case"))
    name = models.CharField(_("name"), max_length=100)
    side = models.CharField(_("side"), max_length=20, choices=PartySide.choices)

    objects = MediationPartyQuerySet.as_manager()

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["case", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "name"], name="mediation_party_once",
                violation_error_message=_("This party is already named in the case: list each party once."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_side_display()})"


class MediationSession(models.Model):
    """One mediation session: when, who came, what was said."""

    case = models.ForeignKey(MediationCase, on_delete=models.CASCADE, related_name="sessions",
                             verbose_name=_("mediation case"))
    held_on = models.DateField(_("held on"))
    summary = models.TextField(_("summary"))

    objects = MediationPartyQuerySet.as_manager()

    class Meta:
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")
        ordering = ["case", "held_on", "id"]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d}"


class MediationCaseEventQuerySet(JurisdictionQuerySet):
    community_lookup = "case__complex__community"


class MediationCaseEvent(WorkflowEvent):
    record_field = "case"

    case = models.ForeignKey(MediationCase, on_delete=models.CASCADE, related_name="events",
                             verbose_name=_("mediation case"))
    action = models.CharField(_("action"), max_length=30, choices=MediationAction.choices)
    from_status = models.CharField(_("from status"), max_length=30, choices=MediationStatus.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=30, choices=MediationStatus.choices, blank=True)

    objects = MediationCaseEventQuerySet.as_manager()

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("mediation event")
        verbose_name_plural = _("mediation events")
