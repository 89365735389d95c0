"""The property-service firms, their contracts, and the evidence of how well they serve."""
from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as StdnumValidationError

from communities.models import ResidentialComplex, TimeStamped
from redproperty.scoping import JurisdictionQuerySet


def validate_credit_code(value: str) -> None:
    """Unified social credit code (统一社会信用代码, GB 32100-2015), checked by python-stdnum."""
    try:
        uscc.validate(value)
    except StdnumValidationError:
        raise ValidationError(
            _("%(value)s is not a valid unified social credit code (18 characters with a correct check digit)."),
            code="invalid_credit_code",
            params={"value": value},
        )


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
        """Annotate `has_party_org`: the firm has a party organisation of its own (one EXISTS)."""
        from django.apps import apps

        org = apps.get_model("partybranches", "PartyOrganization")
        return self.annotate(has_party_org=models.Exists(org.objects.filter(firm=models.OuterRef("pk"))))


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
        return self.party_organizations.exists()


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
                condition=Q(fee_standard__gte=0), name="contract_fee_not_negative"
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
            models.UniqueConstraint(fields=["complex", "period"], name="fee_one_per_complex_month"),
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

    objects = PeriodRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(order_security__lte=20, equipment__lte=20, cleaning__lte=20, greening__lte=20, records__lte=20),
                name="inspection_items_at_most_20",
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
            models.CheckConstraint(condition=Q(sample_size__gte=1), name="survey_sample_positive"),
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

    def scope_q(self, profile):
        # Events without a complex concern the firm as a whole: district staff and the firm see them.
        if profile.role == "district":
            return Q(complex__isnull=True) | Q(complex__community__subdistrict__district_id=profile.district_id)
        return super().scope_q(profile)


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
        constraints = [models.CheckConstraint(condition=Q(points__gte=0), name="credit_points_not_negative")]
        indexes = [
            # Evaluation: a firm's events in a quarter.
            models.Index(fields=["firm", "occurred_on"], name="credit_firm_date_idx"),
        ]

    def __str__(self):
        return f"{self.firm} {self.get_kind_display()} {self.occurred_on}"

