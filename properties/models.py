"""The property-service firms, their contracts, and the evidence of how well they serve."""
from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as StdnumValidationError

from communities.models import ResidentialComplex, TimeStamped
from redproperty.scoping import JurisdictionQuerySet


def validate_credit_code(value: str) -> None:
    """Unified social credit code (统一社会信用代码, GB 32100-2015), checked by python-stdnum.

    Only the canonical form passes: python-stdnum also accepts lowercase letters, which
    would let one firm be stored twice under the unique code."""
    try:
        canonical = uscc.validate(value)
    except StdnumValidationError:
        raise ValidationError(
            _("%(value)s is not a valid unified social credit code (18 characters with a correct check digit)."),
            code="invalid_credit_code",
            params={"value": value},
        )
    if canonical != value:
        raise ValidationError(
            _("Write the credit code in capital letters: %(code)s."),
            code="credit_code_not_canonical",
            params={"code": canonical},
        )


# partybranches.models.OrgKind.FIRM_BRANCH; properties does not import partybranches.
FIRM_BRANCH = "firm_branch"


class FirmStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    WARNED = "warned", _("Warned")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class PropertyFirmQuerySet(JurisdictionQuerySet):
    community_lookup = "contracts__complex__community"
    firm_lookup = ""

    def scope_q(self, profile):
        # District staff keep the whole register of firms, serving or not.
        if profile.role == "district":
            return Q(pk__isnull=False)
        return super().scope_q(profile)

    def with_party_organization(self):
        """Annotate `has_party_org`: the firm has a party organisation of its own, a firm
        branch (one EXISTS)."""
        from django.apps import apps

        org = apps.get_model("partybranches", "PartyOrganization")
        branches = org.objects.filter(firm=models.OuterRef("pk"), kind=FIRM_BRANCH)
        return self.annotate(has_party_org=models.Exists(branches))


class PropertyFirm(TimeStamped):
    """A property-service firm (物业服务企业)."""

    name = models.CharField(_("name"), max_length=100)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
        help_text=_("18-character unified social credit code (统一社会信用代码)."),
    )
    qualification = models.CharField(_("qualification"), max_length=100, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=FirmStatus.choices, default=FirmStatus.ACTIVE)
    history = HistoricalRecords()

    objects = PropertyFirmQuerySet.as_manager()

    class Meta:
        verbose_name = _("property-service firm")
        verbose_name_plural = _("property-service firms")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def has_party_organization(self) -> bool:
        """Derived: the firm has a party organisation of its own."""
        if hasattr(self, "has_party_org"):
            return self.has_party_org
        return self.party_organizations.filter(kind=FIRM_BRANCH).exists()


class ContractStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    EXIT_REVIEW = "exit_review", _("Under exit review")
    ENDED = "ended", _("Ended")
    TERMINATED = "terminated", _("Terminated early")


# A contract in these statuses still serves its complex.
SERVING_STATUSES = (ContractStatus.ACTIVE, ContractStatus.EXIT_REVIEW)


class ServiceContractQuerySet(JurisdictionQuerySet):
    community_lookup = "complex__community"
    firm_lookup = "firm"

    def active(self):
        """Contracts still serving their complex (active or under exit review)."""
        return self.filter(status__in=SERVING_STATUSES)

    def overlapping(self, start, end):
        """Contracts whose period meets [start, end]."""
        return self.filter(start_date__lte=end).filter(Q(end_date__isnull=True) | Q(end_date__gte=start))


class ServiceContract(TimeStamped):
    """A firm serving a complex for a period (物业服务合同)."""

    firm = models.ForeignKey(
        PropertyFirm, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("property firm")
    )
    complex = models.ForeignKey(
        ResidentialComplex, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("residential complex")
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    fee_standard = models.DecimalField(
        _("fee standard (yuan/m²/month)"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    status = models.CharField(_("status"), max_length=20, choices=ContractStatus.choices, default=ContractStatus.ACTIVE)
    filed_on = models.DateField(_("filed on"), null=True, blank=True, help_text=_("Date the contract was filed (备案)."))
    exit_reason = models.TextField(_("exit reason"), blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    successor = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="predecessor",
        verbose_name=_("successor contract"),
    )
    history = HistoricalRecords()

    objects = ServiceContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("service contract")
        verbose_name_plural = _("service contracts")
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["complex"],
                condition=Q(status__in=["active", "exit_review"]),
                name="contract_one_serving_per_complex",
                violation_error_message=_("This complex already has an active service contract."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gt=models.F("start_date")),
                name="contract_end_after_start",
                violation_error_message=_("The end date must be after the start date."),
            ),
            models.CheckConstraint(
                condition=Q(fee_standard__gte=0), name="contract_fee_not_negative",
                violation_error_message=_("The fee standard cannot be negative: enter 0 or more yuan per m² per month."),
            ),
            models.CheckConstraint(
                condition=~Q(status="terminated") | ~Q(exit_reason=""),
                name="contract_termination_has_reason",
                violation_error_message=_("A terminated contract needs an exit reason."),
            ),
        ]
        indexes = [
            # Evaluation: contracts active in a period.
            models.Index(fields=["status", "start_date", "end_date"], name="contract_period_idx"),
        ]

    def __str__(self):
        return f"{self.firm} @ {self.complex} ({self.start_date:%Y-%m-%d})"

    @property
    def is_serving(self) -> bool:
        return self.status in SERVING_STATUSES

    def clean(self):
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            raise ValidationError({"end_date": _("The end date must be after the start date.")})
        if self.status == ContractStatus.TERMINATED and not self.exit_reason.strip():
            raise ValidationError({"exit_reason": _("A terminated contract needs an exit reason.")})
        if self.successor_id and self.successor_id == self.pk:
            raise ValidationError({"successor": _("A contract cannot succeed itself.")})


class PeriodRecordQuerySet(JurisdictionQuerySet):
    community_lookup = "complex__community"
    firm_lookup = "complex__contracts__firm"


class InspectionQuerySet(PeriodRecordQuerySet):
    # Firm staff see the results of their own service: inspections made while their contract
    # served the complex (the dashboard's export and the workbench show them nothing older).
    firm_dated_by = "inspected_on"


class FeeCollection(TimeStamped):
    """Property fees billed and paid at one complex in one month (物业费收缴)."""

    complex = models.ForeignKey(
        ResidentialComplex, on_delete=models.PROTECT, related_name="fee_collections", verbose_name=_("residential complex")
    )
    period = models.DateField(_("month"), help_text=_("First day of the month."))
    billed_amount = models.DecimalField(_("billed (yuan)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    paid_amount = models.DecimalField(_("paid (yuan)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    billed_households = models.PositiveIntegerField(_("households billed"))
    paid_households = models.PositiveIntegerField(_("households paid"))
    is_disclosed = models.BooleanField(_("fees disclosed"), default=False, help_text=_("Fee income and spending published to owners."))
    history = HistoricalRecords()

    objects = PeriodRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("fee collection")
        verbose_name_plural = _("fee collections")
        ordering = ["-period", "complex__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["complex", "period"], name="fee_one_per_complex_month",
                violation_error_message=_("This complex's fee collection for this month is already recorded: correct that record instead."),
            ),
            models.CheckConstraint(
                condition=Q(paid_amount__lte=models.F("billed_amount")),
                name="fee_paid_not_above_billed",
                violation_error_message=_("The amount paid cannot exceed the amount billed."),
            ),
            models.CheckConstraint(
                condition=Q(paid_households__lte=models.F("billed_households")),
                name="fee_paid_households_not_above_billed",
                violation_error_message=_("Households paid cannot exceed households billed."),
            ),
        ]

    def __str__(self):
        return f"{self.complex} {self.period:%Y-%m}"

    @property
    def collection_rate(self) -> Decimal | None:
        if not self.billed_amount:
            return None
        return (self.paid_amount / self.billed_amount * 100).quantize(Decimal("0.1"))

    def clean(self):
        if self.period and self.period.day != 1:
            raise ValidationError({"period": _("Use the first day of the month.")})
        if self.paid_amount is not None and self.billed_amount is not None and self.paid_amount > self.billed_amount:
            raise ValidationError({"paid_amount": _("The amount paid cannot exceed the amount billed.")})
        if (
            self.paid_households is not None
            and self.billed_households is not None
            and self.paid_households > self.billed_households
        ):
            raise ValidationError({"paid_households": _("Households paid cannot exceed households billed.")})


def _score_field(label):
    return models.PositiveSmallIntegerField(label, validators=[MaxValueValidator(20)], help_text=_("0 to 20 points."))


class Inspection(TimeStamped):
    """A community's scored checklist of a complex's service, 5 items of 20 points."""

    ITEMS = ("order_security", "equipment", "cleaning", "greening", "records")

    complex = models.ForeignKey(
        ResidentialComplex, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("residential complex")
    )
    inspected_on = models.DateField(_("inspected on"))
    inspector = models.CharField(_("inspector"), max_length=50, blank=True)
    order_security = _score_field(_("order and security"))
    equipment = _score_field(_("shared equipment"))
    cleaning = _score_field(_("cleaning"))
    greening = _score_field(_("greening"))
    records = _score_field(_("records"))
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(order_security__lte=20, equipment__lte=20, cleaning__lte=20, greening__lte=20, records__lte=20),
                name="inspection_items_at_most_20",
                violation_error_message=_("Each checklist item scores at most 20 points: correct the items above 20."),
            ),
        ]
        indexes = [
            # Evaluation: inspections of a complex in a quarter.
            models.Index(fields=["complex", "inspected_on"], name="inspection_complex_date_idx"),
        ]

    def __str__(self):
        return f"{self.complex} {self.inspected_on}"

    @property
    def total(self) -> int:
        return sum(getattr(self, item) or 0 for item in self.ITEMS)


class SatisfactionSurvey(TimeStamped):
    """A periodic satisfaction survey of a complex's residents."""

    complex = models.ForeignKey(
        ResidentialComplex, on_delete=models.PROTECT, related_name="surveys", verbose_name=_("residential complex")
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    sample_size = models.PositiveIntegerField(_("sample size"), validators=[MinValueValidator(1)])
    satisfied = models.PositiveIntegerField(_("satisfied"))
    history = HistoricalRecords()

    objects = PeriodRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-period_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfied__lte=models.F("sample_size")),
                name="survey_satisfied_not_above_sample",
                violation_error_message=_("Satisfied answers cannot exceed the sample size."),
            ),
            models.CheckConstraint(
                condition=Q(sample_size__gte=1), name="survey_sample_positive",
                violation_error_message=_("A survey asks at least one household: enter the sample size."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="survey_end_after_start",
                violation_error_message=_("The period must end after it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.complex} {self.period_start}–{self.period_end}"

    @property
    def satisfaction_rate(self) -> Decimal:
        return (Decimal(self.satisfied) / Decimal(self.sample_size) * 100).quantize(Decimal("0.1"))

    def clean(self):
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("The period must end after it starts.")})
        if self.satisfied is not None and self.sample_size is not None and self.satisfied > self.sample_size:
            raise ValidationError({"satisfied": _("Satisfied answers cannot exceed the sample size.")})


class CreditEventKind(models.TextChoices):
    AWARD = "award", _("Award (bonus)")
    VIOLATION = "violation", _("Violation (deduction)")
    VETO = "veto", _("Veto (fails the period)")


class CreditEventQuerySet(JurisdictionQuerySet):
    community_lookup = "complex__community"
    firm_lookup = "firm"

    district_sees_unplaced = True  # firm-wide records: district staff and the firm see them


class CreditEvent(TimeStamped):
    """A dated award, violation or veto against a firm (信用事件)."""

    firm = models.ForeignKey(
        PropertyFirm, on_delete=models.PROTECT, related_name="credit_events", verbose_name=_("property firm")
    )
    complex = models.ForeignKey(
        ResidentialComplex,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_events",
        verbose_name=_("residential complex"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CreditEventKind.choices)
    occurred_on = models.DateField(_("occurred on"))
    points = models.DecimalField(
        _("points"),
        max_digits=5,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Bonus for an award, deduction for a violation; ignored for a veto."),
    )
    description = models.TextField(_("description"))
    is_verified = models.BooleanField(_("verified"), default=True)
    history = HistoricalRecords()

    objects = CreditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit event")
        verbose_name_plural = _("credit events")
        ordering = ["-occurred_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(points__gte=0), name="credit_points_not_negative",
                violation_error_message=_(
                    "Enter the points as a positive number: the kind of event decides whether they are added or deducted."),
            ),
        ]
        indexes = [
            # Evaluation: a firm's events in a quarter.
            models.Index(fields=["firm", "occurred_on"], name="credit_firm_date_idx"),
        ]

    def __str__(self):
        return f"{self.firm} {self.get_kind_display()} {self.occurred_on}"



# ---------------------------------------------------------------------------
# Firm evaluation (物业服务企业监督考评). Computed by properties/evaluation.py.
# ---------------------------------------------------------------------------
class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


class EvaluationSchemeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


def _points_field(label, default, help_text=""):
    return models.DecimalField(
        label, max_digits=5, decimal_places=2, default=Decimal(default),
        validators=[MinValueValidator(Decimal("0"))], help_text=help_text,
    )


class EvaluationScheme(TimeStamped):
    """How a quarter is scored: dimension weights, grade bands, fee-rate steps, bonus cap and
    the minimum data below which a contract is not scored. Versioned: a revision is a new row
    (properties.services.scheme_revise) and results keep the version that produced them."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    is_active = models.BooleanField(_("in use"), default=True, help_text=_("The version scheduled evaluations use."))
    note = models.TextField(_("note"), blank=True, help_text=_("What changed in this version and why."))
    weight_basic_service = _points_field(_("basic service quality (points)"), "35", _("From community inspections."))
    weight_satisfaction = _points_field(_("resident satisfaction (points)"), "25", _("From complaint ratings and surveys."))
    weight_response = _points_field(_("response to requests (points)"), "15", _("From the three rates; repeat complaints count against."))
    weight_compliance = _points_field(_("contract compliance (points)"), "10", _("Fee collection rate, fee disclosure, contract filed."))
    weight_party = _points_field(_("party building (points)"), "15", _("Firm party organisation, two-way entry, joint-meeting attendance."))
    grade_excellent_min = _points_field(_("excellent from"), "90")
    grade_good_min = _points_field(_("good from"), "80")
    grade_pass_min = _points_field(_("pass from"), "60")
    fee_full_min = _points_field(_("full fee points from (%)"), "95")
    fee_three_quarters_min = _points_field(_("three quarters of the fee points from (%)"), "90")
    fee_half_min = _points_field(_("half the fee points from (%)"), "80")
    bonus_cap = _points_field(_("bonus cap (points)"), "5", _("Awards add at most this much."))
    repeat_complaint_penalty = _points_field(
        _("deduction per repeat complaint"), "1", _("Points off the response score for each reopened complaint.")
    )
    min_inspections = models.PositiveSmallIntegerField(
        _("minimum inspections"), default=1, help_text=_("Inspections of the complex needed in the quarter.")
    )
    min_satisfaction_answers = models.PositiveSmallIntegerField(
        _("minimum satisfaction answers"),
        default=3,
        help_text=_("Complaint ratings plus survey answers needed in the quarter."),
    )
    min_fee_months = models.PositiveSmallIntegerField(
        _("minimum months of fee figures"), default=1, help_text=_("Months with fee collection figures needed in the quarter.")
    )
    history = HistoricalRecords()

    objects = EvaluationSchemeQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation scheme")
        verbose_name_plural = _("evaluation schemes")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="scheme_one_active",
                violation_error_message=_("Another evaluation scheme is in use: switch that one off first."),
            ),
            models.CheckConstraint(
                condition=Exact(
                    models.F("weight_basic_service") + models.F("weight_satisfaction") + models.F("weight_response")
                    + models.F("weight_compliance") + models.F("weight_party"),
                    100,
                ),
                name="scheme_weights_add_up_to_100",
                violation_error_message=_("The dimension weights must add up to 100 points."),
            ),
            models.CheckConstraint(
                condition=Q(
                    grade_excellent_min__gt=models.F("grade_good_min"),
                    grade_good_min__gt=models.F("grade_pass_min"),
                    grade_pass_min__gt=0,
                ),
                name="scheme_grade_bands_descend",
                violation_error_message=_("Grade bands must descend: excellent > good > pass > 0."),
            ),
            models.CheckConstraint(
                condition=Q(
                    fee_full_min__gt=models.F("fee_three_quarters_min"),
                    fee_three_quarters_min__gt=models.F("fee_half_min"),
                    fee_full_min__lte=100,
                ),
                name="scheme_fee_steps_descend",
                violation_error_message=_(
                    "Fee-rate steps must descend (full > three quarters > half) and the full step is at most 100 per cent: "
                    "correct the steps."),
            ),
        ]

    def __str__(self):
        return _("Evaluation scheme v%(version)s") % {"version": self.version}

    WEIGHT_FIELDS = ("weight_basic_service", "weight_satisfaction", "weight_response", "weight_compliance", "weight_party")

    @property
    def total_weight(self) -> Decimal:
        return sum((getattr(self, f) or Decimal(0) for f in self.WEIGHT_FIELDS), Decimal(0))

    def clean(self):
        if self.total_weight != 100:
            raise ValidationError(
                _("The dimension weights must add up to 100 points; they add up to %(total)s.") % {"total": self.total_weight}
            )

    def grade_for(self, total: Decimal) -> str:
        if total >= self.grade_excellent_min:
            return Grade.EXCELLENT
        if total >= self.grade_good_min:
            return Grade.GOOD
        if total >= self.grade_pass_min:
            return Grade.PASS
        return Grade.FAIL

    def fee_share(self, rate: Decimal) -> Decimal:
        """Share of the fee points earned at a collection rate (percent)."""
        if rate >= self.fee_full_min:
            return Decimal("1")
        if rate >= self.fee_three_quarters_min:
            return Decimal("0.75")
        if rate >= self.fee_half_min:
            return Decimal("0.5")
        return Decimal("0")


class EvaluationStatus(models.TextChoices):
    SCORED = "scored", _("Scored")
    INSUFFICIENT = "insufficient", _("Insufficient data")
    VETOED = "vetoed", _("Vetoed")


class FirmEvaluationQuerySet(JurisdictionQuerySet):
    community_lookup = "complex__community"
    firm_lookup = "firm"

    district_sees_unplaced = True  # firm-wide records: district staff and the firm see them

    def contracts(self):
        return self.filter(contract__isnull=False)

    def rollups(self):
        return self.filter(contract__isnull=True)


def _score_column(label):
    return models.DecimalField(label, max_digits=6, decimal_places=2, null=True, blank=True)


class FirmEvaluation(models.Model):
    """One quarter's result, by one scheme version, for one service contract (a firm at a
    complex) or, with no contract, the firm's roll-up weighted by households. Written only by
    properties/evaluation.py, which replaces a period's rows in one transaction."""

    scheme = models.ForeignKey(
        EvaluationScheme, on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("scheme")
    )
    period = models.CharField(_("quarter"), max_length=6, help_text=_("For example 2026Q3."))
    period_start = models.DateField(_("quarter starts"))
    period_end = models.DateField(_("quarter ends"))
    firm = models.ForeignKey(PropertyFirm, on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("property firm"))
    contract = models.ForeignKey(
        ServiceContract,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluations",
        verbose_name=_("service contract"),
        help_text=_("Empty for the firm's roll-up."),
    )
    complex = models.ForeignKey(
        ResidentialComplex,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluations",
        verbose_name=_("residential complex"),
    )
    households = models.PositiveIntegerField(_("households"), default=0, help_text=_("Weight in the firm's roll-up."))
    status = models.CharField(_("status"), max_length=20, choices=EvaluationStatus.choices)
    score_basic_service = _score_column(_("basic service"))
    score_satisfaction = _score_column(_("satisfaction"))
    score_response = _score_column(_("response"))
    score_compliance = _score_column(_("compliance"))
    score_party = _score_column(_("party building"))
    bonus = models.DecimalField(_("bonus"), max_digits=5, decimal_places=2, default=0)
    deduction = models.DecimalField(_("deduction"), max_digits=6, decimal_places=2, default=0)
    total = _score_column(_("total"))
    grade = models.CharField(_("grade"), max_length=20, choices=Grade.choices, blank=True)
    explanation = models.JSONField(
        _("explanation"), default=dict, blank=True, help_text=_("Per dimension: which data, how many records, the figures.")
    )
    evaluated_at = models.DateTimeField(_("evaluated at"), default=timezone.now)

    objects = FirmEvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("firm evaluation")
        verbose_name_plural = _("firm evaluations")
        ordering = ["-period", "firm__name", "contract_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "period", "scheme"],
                condition=Q(contract__isnull=False),
                name="evaluation_one_per_contract_period_scheme",
                violation_error_message=_("This contract is already evaluated for this quarter with this scheme: run the evaluation again instead of adding one."),
            ),
            models.UniqueConstraint(
                fields=["firm", "period", "scheme"],
                condition=Q(contract__isnull=True),
                name="evaluation_one_rollup_per_firm_period_scheme",
                violation_error_message=_("This firm's roll-up for this quarter with this scheme already exists: run the evaluation again instead of adding one."),
            ),
            models.CheckConstraint(
                condition=Q(contract__isnull=True, complex__isnull=True) | Q(contract__isnull=False, complex__isnull=False),
                name="evaluation_contract_has_complex",
                violation_error_message=_("An evaluation of a contract names the contract's complex; a firm's roll-up names neither: fill in both or neither."),
            ),
            models.CheckConstraint(
                condition=(Q(status="insufficient", grade="", total__isnull=True)
                           | Q(status="scored", total__isnull=False) & ~Q(grade="")
                           | Q(status="vetoed", grade="fail")),
                name="evaluation_grade_matches_status",
                violation_error_message=_("The grade must match the result: a scored evaluation has a total and a grade, a vetoed one is graded fail, one with too little data has neither."),
            ),
            models.CheckConstraint(
                condition=Q(period__regex=r"^\d{4}Q[1-4]$"), name="evaluation_period_format",
                violation_error_message=_("Enter the quarter as the year, Q and the quarter's number, e.g. 2026Q3."),
            ),
        ]
        indexes = [
            # Consequences: the previous quarter's grade of each contract; listings by period.
            models.Index(fields=["period", "grade"], name="evaluation_period_grade_idx"),
        ]

    def __str__(self):
        where = self.complex if self.contract_id else _("all complexes")
        return f"{self.period} {self.firm} @ {where}: {self.get_grade_display() or self.get_status_display()}"


class ConsequenceKind(models.TextChoices):
    RECTIFICATION = "rectification", _("Rectification notice")
    EXIT_REVIEW = "exit_review", _("Contract put under exit review")
    VETO = "veto", _("Period failed by a veto")


class EvaluationConsequenceQuerySet(JurisdictionQuerySet):
    community_lookup = "contract__complex__community"
    firm_lookup = "contract__firm"

    def unnotified(self):
        return self.filter(notified_at__isnull=True)


class EvaluationConsequence(TimeStamped):
    """What a failing quarter set off for a contract: at most one of each kind per contract and
    quarter, so re-running an evaluation never notifies twice."""

    contract = models.ForeignKey(
        ServiceContract, on_delete=models.PROTECT, related_name="consequences", verbose_name=_("service contract")
    )
    period = models.CharField(_("quarter"), max_length=6)
    kind = models.CharField(_("kind"), max_length=20, choices=ConsequenceKind.choices)
    # DO_NOTHING so that replacing a quarter's results is one DELETE: evaluation.py unlinks
    # consequences first and re-links them to the new rows in the same transaction.
    evaluation = models.ForeignKey(
        FirmEvaluation,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="consequences",
        verbose_name=_("evaluation"),
        help_text=_("The latest result that set it off (re-linked when the quarter is re-run)."),
    )
    reason = models.TextField(_("reason"))
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)
    notified_to = models.JSONField(_("notified to"), default=list, blank=True, help_text=_("Email addresses notified."))

    objects = EvaluationConsequenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation consequence")
        verbose_name_plural = _("evaluation consequences")
        ordering = ["-period", "contract_id", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "period", "kind"], name="consequence_one_per_kind_contract_period",
                violation_error_message=_("This consequence is already recorded for this contract and quarter: open the existing one."),
            ),
        ]
        indexes = [
            # The notifier: unsent consequences.
            models.Index(fields=["notified_at"], name="consequence_notified_idx"),
        ]

    def __str__(self):
        return f"{self.period} {self.contract}: {self.get_kind_display()}"


class ReminderKind(models.TextChoices):
    CONTRACT_ENDING = "contract_ending", _("Service contract ending")
    COMMITTEE_TERM_ENDING = "committee_term_ending", _("Owners' committee term ending")


class DeadlineReminderQuerySet(JurisdictionQuerySet):
    community_lookup = "complex__community"
    firm_lookup = "contract__firm"


class DeadlineReminder(TimeStamped):
    """A reminder that a contract or an owners' committee term ends soon (within the Civil
    Code's 90-day notice period). One per item and end date, so it is sent once."""

    kind = models.CharField(_("kind"), max_length=30, choices=ReminderKind.choices)
    complex = models.ForeignKey(
        ResidentialComplex, on_delete=models.CASCADE, related_name="deadline_reminders", verbose_name=_("residential complex")
    )
    contract = models.ForeignKey(
        ServiceContract, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders", verbose_name=_("service contract")
    )
    committee = models.ForeignKey(
        "communities.OwnersCommittee",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name=_("owners' committee"),
    )
    ends_on = models.DateField(_("ends on"))
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)
    notified_to = models.JSONField(_("notified to"), default=list, blank=True)

    objects = DeadlineReminderQuerySet.as_manager()

    class Meta:
        verbose_name = _("deadline reminder")
        verbose_name_plural = _("deadline reminders")
        ordering = ["ends_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "ends_on"], name="reminder_once_per_contract_end",
                violation_error_message=_("A reminder of this contract's end date already exists; it is sent once, so there is nothing to add."),
            ),
            models.UniqueConstraint(
                fields=["committee", "ends_on"], name="reminder_once_per_committee_end",
                violation_error_message=_("A reminder of this committee's term end already exists; it is sent once, so there is nothing to add."),
            ),
            models.CheckConstraint(
                condition=Q(kind="contract_ending", contract__isnull=False, committee__isnull=True)
                | Q(kind="committee_term_ending", contract__isnull=True, committee__isnull=False),
                name="reminder_names_its_item",
                violation_error_message=_("A contract reminder names the contract and a term reminder names the committee: choose the one that matches the kind."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.complex} {self.ends_on}"


# ---------------------------------------------------------------------------
# Firm exit and replacement (物业退出、替换有规可循): after the exit review, the joint
# meeting's decision, the choice of the successor, the handover checklist signed by both firms
# and the community, then the new contract. Every move goes through properties/services.py
# (EXIT, its transition table).
# ---------------------------------------------------------------------------
from redproperty.workflow import WorkflowEvent, WorkflowRecord  # noqa: E402


class ExitStatus(models.TextChoices):
    REVIEW = "review", _("Awaiting the joint meeting's decision")
    CHOOSING = "choosing", _("Choosing the successor")
    HANDOVER = "handover", _("Handover under way")
    CONTRACTING = "contracting", _("Handed over, new contract to record")
    INTERIM = "interim", _("Under interim management")
    COMPLETED = "completed", _("Replaced")
    RETAINED = "retained", _("Firm retained")
    CANCELLED = "cancelled", _("Cancelled")


class ExitAction(models.TextChoices):
    OPEN = "open", _("Exit procedure opened")
    DECIDE = "decide", _("Joint meeting's decision recorded")
    CHOOSE_SUCCESSOR = "choose_successor", _("Successor chosen")
    CHECK_ITEMS = "check_items", _("Handover checklist updated")
    SIGN = "sign", _("Handover signed")
    RECORD_CONTRACT = "record_contract", _("New contract recorded")
    CANCEL = "cancel", _("Cancelled")
    OVERDUE = "overdue", _("Step overdue")


class ExitDecision(models.TextChoices):
    EXIT = "exit", _("The firm exits")
    RETAIN = "retain", _("The firm stays (after rectification)")


class SuccessorKind(models.TextChoices):
    OWNERS_VOTE = "owners_vote", _("A firm chosen by the owners' vote")
    INTERIM = "interim", _("Interim management by the community (托管)")
    EMERGENCY = "emergency", _("An emergency firm (应急物业)")


class HandoverItemKind(models.TextChoices):
    DOCUMENTS = "documents", _("Documents and drawings")
    KEYS = "keys", _("Keys")
    EQUIPMENT = "equipment", _("Equipment and facilities")
    ACCOUNTS = "accounts", _("Accounts and funds")
    FEE_ARREARS = "fee_arrears", _("Fee arrears")
    MAINTENANCE_RECORDS = "maintenance_records", _("Maintenance records")


class HandoverSide(models.TextChoices):
    OUTGOING = "outgoing", _("Outgoing firm")
    INCOMING = "incoming", _("Incoming firm or interim manager")
    COMMUNITY = "community", _("Community")


EXIT_OPEN_STATUSES = ("review", "choosing", "handover", "contracting", "interim")


class ContractExitQuerySet(JurisdictionQuerySet):
    community_lookup = "complex__community"
    firm_lookup = "contract__firm"  # the outgoing firm follows its own exit

    def open(self):
        return self.filter(status__in=EXIT_OPEN_STATUSES)


class ContractExit(WorkflowRecord):
    """The exit of a firm from a complex after its contract's exit review, and its replacement."""

    OPEN_STATUSES = EXIT_OPEN_STATUSES

    complex = models.ForeignKey(
        ResidentialComplex, on_delete=models.PROTECT, related_name="contract_exits", verbose_name=_("residential complex"))
    contract = models.ForeignKey(
        ServiceContract, on_delete=models.PROTECT, related_name="exits", verbose_name=_("outgoing contract"))
    status = models.CharField(_("status"), max_length=20, choices=ExitStatus.choices, default=ExitStatus.REVIEW)
    opened_on = models.DateField(_("opened on"))
    reason = models.TextField(_("exit reason"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=20, choices=ExitDecision.choices, blank=True)
    decision_note = models.TextField(_("the joint meeting's decision"), blank=True)
    successor_kind = models.CharField(_("successor"), max_length=20, choices=SuccessorKind.choices, blank=True)
    successor_firm = models.ForeignKey(
        PropertyFirm, on_delete=models.PROTECT, null=True, blank=True, related_name="successions",
        verbose_name=_("incoming firm"))
    interim_manager = models.CharField(_("interim manager"), max_length=100, blank=True,
                                       help_text=_("Who manages the complex in the meantime (托管)."))
    chosen_on = models.DateField(_("successor chosen on"), null=True, blank=True)
    choice_note = models.TextField(_("how the successor was chosen"), blank=True)
    outgoing_signed_on = models.DateField(_("signed by the outgoing firm on"), null=True, blank=True)
    incoming_signed_on = models.DateField(_("signed by the incoming side on"), null=True, blank=True)
    community_signed_on = models.DateField(_("signed by the community on"), null=True, blank=True)
    new_contract = models.OneToOneField(
        ServiceContract, on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_exit",
        verbose_name=_("new contract"))
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    history = HistoricalRecords()

    objects = ContractExitQuerySet.as_manager()

    class Meta:
        verbose_name = _("firm exit and replacement")
        verbose_name_plural = _("firm exits and replacements")
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract"], condition=Q(status__in=list(EXIT_OPEN_STATUSES)), name="exit_one_open_per_contract",
                violation_error_message=_(
                    "This contract already has an exit under way: continue that one or cancel it first."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["handover", "contracting", "interim", "completed"]) | ~Q(successor_kind=""),
                name="exit_handover_has_successor",
                violation_error_message=_("Choose the successor before the handover starts."),
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(new_contract__isnull=False),
                name="exit_completed_has_contract",
                violation_error_message=_("A replaced firm's exit names the new contract: record it first."),
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                name="exit_cancel_has_reason",
                violation_error_message=_("Say why the exit is cancelled."),
            ),
        ]
        indexes = [
            # The deadline sweep and the workbench: open exits by deadline.
            models.Index(fields=["status", "due_on"], name="exit_status_due_idx"),
        ]

    def __str__(self):
        return _("Exit of %(firm)s from %(complex)s") % {"firm": self.contract.firm, "complex": self.complex}

    @property
    def incoming_name(self) -> str:
        if self.successor_kind == SuccessorKind.INTERIM:
            return self.interim_manager
        return self.successor_firm.name if self.successor_firm_id else ""

    def notify_scope(self) -> dict:
        community = self.complex.community
        firms = [self.contract.firm_id] + ([self.successor_firm_id] if self.successor_firm_id else [])
        return {"community_ids": [community.pk], "subdistrict_ids": [community.subdistrict_id], "firm_ids": firms}


class HandoverItemQuerySet(JurisdictionQuerySet):
    community_lookup = "exit__complex__community"
    firm_lookup = "exit__contract__firm"


class HandoverItem(models.Model):
    """One line of the handover checklist: what was handed over, and whether it is complete."""

    exit = models.ForeignKey(ContractExit, on_delete=models.CASCADE, related_name="items", verbose_name=_("exit"))
    kind = models.CharField(_("item"), max_length=30, choices=HandoverItemKind.choices)
    is_done = models.BooleanField(_("handed over"), default=False)
    detail = models.CharField(_("detail"), max_length=200, blank=True,
                              help_text=_("What was handed over, or what is missing."))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True,
                                 validators=[MinValueValidator(Decimal("0"))])

    objects = HandoverItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("handover item")
        verbose_name_plural = _("handover items")
        ordering = ["exit", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["exit", "kind"], name="handover_item_once_per_exit",
                violation_error_message=_("This item is already on the checklist: update that line."),
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="handover_amount_not_negative",
                violation_error_message=_("The amount cannot be negative: enter 0 or more yuan."),
            ),
        ]

    def __str__(self):
        return self.get_kind_display()


class ContractExitEventQuerySet(JurisdictionQuerySet):
    community_lookup = "exit__complex__community"
    firm_lookup = "exit__contract__firm"


class ContractExitEvent(WorkflowEvent):
    record_field = "exit"

    exit = models.ForeignKey(ContractExit, on_delete=models.CASCADE, related_name="events", verbose_name=_("exit"))
    action = models.CharField(_("action"), max_length=30, choices=ExitAction.choices)
    from_status = models.CharField(_("from status"), max_length=30, choices=ExitStatus.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=30, choices=ExitStatus.choices, blank=True)

    objects = ContractExitEventQuerySet.as_manager()

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("exit event")
        verbose_name_plural = _("exit events")
