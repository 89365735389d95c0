"""City-scale benchmark of the dashboard's pages (not a test).

Builds the data set of evaluate_city_scale.py (10 subdistricts, 500 communities, 10,000
complexes and contracts, 1,000 firms, 1,000,000 complaints in 2026Q3) plus this month's
complaints (330,000 from 1 to 10 October 2026), evaluates 2026Q2 and 2026Q3, stores the
monthly rate snapshots, then, with the clock at 2026-10-10 12:00 Asia/Shanghai, renders each
dashboard page as the district officer RUNS times and prints the median and the worst time
and the query count of the first: every page as readers get it (after the Celery refresh), and
the place pages computed on the request. Target: every page under 500 ms.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rp_dashboard_bench .venv/bin/python benchmarks/dashboard_city_scale.py
    ... --skip-build    (time the pages again on the data already built, without migrating)

It migrates the database it is given and REPLACES the data of the tables it fills: use a
database of its own. The figures are written to benchmarks/results/dashboard_city_scale.txt.
"""
from __future__ import annotations

import datetime
import importlib.util
import os
import statistics
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("evaluate_city_scale", ROOT / "benchmarks" / "evaluate_city_scale.py")
city = importlib.util.module_from_spec(spec)
spec.loader.exec_module(city)  # sets up Django

import time_machine  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", 7))
NOW = datetime.datetime(2026, 10, 10, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
OCTOBER = int(os.environ.get("BENCH_OCTOBER_COMPLAINTS", 330_000))

THIS_MONTH = """
    INSERT INTO complaints_complaint (created_at, updated_at, tracking_code, complex_id, category_id, channel,
            description, location_detail, reporter_name, reporter_phone, reporter_email, is_anonymous, status,
            handler_level, assigned_firm_id, assigned_community_id, reject_reason, resolution_note, rating,
            rating_comment, submitted_at, accepted_at, resolved_at, reopened_count, due_response_at,
            due_resolve_at, escalation_count, media_url)
        SELECT t.at, t.at, 'C' || lpad(i::text, 10, '0'), t.complex_id, %(category)s,
               (ARRAY['portal', 'phone', 'hotline_12345', 'wechat'])[1 + i %% 4], '电梯故障', '', '', '', '', false,
               t.status, 'firm', 1 + t.complex_id %% %(firms)s, 1 + t.complex_id %% %(communities)s,
               CASE WHEN t.status = 'rejected' THEN '不属于物业范围' ELSE '' END, '',
               CASE WHEN t.status = 'closed' THEN 1 + i %% 5 END, '', t.at,
               CASE WHEN t.status <> 'submitted' THEN t.at + make_interval(hours => i %% 30) END,
               CASE WHEN t.status IN ('resolved', 'closed') THEN t.at + interval '2 days' END,
               0, t.at + interval '24 hours', t.at + interval '7 days', 0, ''
        FROM (SELECT i, 1 + (i::bigint * 7919) %% %(contracts)s AS complex_id,
                     TIMESTAMPTZ '2026-09-30 16:00+00' + make_interval(secs => (i * 2.61)::int %% 864000) AS at,
                     (ARRAY['submitted', 'accepted', 'in_progress', 'resolved', 'closed', 'closed', 'rejected'])[1 + i %% 7]
                     AS status
              FROM generate_series(1, %(october)s) i) t;
"""

# Every dashboard page (and the portal's published results), as the district officer.
PAGES = [
    ("district", "/dashboard/"),
    ("district, a closed month", "/dashboard/?month=2026-08"),
    ("subdistrict", "/dashboard/subdistricts/1/"),
    ("subdistrict, a closed month", "/dashboard/subdistricts/1/?month=2026-08"),
    ("community", "/dashboard/communities/1/"),
    ("community, a closed month", "/dashboard/communities/1/?month=2026-08"),
    ("complex", "/dashboard/complexes/1/"),
    ("subdistricts ranked", "/dashboard/rates/"),
    ("communities ranked", "/dashboard/rates/?level=community"),
    ("firms ranked", "/dashboard/rates/?level=firm"),
    ("firms ranked, a closed month", "/dashboard/rates/?level=firm&month=2026-08"),
    ("firm grades", "/dashboard/firms/"),
    ("firm grades, failing", "/dashboard/firms/?grade=fail"),
    ("firm", "/dashboard/firms/1/"),
    ("report card", "/dashboard/firms/1/report/2026Q3/"),
    ("complaints", "/dashboard/complaints/"),
    ("complaints, one community", "/dashboard/complaints/?community=1"),
    ("exports", "/dashboard/exports/"),
    ("import", "/dashboard/import/"),
    ("published results", "/portal/results/"),
]
PLACE_PAGES = PAGES[:6]


def build():
    from complaints.models import Category
    from complaints.rates import rates_snapshot_store
    from properties.evaluation import firms_evaluate

    params = {"contracts": city.CONTRACTS, "firms": city.FIRMS, "communities": city.COMMUNITIES,
              "complaints": city.COMPLAINTS, "october": OCTOBER,
              "category": Category.objects.order_by("pk").values_list("pk", flat=True).first()}
    print(f"Building {city.CONTRACTS:,} contracts, {city.COMPLAINTS:,} + {OCTOBER:,} complaints ...", flush=True)
    city.build(params)
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(THIS_MONTH % params)
        cursor.execute("ANALYZE")
        print(f"  built this month's complaints {time.perf_counter() - started:6.1f} s", flush=True)
    with time_machine.travel(NOW, tick=False):
        for period in ("2026Q2", "2026Q3"):
            started = time.perf_counter()
            firms_evaluate(period=period)
            print(f"  evaluated {period} {time.perf_counter() - started:6.1f} s", flush=True)
        started = time.perf_counter()
        for month in range(1, 13):
            first = datetime.date(2025 + (9 + month) // 12, (9 + month - 1) % 12 + 1, 1)
            rates_snapshot_store(month=first)
        print(f"  stored 12 months of rate snapshots {time.perf_counter() - started:6.1f} s", flush=True)
        from dashboard.snapshots import months_store_missing

        started = time.perf_counter()
        months_store_missing(NOW.date())
        print(f"  stored 12 months of complaint counts and medians {time.perf_counter() - started:6.1f} s", flush=True)


def officer():
    from django.contrib.auth import get_user_model

    from communities.models import District
    from communities.services import staff_profile_set

    user, _created = get_user_model().objects.get_or_create(username="bench-district", defaults={"is_staff": True})
    staff_profile_set(user=user, role="district", jurisdiction=District.objects.get())  # the build truncates profiles
    return user


def _time(client, label, url, runs, method="get", status=200) -> str:
    """The first render (cold: what the first reader after a refresh waits, the Python and
    template caches warm), then the median and worst of `runs` more."""
    connection.queries_log.clear()  # a full log (DEBUG) would hide the new queries from the count
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = getattr(client, method)(url)
        first = time.perf_counter() - started
    assert response.status_code == status, (url, response.status_code)
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        response = getattr(client, method)(url)
        seconds.append(time.perf_counter() - started)
    line = (f"{label:<32} {url:<46} first {first * 1000:6.0f} ms   median {statistics.median(seconds) * 1000:6.0f} ms"
            f"   worst {max(seconds) * 1000:6.0f} ms   {len(queries.captured_queries):3d} queries")
    print(line, flush=True)
    return line


def time_pages() -> list[str]:
    """Each page as the district officer, as readers get them: the `dashboard.refresh_place_figures`
    task run first (as Celery beat runs it every 5 minutes: it stores closed months that are
    missing and counts this month's district, subdistrict and firm figures into the cache),
    then every page with the cache on. Then, for reference, the place pages computed on the
    request with the cache off (the refresh's own work for this month)."""
    from django.conf import settings
    from django.core.cache import cache

    from dashboard.tasks import refresh_place_figures

    settings.AXES_ENABLED = False  # sign-in lockouts record no access log for the test client
    client = Client()
    client.force_login(officer())
    lines = []
    with time_machine.travel(NOW, tick=True):
        settings.DASHBOARD_CACHE_SECONDS = settings.DASHBOARD_CACHE_SECONDS or 600
        cache.clear()
        started = time.perf_counter()
        pages = refresh_place_figures()
        lines.append(f"refresh_place_figures (Celery, every 5 minutes): {pages} pages in "
                     f"{time.perf_counter() - started:.1f} s")
        print(lines[-1], flush=True)
        lines.append("")
        lines.append("As readers get them (cache on, after the refresh):")
        client.get("/dashboard/import/")  # warm the process (translations, templates) on a page of no figures
        for label, url in PAGES:
            lines.append(_time(client, label, url, RUNS))
        # The PDF: the request only queues it; a Celery worker writes it (timed here as the task).
        lines.append(_time(client, "report card PDF, queued (POST)", "/dashboard/firms/1/report/2026Q3/pdf/",
                           RUNS, method="post", status=302))
        from dashboard.models import ExportJob
        from dashboard.tasks import export_run

        job = ExportJob.objects.filter(kind="report_card_pdf").latest("pk")
        started = time.perf_counter()
        export_run(job.pk)
        job.refresh_from_db()
        lines.append(f"report card PDF, written by the worker (dashboard.export_run): {job.status} in "
                     f"{(time.perf_counter() - started) * 1000:.0f} ms")
        print(lines[-1], flush=True)
        lines.append("")
        lines.append("Computed on the request (cache off; closed months stored):")
        settings.DASHBOARD_CACHE_SECONDS = 0
        for label, url in PLACE_PAGES:
            lines.append(_time(client, f"{label} (computed)", url, max(2, RUNS // 3)))
    return lines


def main():
    if connection.vendor != "postgresql":
        sys.exit("Run this on PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/rp_dashboard_bench")
    if "--skip-build" not in sys.argv:
        call_command("migrate", verbosity=0)
        build()
    from complaints.models import Complaint
    from communities.models import ResidentialComplex

    load_before = os.getloadavg()
    lines = time_pages()
    load_after = os.getloadavg()
    header = [
        f"Dashboard pages on PostgreSQL, {os.cpu_count()} CPUs, as the district officer, clock at {NOW:%Y-%m-%d %H:%M} "
        f"Asia/Shanghai; first render, then median and worst of {RUNS} more (Django test client, no network)",
        f"complexes: {ResidentialComplex.objects.count():,}   complaints: {Complaint.objects.count():,}",
        f"machine load average (1 min) before and after: {load_before[0]:.1f}, {load_after[0]:.1f} "
        f"(other processes share the {os.cpu_count()} CPUs; times scale with it)",
        "",
    ]
    text = "\n".join(header + lines) + "\n"
    out = ROOT / "benchmarks" / "results" / "dashboard_city_scale.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
