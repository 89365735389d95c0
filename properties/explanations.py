"""A firm evaluation's explanation in words: the evidence FirmEvaluation.explanation stores
(structured, English keys, kept as is for the API) told dimension by dimension for staff, in
the user's language. The admin's evaluation page and the dashboard's report card both use it."""
from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

DIMENSIONS = [
    ("basic_service", "weight_basic_service", gettext_lazy("Basic service quality")),
    ("satisfaction", "weight_satisfaction", gettext_lazy("Resident satisfaction")),
    ("response", "weight_response", gettext_lazy("Response to requests")),
    ("compliance", "weight_compliance", gettext_lazy("Contract compliance")),
    ("party", "weight_party", gettext_lazy("Party building")),
]


def _yes(value) -> str:
    return _("yes") if value else _("no")


def _pct(value) -> str:
    return _("no data") if value is None else f"{value}%"


def _explain(dimension: str, data: dict) -> str:
    """One dimension's evidence in words."""
    if dimension == "basic_service":
        if not data.get("records"):
            return _("No inspection in the quarter.")
        return _("%(n)s inspections by the community; average %(avg)s of 100 points.") % {
            "n": data["records"], "avg": data.get("average_of_100")}
    if dimension == "satisfaction":
        return _("%(ratings)s complaint ratings (%(ok)s satisfied) and %(answers)s survey answers "
                 "(%(survey_ok)s satisfied) in %(surveys)s surveys: %(rate)s satisfied.") % {
            "ratings": data.get("ratings", 0), "ok": data.get("ratings_satisfied", 0),
            "answers": data.get("survey_answers", 0), "survey_ok": data.get("survey_satisfied", 0),
            "surveys": data.get("surveys", 0), "rate": _pct(data.get("rate"))}
    if dimension == "response":
        if not data.get("received"):
            return _("No complaint received in the quarter: full points.")
        return _("%(received)s complaints received, %(in_time)s responded in time (%(response)s); %(due)s due, "
                 "%(resolved)s resolved (%(resolution)s); %(repeats)s repeat complaints counted against.") % {
            "received": data["received"], "in_time": data.get("responded_in_time", 0),
            "response": _pct(data.get("response_rate")), "due": data.get("due", 0),
            "resolved": data.get("resolved", 0), "resolution": _pct(data.get("resolution_rate")),
            "repeats": data.get("repeat_complaints", 0)}
    if dimension == "compliance":
        if not data.get("months"):
            return _("No fee collection figures in the quarter.")
        return _("Fees collected %(rate)s over %(months)s months, disclosed in %(disclosed)s; contract filed: "
                 "%(filed)s.") % {"rate": _pct(data.get("collection_rate")), "months": data["months"],
                                  "disclosed": data.get("months_disclosed", 0), "filed": _yes(data.get("contract_filed"))}
    if dimension == "party":
        entry = data.get("two_way_entry") or {}
        return _("Firm party organisation: %(org)s; into the firm or committee: %(into_counterpart)s; into the "
                 "community: %(into_community)s; joint meetings attended %(attended)s of %(held)s.") % {
            "org": _yes(data.get("firm_party_organization")), "into_counterpart": _yes(entry.get("into_counterpart")),
            "into_community": _yes(entry.get("into_community")), "attended": data.get("meetings_attended", 0),
            "held": data.get("meetings_held", 0)}
    return ""


def _explain_rollup(data: dict) -> str:
    return _("%(graded)s of %(contracts)s contracts graded (%(insufficient)s with too little data, %(vetoed)s "
             "vetoed), weighted by %(weighted_by)s over %(households)s households.") % {
        "graded": data.get("graded", 0), "contracts": data.get("contracts", 0),
        "insufficient": data.get("insufficient", 0), "vetoed": data.get("vetoed", 0),
        "weighted_by": _("households") if data.get("weighted_by") == "households" else _("equal weights"),
        "households": data.get("households", 0)}


def dimension_explanations(result, scheme) -> list[dict]:
    """Per dimension of one FirmEvaluation: label, score, weight and the evidence in words
    (the roll-up's sentence says how the contracts were weighted)."""
    explanation = result.explanation or {}
    rows = []
    for key, weight_field, label in DIMENSIONS:
        rows.append({
            "key": key, "label": label, "score": getattr(result, f"score_{key}"),
            "weight": getattr(scheme, weight_field) if scheme else None,
            "text": _explain(key, explanation.get(key, {})) if result.contract_id else "",
        })
    if not result.contract_id:
        rows[0]["rollup_text"] = _explain_rollup(explanation)
    return rows


def credit_text(result) -> str:
    data = (result.explanation or {}).get("credit") or {}
    return _("Awards %(awards)s (bonus %(bonus)s after the cap), violations −%(violations)s, vetoes %(vetoes)s.") % {
        "awards": data.get("awards", 0), "bonus": data.get("bonus", 0), "violations": data.get("violations", 0),
        "vetoes": data.get("vetoes", 0)}


def missing_text(result) -> str:
    missing = ((result.explanation or {}).get("minimum_data") or {}).get("missing") or []
    names = {"inspections": _("inspections"), "satisfaction_answers": _("satisfaction answers"),
             "fee_months": _("months of fee figures")}
    return ", ".join(str(names.get(m, m)) for m in missing)
