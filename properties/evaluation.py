"""Quarterly firm evaluation (物业服务企业监督考评) and its consequences.

The top of the house: it reads every app (complaints only through complaints.rates) and
writes consequences, including an agenda item for a joint meeting, so nothing below imports it.

    firms_evaluate(period="2026Q3") -> summary dict

scores every service contract active in the quarter with the active EvaluationScheme (or
the one given), stores one FirmEvaluation per contract plus each firm's roll-up weighted by
households, and records the consequences. It is set-based: a fixed number of queries
whatever the number of contracts (GROUP BY aggregates in the database; complaints are
never loaded into Python), and idempotent: re-running a quarter replaces its results for
that scheme version in one transaction, and never issues a consequence twice.

How each dimension is scored (points are the scheme's weights; a share of 0–1 times the weight):

- basic service quality: the average inspection total (five items of 20 points) in the
  quarter / 100;
- resident satisfaction: answers rated 满意 / all answers, pooling complaint ratings (4 or 5
  of 5) and satisfaction-survey answers of surveys overlapping the quarter;
- response to requests: the mean of the response rate and the resolution rate (the response
  rate alone when nothing fell due) of complaints received in the quarter, minus the scheme's
  penalty per repeat (reopened) complaint; no complaint due for a response earns the full points;
- contract compliance: 60 % fee-collection step (paid / billed amount: ≥95 % full, 90–95 %
  three quarters, 80–90 % half, below none), 20 % share of months with fees disclosed,
  20 % contract filed by the quarter's end;
- party building: a third each for the firm having its own party organisation, two-way entry
  at the complex on the quarter's last day (half for one direction), and attendance at the
  joint meetings held in the quarter for the complex (no meeting held: not counted against).

Credit events in the quarter (verified, at the complex or firm-wide): awards add up to the
scheme's bonus cap, violations deduct their points, a veto fails the period (grade fail,
total 0). The total is capped to 0–100.

Minimum data (scheme fields, per quarter): `min_inspections` inspections, `min_satisfaction_answers`
ratings plus survey answers, and `min_fee_months` months of fee figures. Below that the
contract is marked "insufficient data" with what is missing, and gets no grade (a veto still
fails it). Complaints are counted per complex, so a quarter with a hand-over gives both
contracts the complex's complaints.

Consequences: a contract graded fail gets a rectification notice (and a veto record when a veto
failed it); failing this quarter and the previous one under the same contract puts the contract
under exit review and adds an agenda item for its community's next joint meeting. Notices go by
email to the firm's and the community's staff, through the outbox after commit.
"""
from __future__ import annotations

import csv
import datetime
import io
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Avg, Count, F, OuterRef, Q, Subquery, Sum
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from complaints.models import Complaint
from complaints.rates import Rates, rates_grouped
from partybranches.models import AgendaItem, CrossAppointment, Direction, JointMeeting, PartyOrganization
from integrations.webhooks import webhooks_notify
from redproperty import outbox

from . import services
from .models import (
    ConsequenceKind,
    CreditEvent,
    CreditEventKind,
    EvaluationConsequence,
    EvaluationScheme,
    EvaluationStatus,
    FeeCollection,
    FirmEvaluation,
    Grade,
    Inspection,
    SatisfactionSurvey,
    ServiceContract,
)

CENT = Decimal("0.01")
ZERO = Decimal("0")
ONE = Decimal("1")
HUNDRED = Decimal("100")
DIMENSIONS = ("basic_service", "satisfaction", "response", "compliance", "party")


# ---------------------------------------------------------------------------
# Periods
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        match = re.fullmatch(r"(\d{4})Q([1-4])", (text or "").strip().upper())
        if not match:
            raise ValidationError(_("A quarter looks like 2026Q3."), code="invalid_period")
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def containing(cls, day: datetime.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def just_ended(cls, today: datetime.date | None = None) -> Quarter:
        """The last complete quarter before `today` (default: today in Asia/Shanghai)."""
        return cls.containing(cls.containing(today or timezone.localdate()).start - datetime.timedelta(days=1))

    def __str__(self):
        return f"{self.year}Q{self.number}"

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> datetime.date:
        """The quarter's last day."""
        return self.following.start - datetime.timedelta(days=1)

    @property
    def following(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    @property
    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """[first instant, first instant of the next quarter) in the project's time zone."""
        tz = timezone.get_default_timezone()
        return (
            datetime.datetime.combine(self.start, datetime.time.min, tzinfo=tz),
            datetime.datetime.combine(self.following.start, datetime.time.min, tzinfo=tz),
        )


def _dec(value, places=CENT) -> Decimal:
    return Decimal(str(value or 0)).quantize(places, rounding=ROUND_HALF_UP)


def _pct(part, whole) -> float | None:
    return None if not whole else round(float(part) * 100 / float(whole), 1)


# ---------------------------------------------------------------------------
# Gathering the evidence: one query per source, grouped in the database
# ---------------------------------------------------------------------------
def _contracts(quarter: Quarter) -> list[dict]:
    """Contracts active for at least a day of the quarter, with their party-building facts:
    the firm has a party organisation; two-way entry at the complex on the quarter's last day
    (each direction); the joint meetings of the complex's community in the quarter that
    concerned the complex (it is listed, or no complex is: the whole community) and those the
    firm attended. Six queries, each a scan or a GROUP BY, whatever the number of contracts."""
    contracts = list(
        ServiceContract.objects.filter(start_date__lte=quarter.end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=quarter.start))
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=quarter.start))
        .order_by("pk")
        .values("pk", "firm_id", "complex_id", "complex__community_id", "complex__households", "filed_on", "status")
    )
    firms_with_party = set(PartyOrganization.objects.filter(firm__isnull=False).values_list("firm_id", flat=True).distinct())
    entries = set(
        CrossAppointment.objects.active(on=quarter.end).filter(complex__isnull=False)
        .values_list("complex_id", "direction").distinct()
    )
    in_quarter = JointMeeting.objects.filter(held_on__gte=quarter.start, held_on__lte=quarter.end).order_by()
    # Meetings of a whole community (no complex listed), and those of listed complexes of
    # their own community; then the same with each attending firm.
    community_wide = in_quarter.filter(complexes__isnull=True)
    held_community = dict(community_wide.values("community_id").annotate(n=Count("pk")).values_list("community_id", "n"))
    listed = in_quarter.filter(complexes__community_id=F("community_id"))
    held_complex = dict(listed.values("complexes").annotate(n=Count("pk", distinct=True)).values_list("complexes", "n"))
    attended_community = {
        (row["community_id"], row["attending_firms"]): row["n"]
        for row in community_wide.filter(attending_firms__isnull=False)
        .values("community_id", "attending_firms").annotate(n=Count("pk", distinct=True))
    }
    attended_complex = {
        (row["complexes"], row["attending_firms"]): row["n"]
        for row in listed.filter(attending_firms__isnull=False)
        .values("complexes", "attending_firms").annotate(n=Count("pk", distinct=True))
    }
    for c in contracts:
        complex_id, community_id, firm_id = c["complex_id"], c["complex__community_id"], c["firm_id"]
        c["has_party_org"] = firm_id in firms_with_party
        c["into_counterpart"] = (complex_id, Direction.TO_COUNTERPART) in entries
        c["into_community"] = (complex_id, Direction.TO_COMMUNITY) in entries
        c["meetings_held"] = held_community.get(community_id, 0) + held_complex.get(complex_id, 0)
        c["meetings_attended"] = (attended_community.get((community_id, firm_id), 0)
                                  + attended_complex.get((complex_id, firm_id), 0))
    return contracts


def _by_complex(queryset, **aggregates) -> dict:
    return {row.pop("complex_id"): row for row in queryset.order_by().values("complex_id").annotate(**aggregates)}


@dataclass
class Evidence:
    inspections: dict
    surveys: dict
    fees: dict
    rates: dict
    repeats: dict
    credit: dict  # (firm_id, complex_id or None) -> {award, violation, veto}
    previous_fail: set


def _evidence(quarter: Quarter) -> Evidence:
    """Seven GROUP BY queries, whatever the number of contracts and complaints."""
    start, end = quarter.bounds()
    item_sum = F("order_security") + F("equipment") + F("cleaning") + F("greening") + F("records")
    inspections = _by_complex(
        Inspection.objects.filter(inspected_on__gte=quarter.start, inspected_on__lte=quarter.end),
        n=Count("pk"), average=Avg(item_sum),
    )
    surveys = _by_complex(
        SatisfactionSurvey.objects.filter(period_start__lte=quarter.end, period_end__gte=quarter.start),
        n=Count("pk"), answers=Sum("sample_size"), satisfied=Sum("satisfied"),
    )
    fees = _by_complex(
        FeeCollection.objects.filter(period__gte=quarter.start, period__lte=quarter.end),
        months=Count("pk"), disclosed=Count("pk", filter=Q(is_disclosed=True)),
        billed=Sum("billed_amount"), paid=Sum("paid_amount"),
    )
    firm_complaints = Complaint.objects.filter(assigned_firm__isnull=False)
    rates = rates_grouped(start=start, end=end, by="complex_id", queryset=firm_complaints)
    repeats = {
        row["complex_id"]: row["n"]
        for row in firm_complaints.filter(submitted_at__gte=start, submitted_at__lt=end, reopened_count__gt=0)
        .order_by().values("complex_id").annotate(n=Count("pk"))
    }
    credit: dict = defaultdict(lambda: {"award": ZERO, "violation": ZERO, "veto": 0, "veto_reasons": []})
    events = (
        CreditEvent.objects.filter(occurred_on__gte=quarter.start, occurred_on__lte=quarter.end, is_verified=True)
        .order_by().values("firm_id", "complex_id", "kind")
        .annotate(points=Sum("points"), n=Count("pk"))
    )
    for row in events:
        entry = credit[(row["firm_id"], row["complex_id"])]
        if row["kind"] == CreditEventKind.VETO:
            entry["veto"] += row["n"]
        else:
            entry[row["kind"]] += row["points"] or ZERO
    # The previous quarter's grade of the same contracts, by the newest scheme that rated them.
    latest: dict[int, tuple[int, str]] = {}
    for contract_id, version, grade in (
        FirmEvaluation.objects.filter(period=str(quarter.previous), contract__isnull=False)
        .values_list("contract_id", "scheme__version", "grade")
    ):
        if contract_id not in latest or version > latest[contract_id][0]:
            latest[contract_id] = (version, grade)
    previous_fail = {cid for cid, (_v, grade) in latest.items() if grade == Grade.FAIL}
    return Evidence(inspections, surveys, fees, rates, repeats, credit, previous_fail)


# ---------------------------------------------------------------------------
# Scoring one contract (pure Python on the gathered figures)
# ---------------------------------------------------------------------------
def _score_contract(contract: dict, scheme: EvaluationScheme, ev: Evidence, quarter: Quarter) -> dict:
    """The FirmEvaluation fields of one contract."""
    complex_id, firm_id = contract["complex_id"], contract["firm_id"]
    insp = ev.inspections.get(complex_id, {"n": 0, "average": None})
    survey = ev.surveys.get(complex_id, {"n": 0, "answers": 0, "satisfied": 0})
    fee = ev.fees.get(complex_id, {"months": 0, "disclosed": 0, "billed": None, "paid": None})
    rates: Rates = ev.rates.get(complex_id, Rates())
    repeats = ev.repeats.get(complex_id, 0)
    scores: dict[str, Decimal | None] = {}
    explain: dict[str, dict] = {}

    # Basic service quality: inspections.
    if insp["n"]:
        average = Decimal(str(insp["average"]))
        scores["basic_service"] = scheme.weight_basic_service * average / HUNDRED
        explain["basic_service"] = {"source": "inspections", "records": insp["n"], "average_of_100": round(float(average), 1)}
    else:
        scores["basic_service"] = None
        explain["basic_service"] = {"source": "inspections", "records": 0}

    # Resident satisfaction: complaint ratings and surveys, pooled.
    answers = rates.rated + (survey["answers"] or 0)
    satisfied = rates.satisfied + (survey["satisfied"] or 0)
    scores["satisfaction"] = scheme.weight_satisfaction * Decimal(satisfied) / Decimal(answers) if answers else None
    explain["satisfaction"] = {
        "source": "complaint ratings and surveys", "ratings": rates.rated, "ratings_satisfied": rates.satisfied,
        "surveys": survey["n"], "survey_answers": survey["answers"] or 0, "survey_satisfied": survey["satisfied"] or 0,
        "rate": _pct(satisfied, answers),
    }

    # Response to requests: the three rates, repeats counted against.
    if rates.response_due:
        share = Decimal(rates.responded_in_time) / Decimal(rates.response_due)
        if rates.due:
            share = (share + Decimal(rates.resolved) / Decimal(rates.due)) / 2
        scores["response"] = max(ZERO, scheme.weight_response * share - scheme.repeat_complaint_penalty * repeats)
    else:
        scores["response"] = scheme.weight_response
    explain["response"] = {
        "source": "complaints", "received": rates.received, "response_due": rates.response_due,
        "responded_in_time": rates.responded_in_time, "due": rates.due, "resolved": rates.resolved,
        "response_rate": _pct(rates.responded_in_time, rates.response_due),
        "resolution_rate": _pct(rates.resolved, rates.due), "repeat_complaints": repeats,
    }

    # Contract compliance: fee collection step, disclosure, filing.
    filed = bool(contract["filed_on"] and contract["filed_on"] <= quarter.end)
    if fee["months"]:
        rate = (fee["paid"] / fee["billed"] * HUNDRED) if fee["billed"] else ZERO
        fee_share = scheme.fee_share(rate)
        compliance_share = (
            Decimal("0.6") * fee_share
            + Decimal("0.2") * Decimal(fee["disclosed"]) / Decimal(fee["months"])
            + Decimal("0.2") * (ONE if filed else ZERO)
        )
        scores["compliance"] = scheme.weight_compliance * compliance_share
        fee_rate = round(float(rate), 1)
    else:
        scores["compliance"], fee_rate, fee_share = None, None, None
    explain["compliance"] = {
        "source": "fee collections and the contract", "months": fee["months"], "collection_rate": fee_rate,
        "fee_share": None if fee_share is None else float(fee_share), "months_disclosed": fee["disclosed"],
        "contract_filed": filed,
    }

    # Party building.
    entry = (Decimal("0.5") if contract["into_counterpart"] else ZERO) + (Decimal("0.5") if contract["into_community"] else ZERO)
    held, attended = contract["meetings_held"], contract["meetings_attended"]
    attendance = Decimal(attended) / Decimal(held) if held else ONE
    party_share = ((ONE if contract["has_party_org"] else ZERO) + entry + attendance) / 3
    scores["party"] = scheme.weight_party * party_share
    explain["party"] = {
        "source": "party organisations, cross-appointments, joint meetings",
        "firm_party_organization": contract["has_party_org"],
        "two_way_entry": {"into_counterpart": contract["into_counterpart"], "into_community": contract["into_community"]},
        "meetings_held": held, "meetings_attended": attended,
    }

    # Credit events: at the complex, or firm-wide.
    at_complex, firm_wide = ev.credit.get((firm_id, complex_id)), ev.credit.get((firm_id, None))
    awards = sum((e["award"] for e in (at_complex, firm_wide) if e), ZERO)
    violations = sum((e["violation"] for e in (at_complex, firm_wide) if e), ZERO)
    vetoes = sum((e["veto"] for e in (at_complex, firm_wide) if e), 0)
    bonus = min(awards, scheme.bonus_cap)
    explain["credit"] = {"awards": float(awards), "bonus": float(bonus), "violations": float(violations), "vetoes": vetoes}

    missing = []
    if insp["n"] < scheme.min_inspections:
        missing.append("inspections")
    if answers < scheme.min_satisfaction_answers:
        missing.append("satisfaction_answers")
    if fee["months"] < scheme.min_fee_months:
        missing.append("fee_months")
    explain["minimum_data"] = {
        "inspections": scheme.min_inspections, "satisfaction_answers": scheme.min_satisfaction_answers,
        "fee_months": scheme.min_fee_months, "missing": missing,
    }

    fields = {f"score_{d}": None if scores[d] is None else _dec(scores[d]) for d in DIMENSIONS}
    fields.update(bonus=_dec(bonus), deduction=_dec(violations))
    if vetoes:
        fields.update(status=EvaluationStatus.VETOED, total=ZERO, grade=Grade.FAIL)
    elif missing:
        fields.update(status=EvaluationStatus.INSUFFICIENT, total=None, grade="")
    else:
        total = sum((fields[f"score_{d}"] for d in DIMENSIONS), ZERO) + fields["bonus"] - fields["deduction"]
        total = min(HUNDRED, max(ZERO, total))
        fields.update(status=EvaluationStatus.SCORED, total=total, grade=scheme.grade_for(total))
    fields["explanation"] = explain
    return fields


def _rollup(rows: list[FirmEvaluation], scheme: EvaluationScheme) -> dict:
    """A firm's figures: its graded contracts' scores weighted by households (equal weights
    when no complex records households); insufficient ones are left out."""
    graded = [r for r in rows if r.status != EvaluationStatus.INSUFFICIENT]
    households = sum(r.households for r in rows)
    explain = {
        "contracts": len(rows), "graded": len(graded), "households": households,
        "insufficient": sum(r.status == EvaluationStatus.INSUFFICIENT for r in rows),
        "vetoed": sum(r.status == EvaluationStatus.VETOED for r in rows),
        "weighted_by": "households",
    }
    if not graded:
        return {"status": EvaluationStatus.INSUFFICIENT, "total": None, "grade": "", "households": households,
                "explanation": explain}
    weights = [Decimal(r.households) for r in graded]
    if not sum(weights):
        weights = [ONE] * len(graded)
        explain["weighted_by"] = "equal"
    weight_sum = sum(weights)

    def weighted(attr):
        pairs = [(getattr(r, attr), w) for r, w in zip(graded, weights) if getattr(r, attr) is not None]
        if not pairs:
            return None
        return _dec(sum(v * w for v, w in pairs) / sum(w for _v, w in pairs))

    fields = {f"score_{d}": weighted(f"score_{d}") for d in DIMENSIONS}
    total = _dec(sum(r.total * w for r, w in zip(graded, weights)) / weight_sum)
    fields.update(
        status=EvaluationStatus.SCORED, total=total, grade=scheme.grade_for(total), households=households,
        bonus=weighted("bonus") or ZERO, deduction=weighted("deduction") or ZERO, explanation=explain,
    )
    return fields


# ---------------------------------------------------------------------------
# The service
# ---------------------------------------------------------------------------
def firms_evaluate(*, period: str, scheme: EvaluationScheme | None = None, actor=None, today=None) -> dict:
    """Evaluate every contract active in `period` ("2026Q3") with `scheme` (default: the active
    one), replace that period's results for the scheme, roll them up per firm and record the
    consequences. Returns a summary: period, scheme version, counts per status and per grade,
    firms, and the consequences newly recorded.

    Queries: about fifteen to read and five to write (the results themselves by COPY on
    PostgreSQL), plus six when consequences are new: the same for 2 contracts or 10,000."""
    quarter = Quarter.parse(period) if isinstance(period, str) else period
    scheme = scheme or EvaluationScheme.objects.active().get()
    contracts = _contracts(quarter)
    ev = _evidence(quarter)
    now = timezone.now()
    common = {"scheme": scheme, "period": str(quarter), "period_start": quarter.start, "period_end": quarter.end,
              "evaluated_at": now}

    rows = [
        FirmEvaluation(
            firm_id=c["firm_id"], contract_id=c["pk"], complex_id=c["complex_id"],
            households=c["complex__households"] or 0, **common, **_score_contract(c, scheme, ev, quarter),
        )
        for c in contracts
    ]
    per_firm: dict[int, list[FirmEvaluation]] = defaultdict(list)
    for row in rows:
        per_firm[row.firm_id].append(row)
    rollups = [FirmEvaluation(firm_id=firm_id, **common, **_rollup(firm_rows, scheme)) for firm_id, firm_rows in per_firm.items()]

    with transaction.atomic():
        this_period = EvaluationConsequence.objects.filter(period=str(quarter))
        this_period.filter(evaluation__scheme=scheme).update(evaluation=None)
        FirmEvaluation.objects.filter(period=str(quarter), scheme=scheme).delete()
        _results_write(rows + rollups)
        # Reasons and agenda titles are stored text: write them in the platform's language.
        with translation.override(settings.LANGUAGE_CODE):
            created = _consequences_record(quarter=quarter, rows=rows, previous_fail=ev.previous_fail, actor=actor,
                                           today=today)
        # Link this period's consequences, the new ones and the earlier ones, to the rows just written.
        this_period.filter(evaluation__isnull=True).update(
            evaluation=Subquery(
                FirmEvaluation.objects.filter(contract=OuterRef("contract_id"), period=str(quarter), scheme=scheme).values("pk")[:1]
            )
        )
        webhooks_notify(event="evaluation.published", permission="properties.view_firmevaluation", payload={
            "period": str(quarter), "scheme_version": scheme.version, "contracts": len(rows), "firms": len(rollups),
            "evaluated_at": timezone.localtime(now).isoformat(timespec="seconds"), "firm_evaluations": f"/api/v1/firm-evaluations/?period={quarter}",
        })

    summary = {
        "period": str(quarter),
        "scheme_version": scheme.version,
        "contracts": len(rows),
        "firms": len(rollups),
        "status": {s.value: sum(r.status == s for r in rows) for s in EvaluationStatus},
        "grades": {g.value: sum(r.grade == g for r in rows) for g in Grade},
        "firm_grades": {g.value: sum(r.grade == g for r in rollups) for g in Grade},
        "consequences": created,
    }
    return summary


def _results_write(rows: list[FirmEvaluation]) -> None:
    """Insert the results. On PostgreSQL through COPY: at 10,000 contracts the ORM's INSERT
    spends most of the evaluation's time preparing 240,000 values one by one (see
    benchmarks/results/NOTES.md); elsewhere bulk_create. The rows get no primary key here."""
    connection.ensure_connection()
    if connection.vendor != "postgresql" or not hasattr(connection.connection.cursor(), "copy_expert"):
        FirmEvaluation.objects.bulk_create(rows)
        return
    fields = [f for f in FirmEvaluation._meta.concrete_fields if not f.primary_key]

    def text(field, value):
        if value is None:
            return ""
        if isinstance(field, models.JSONField):
            return json.dumps(value, cls=field.encoder, ensure_ascii=False)
        if isinstance(value, bool):
            return "t" if value else "f"
        if isinstance(value, (datetime.date, datetime.datetime)):
            return value.isoformat()
        return str(value)

    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    for row in rows:
        writer.writerow([text(f, getattr(row, f.attname)) for f in fields])
    buffer.seek(0)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    nullable = ", ".join(connection.ops.quote_name(f.column) for f in fields if f.null)  # "" is NULL there
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {FirmEvaluation._meta.db_table} ({columns}) FROM STDIN WITH (FORMAT csv, FORCE_NULL ({nullable}))",
            buffer)


def _consequences_record(*, quarter: Quarter, rows: list[FirmEvaluation], previous_fail: set, actor, today) -> dict:
    """Record this quarter's consequences of failing contracts, each at most once (unique per
    contract, quarter and kind; existing ones are kept, not re-sent). Returns counts of the new ones."""
    failing = [r for r in rows if r.grade == Grade.FAIL]
    if not failing:
        return {}
    period = str(quarter)
    wanted = []
    for r in failing:
        if r.status == EvaluationStatus.VETOED:
            reason = _("A veto event in %(period)s fails the period.") % {"period": period}
            wanted.append((r, ConsequenceKind.VETO, reason))
        else:
            reason = _("Graded fail in %(period)s with %(total)s points.") % {"period": period, "total": r.total}
        wanted.append((r, ConsequenceKind.RECTIFICATION, reason))
        if r.contract_id in previous_fail:
            wanted.append((r, ConsequenceKind.EXIT_REVIEW, _("Graded fail in %(previous)s and %(period)s.") % {
                "previous": quarter.previous, "period": period}))
    existing = set(
        EvaluationConsequence.objects.filter(period=period, contract_id__in=[r.contract_id for r in failing])
        .values_list("contract_id", "kind")
    )
    new = [  # linked to their evaluation by the caller, once the results are written
        EvaluationConsequence(contract_id=r.contract_id, period=period, kind=kind, reason=reason)
        for r, kind, reason in wanted
        if (r.contract_id, kind) not in existing
    ]
    if not new:
        return {}
    EvaluationConsequence.objects.bulk_create(new, ignore_conflicts=True)
    exits = [c for c in new if c.kind == ConsequenceKind.EXIT_REVIEW]
    if exits:
        reasons = {c.contract_id: c.reason for c in exits}
        services.contracts_put_under_exit_review(actor=actor, reasons=reasons)
        _agenda_items_add(period=period, contract_ids=list(reasons), today=today)
    outbox.enqueue("properties.notify_consequences", period=period)
    counts: dict[str, int] = defaultdict(int)
    for c in new:
        counts[str(c.kind)] += 1
    return dict(counts)


def _agenda_items_add(*, period: str, contract_ids: list[int], today=None) -> None:
    """An agenda item per contract put under exit review, attached to its community's next
    scheduled joint meeting when there is one. Three queries."""
    today = today or timezone.localdate()
    consequences = list(
        EvaluationConsequence.objects.filter(
            period=period, kind=ConsequenceKind.EXIT_REVIEW, contract_id__in=contract_ids, agenda_item__isnull=True
        ).select_related("contract__firm", "contract__complex")
    )
    communities = {c.contract.complex.community_id for c in consequences}
    next_meeting = {}
    for meeting in JointMeeting.objects.filter(community_id__in=communities, held_on__gte=today).order_by("-held_on"):
        next_meeting[meeting.community_id] = meeting  # the earliest wins: ordered latest first
    AgendaItem.objects.bulk_create(
        AgendaItem(
            community_id=c.contract.complex.community_id,
            complex_id=c.contract.complex_id,
            contract_id=c.contract_id,
            consequence=c,
            meeting=next_meeting.get(c.contract.complex.community_id),
            title=_("Exit review of %(firm)s at %(complex)s") % {"firm": c.contract.firm, "complex": c.contract.complex},
            details=c.reason,
        )
        for c in consequences
    )

