"""City-scale benchmark of the quarterly evaluation (not a test).

Builds 10,000 service contracts and 1,000,000 complaints (plus inspections, surveys, fees,
credit events, cross-appointments and joint meetings) on PostgreSQL with INSERT ... SELECT
generate_series, then times `firms_evaluate` for one quarter and prints contracts,
complaints, seconds, peak memory and query count. Target: < 2 minutes, < 500 MB.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rp_bench .venv/bin/python benchmarks/evaluate_city_scale.py

It migrates the database it is given and REPLACES the data of the tables it fills: use a
database of its own. The figures are written to benchmarks/results/evaluate_city_scale.txt.
"""
from __future__ import annotations

import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redproperty.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

CONTRACTS = int(os.environ.get("BENCH_CONTRACTS", 10_000))
COMPLAINTS = int(os.environ.get("BENCH_COMPLAINTS", 1_000_000))
FIRMS = CONTRACTS // 10
COMMUNITIES = 500
PERIOD = "2026Q3"
Q_START, Q_END = "2026-07-01", "2026-09-30"

TABLES = [
    "partybranches_agendaitem", "partybranches_historicalagendaitem", "properties_evaluationconsequence",
    "properties_firmevaluation", "properties_deadlinereminder", "complaints_complaintevent", "complaints_attachment",
    "complaints_complaint", "partybranches_jointmeeting_complexes", "partybranches_jointmeeting_attending_firms",
    "partybranches_jointmeeting_cited_complaints", "partybranches_meetingresolution", "partybranches_jointmeeting",
    "partybranches_crossappointment", "partybranches_partyorganization_complexes", "partybranches_partyorganization",
    "properties_creditevent", "properties_feecollection", "properties_inspection", "properties_satisfactionsurvey",
    "properties_servicecontract", "communities_ownerscommitteemember", "communities_ownerscommittee",
    "communities_staffprofile", "properties_propertyfirm", "communities_residentialcomplex", "communities_community",
    "communities_subdistrict", "communities_district",
]

BUILD = [
    ("places", """
        INSERT INTO communities_district (id, created_at, updated_at, code, name)
            SELECT d, now(), now(), CASE WHEN d = 1 THEN '530111' ELSE '5399' || lpad(d::text, 2, '0') END,
                   CASE WHEN d = 1 THEN '官渡区' ELSE '区' || d END FROM generate_series(1, %(districts)s) d;
        INSERT INTO communities_subdistrict (id, created_at, updated_at, district_id, code, name)
            SELECT s, now(), now(), 1 + s %% %(districts)s, '53' || lpad(s::text, 7, '0'), '街道' || s
            FROM generate_series(1, %(subdistricts)s) s;
        INSERT INTO communities_community (id, created_at, updated_at, subdistrict_id, code, name, address, phone)
            SELECT c, now(), now(), 1 + c %% %(subdistricts)s, '53' || lpad(c::text, 10, '0'),
                   '社区' || c, '', '' FROM generate_series(1, %(communities)s) c;
        INSERT INTO communities_residentialcomplex (id, created_at, updated_at, community_id, name, complex_type,
                management_mode, households, buildings, floor_area, address)
            SELECT x, now(), now(), 1 + x %% %(communities)s, '小区' || x, 'commercial', 'firm',
                   100 + (x * 37) %% 900, 10, 30000, '' FROM generate_series(1, %(contracts)s) x;
    """),
    ("firms and contracts", """
        INSERT INTO properties_propertyfirm (id, created_at, updated_at, name, credit_code, qualification,
                contact_person, contact_phone, address, status)
            SELECT f, now(), now(), '物业公司' || f, '91530111' || lpad(f::text, 10, '0'), '', '', '', '', 'active'
            FROM generate_series(1, %(firms)s) f;
        INSERT INTO properties_servicecontract (id, created_at, updated_at, firm_id, complex_id, start_date, end_date,
                fee_standard, status, filed_on, exit_reason)
            SELECT x, now(), now(), 1 + x %% %(firms)s, x, '2024-01-01', '2027-12-31', 1.2, 'active',
                   CASE WHEN x %% 7 = 0 THEN NULL ELSE DATE '2024-01-15' END, '' FROM generate_series(1, %(contracts)s) x;
    """),
    ("evidence", """
        INSERT INTO properties_inspection (created_at, updated_at, complex_id, inspected_on, inspector,
                order_security, equipment, cleaning, greening, records, notes)
            SELECT now(), now(), x, DATE '2026-07-05' + (i * 40 + x %% 20), '',
                   8 + (x + i) %% 13, 10 + x %% 11, 9 + (x * 3) %% 12, 12 + x %% 9, 10 + (x * 7) %% 11, ''
            FROM generate_series(1, %(contracts)s) x, generate_series(0, 1) i;
        INSERT INTO properties_satisfactionsurvey (created_at, updated_at, complex_id, period_start, period_end,
                sample_size, satisfied)
            SELECT now(), now(), x, '2026-07-01', '2026-09-30', 50, 25 + x %% 26 FROM generate_series(1, %(contracts)s) x;
        INSERT INTO properties_feecollection (created_at, updated_at, complex_id, period, billed_amount, paid_amount,
                billed_households, paid_households, is_disclosed)
            SELECT now(), now(), x, (DATE '2026-07-01' + make_interval(months => m))::date, 36000,
                   36000 * (70 + x %% 31) / 100, 300, 300 * (70 + x %% 31) / 100, x %% 4 <> 0
            FROM generate_series(1, %(contracts)s) x, generate_series(0, 2) m;
        INSERT INTO properties_creditevent (created_at, updated_at, firm_id, complex_id, kind, occurred_on, points,
                description, is_verified)
            SELECT now(), now(), 1 + x %% %(firms)s, x, CASE WHEN x %% 997 = 0 THEN 'veto'
                   WHEN x %% 3 = 0 THEN 'violation' ELSE 'award' END, '2026-08-01', 1 + x %% 4, '', true
            FROM generate_series(1, %(contracts)s, 5) x;
    """),
    ("party building", """
        INSERT INTO partybranches_partyorganization (id, created_at, updated_at, name, kind, district_id,
                community_id, firm_id, secretary, member_count)
            SELECT c, now(), now(), '社区党委' || c, 'community_committee', 1, c, NULL, '', 10
            FROM generate_series(1, %(communities)s) c;
        INSERT INTO partybranches_partyorganization (id, created_at, updated_at, name, kind, district_id,
                community_id, firm_id, secretary, member_count)
            SELECT 100000 + f, now(), now(), '企业支部' || f, 'firm_branch', 1, NULL, f, '', 5
            FROM generate_series(1, %(firms)s, 2) f;
        INSERT INTO partybranches_crossappointment (created_at, updated_at, person_name, is_party_member, direction,
                party_organization_id, complex_id, firm_id, home_post, appointed_post, start_date)
            SELECT now(), now(), '任职人' || x, true, CASE WHEN d = 0 THEN 'to_counterpart' ELSE 'to_community' END,
                   1 + x %% %(communities)s, x, 1 + x %% %(firms)s, '', '', '2025-01-01'
            FROM generate_series(1, %(contracts)s, 2) x, generate_series(0, 1) d;
        INSERT INTO partybranches_jointmeeting (id, created_at, updated_at, convened_by_id, community_id, held_on,
                title, topics, minutes, attendees_party, attendees_residents_committee, attendees_owners_committee,
                attendees_firm, attendees_residents)
            SELECT m, now(), now(), 1 + m %% %(communities)s, 1 + m %% %(communities)s, DATE '2026-07-10' + m %% 80,
                   '联席会议', '', '', 3, 2, 2, 1, 5 FROM generate_series(1, %(communities)s * 3) m;
        INSERT INTO partybranches_jointmeeting_complexes (jointmeeting_id, residentialcomplex_id)
            SELECT m.id, x.id FROM partybranches_jointmeeting m
            JOIN communities_residentialcomplex x ON x.community_id = m.community_id WHERE (x.id + m.id) %% 3 = 0;
        INSERT INTO partybranches_jointmeeting_attending_firms (jointmeeting_id, propertyfirm_id)
            SELECT DISTINCT m.jointmeeting_id, c.firm_id FROM partybranches_jointmeeting_complexes m
            JOIN properties_servicecontract c ON c.complex_id = m.residentialcomplex_id WHERE c.id %% 2 = 0;
    """),
    ("complaints", """
        INSERT INTO complaints_complaint (created_at, updated_at, tracking_code, complex_id, category_id, channel,
                description, location_detail, reporter_name, reporter_phone, reporter_email, is_anonymous, status,
                handler_level, assigned_firm_id, assigned_community_id, reject_reason, resolution_note, rating,
                rating_comment, submitted_at, accepted_at, resolved_at, reopened_count, due_response_at,
                due_resolve_at, escalation_count, media_url)
            SELECT t.at, t.at, 'B' || lpad(i::text, 10, '0'), t.complex_id, %(category)s, 'portal', '楼道灯坏了', '',
                   '', '', '', false, t.status, 'firm', 1 + t.complex_id %% %(firms)s,
                   1 + t.complex_id %% %(communities)s, CASE WHEN t.status = 'rejected' THEN '不属于物业范围' ELSE '' END,
                   '', CASE WHEN t.status = 'closed' THEN 1 + i %% 5 END, '', t.at,
                   CASE WHEN t.status <> 'submitted' THEN t.at + make_interval(hours => i %% 30) END,
                   CASE WHEN t.status IN ('resolved', 'closed') THEN t.at + interval '3 days' END,
                   CASE WHEN i %% 50 = 0 THEN 1 ELSE 0 END, t.at + interval '24 hours', t.at + interval '7 days', 0, ''
            FROM (SELECT i, 1 + (i::bigint * 7919) %% %(contracts)s AS complex_id,
                         TIMESTAMPTZ '2026-06-30 16:00+00' + make_interval(secs => (i * 7.77)::int %% 7948800) AS at,
                         (ARRAY['submitted', 'accepted', 'in_progress', 'resolved', 'closed', 'closed', 'closed',
                                'rejected'])[1 + i %% 8] AS status
                  FROM generate_series(1, %(complaints)s) i) t;
    """),
]


def build(params):
    """Replace the data of TABLES with the city of `params` (contracts, firms, communities,
    complaints, category; districts and subdistricts default to one district of ten)."""
    params = {"districts": 1, "subdistricts": 10, **params}
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE " + ", ".join(TABLES) + " RESTART IDENTITY CASCADE")
        for name, sql in BUILD:
            started = time.perf_counter()
            cursor.execute(sql % params)
            print(f"  built {name:<20} {time.perf_counter() - started:6.1f} s", flush=True)
        cursor.execute("ANALYZE")


def main():
    if connection.vendor != "postgresql":
        sys.exit("Run this on PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/rp_bench")
    call_command("migrate", verbosity=0)
    from complaints.models import Category, Complaint
    from properties.evaluation import firms_evaluate
    from properties.models import ServiceContract

    params = {"contracts": CONTRACTS, "firms": FIRMS, "communities": COMMUNITIES, "complaints": COMPLAINTS,
              "category": Category.objects.order_by("pk").values_list("pk", flat=True).first()}
    print(f"Building {CONTRACTS:,} contracts and {COMPLAINTS:,} complaints ...", flush=True)
    build(params)
    contracts, complaints = ServiceContract.objects.count(), Complaint.objects.count()

    tracemalloc.start()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        summary = firms_evaluate(period=PERIOD)
    seconds = time.perf_counter() - started
    _current, python_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    lines = [
        f"firms_evaluate(period={PERIOD!r}) on PostgreSQL, {os.cpu_count()} CPUs",
        f"contracts:            {contracts:,}",
        f"complaints:           {complaints:,}",
        f"seconds:              {seconds:.1f}",
        f"peak Python memory:   {python_peak / 2**20:.0f} MB (tracemalloc, during the evaluation)",
        f"peak process RSS:     {rss_peak_mb:.0f} MB (whole run)",
        f"queries:              {len(queries.captured_queries)}",
        f"contracts by status:  {summary['status']}",
        f"contracts by grade:   {summary['grades']}",
        f"firms by grade:       {summary['firm_grades']}",
        f"new consequences:     {summary['consequences']}",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    out = ROOT / "benchmarks" / "results" / "evaluate_city_scale.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)


if __name__ == "__main__":
    main()
