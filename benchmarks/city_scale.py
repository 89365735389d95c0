"""`make bench`: the platform at city scale on PostgreSQL (issue 13; not a test).

Builds once, in a database of its own (BENCH_DB, default rp_city), 10 districts, 100
subdistricts, 1,000 communities, 10,000 complexes, 2,000 firms, 10,000 contracts, 1,000,000
complaints with 5,000,000 events and 50,000 joint meetings, and reuses them on later runs.
Then, each figure beside its floor or target:

- one quarter's evaluation (`firms_evaluate`, in a process of its own for its peak memory)
  against the floor: one GROUP BY over the same quarter's complaints by complex with the
  three-rate aggregates (target: within 10 times, under 500 MB);
- API lists of 20 rows under gunicorn (2 workers, DEBUG off, Redis cache) with a district
  officer's key, each measured between two runs of the floor, a bare DRF view with the same
  key authentication returning 20 complexes from one values() query (benchmarks/urls.py;
  target: at least 0.5 of it);
- staff pages (admin, dashboard, workbench) with a signed-in session: p95 (target 300 ms);
- complaint submission through the public API and the portal: p95 (target 200 ms);
- EXPLAIN ANALYZE of the slowest queries of each measured request.

The load comes from wrk (Debian's package) in its own process. BENCH_SECONDS sets each run's
length (default 8); BENCH_PROFILE=1 records a py-spy flame graph of a gunicorn worker under the
complaints list's load. Figures go to benchmarks/results/city_scale.txt and the plans to
benchmarks/results/city_scale_explain.txt.

    make bench                      (builds on the first run: about 5 minutes)
    BENCH_REBUILD=1 make bench      (drops the data and builds it again)
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = os.environ.get("BENCH_DB", "rp_city")
DB_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
PORT = int(os.environ.get("BENCH_PORT", 8765))
SECONDS = int(os.environ.get("BENCH_SECONDS", 8))
PERIOD = "2026Q3"
SCALE = {"districts": 10, "subdistricts": 100, "communities": 1_000, "contracts": 10_000, "firms": 2_000,
         "complaints": 1_000_000, "events_per_complaint": 5, "meetings": 50_000}
RESULTS = ROOT / "benchmarks" / "results"
PY = sys.executable


def _create_database():
    import psycopg2

    connection = psycopg2.connect(dbname="postgres", user="postgres", host="127.0.0.1", port=5432)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{DB_NAME}"')
    connection.close()


# The server's settings, in this process too: sessions made here must be valid there.
SERVER_ENV = {"DATABASE_URL": DB_URL, "REDIS_URL": REDIS_URL, "DEBUG": "False", "SECRET_KEY": "bench-only-" + "x" * 50,
              "ALLOWED_HOSTS": "127.0.0.1,testserver", "CONN_MAX_AGE": "60"}
os.environ.update(SERVER_ENV)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
sys.path.insert(0, str(ROOT))
_create_database()

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

# ---------------------------------------------------------------------------
# The data set
# ---------------------------------------------------------------------------
EXTRA = [
    ("complaint events", """
        INSERT INTO complaints_complaintevent (actor_label, action, from_status, to_status, note, is_public,
                created_at, complaint_id)
            SELECT '', (ARRAY['submit', 'accept', 'start', 'resolve', 'rate'])[k],
                   (ARRAY['', 'submitted', 'accepted', 'in_progress', 'resolved'])[k],
                   (ARRAY['submitted', 'accepted', 'in_progress', 'resolved', 'closed'])[k], '', k <> 3,
                   c.submitted_at + make_interval(hours => k - 1), c.id
            FROM complaints_complaint c, generate_series(1, %(events_per_complaint)s) k;
    """),
    ("more joint meetings", """
        INSERT INTO partybranches_jointmeeting (id, created_at, updated_at, convened_by_id, community_id, held_on,
                title, topics, minutes, attendees_party, attendees_residents_committee, attendees_owners_committee,
                attendees_firm, attendees_residents)
            SELECT m, now(), now(), 1 + m %% %(communities)s, 1 + m %% %(communities)s, DATE '2025-01-01' + m %% 540,
                   '联席会议', '', '', 3, 2, 2, 1, 5 FROM generate_series(%(communities)s * 3 + 1, %(meetings)s) m;
        SELECT setval(pg_get_serial_sequence('partybranches_jointmeeting', 'id'), %(meetings)s);
    """),
    ("owners' committees", """
        INSERT INTO communities_ownerscommittee (created_at, updated_at, term_start, term_end, filed_on, status, complex_id)
            SELECT now(), now(), '2024-01-01', '2029-01-01', '2024-02-01', 'active', x
            FROM generate_series(1, %(contracts)s) x WHERE x %% 5 <> 0;
    """),
    ("tracking codes like the platform's", """
        -- nine hex digits of a bijection of the id (an odd multiplier modulo 2^36): unique.
        UPDATE complaints_complaint SET tracking_code = upper(
            substr(lpad(to_hex((id * 2654435761) %% 68719476736), 9, '0'), 1, 4) || '-' ||
            substr(lpad(to_hex((id * 2654435761) %% 68719476736), 9, '0'), 5, 5));
    """),
]


def _load_city_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("evaluate_city_scale", ROOT / "benchmarks" / "evaluate_city_scale.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def built_scale() -> dict | None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_built (scale text NOT NULL, built_at timestamptz NOT NULL)")
        cursor.execute("SELECT scale FROM bench_built ORDER BY built_at DESC LIMIT 1")
        row = cursor.fetchone()
    return json.loads(row[0]) if row else None


def build():
    from django.core.management import call_command

    from complaints.models import Category

    call_command("migrate", verbosity=0)
    if built_scale() == SCALE and not os.environ.get("BENCH_REBUILD"):
        print(f"Reusing the data set in {DB_NAME}.", flush=True)
        return
    city = _load_city_module()
    params = {**SCALE, "category": Category.objects.order_by("pk").values_list("pk", flat=True).first()}
    print(f"Building the city in {DB_NAME}: {SCALE}", flush=True)
    started = time.perf_counter()
    city.build(params)
    with connection.cursor() as cursor:
        for name, sql in EXTRA:
            step = time.perf_counter()
            cursor.execute(sql % params)
            print(f"  built {name:<20} {time.perf_counter() - step:6.1f} s", flush=True)
        cursor.execute("VACUUM ANALYZE")
    _people()
    from properties.evaluation import firms_evaluate

    firms_evaluate(period="2026Q2")
    firms_evaluate(period=PERIOD)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM bench_built")
        cursor.execute("INSERT INTO bench_built VALUES (%s, now())", [json.dumps(SCALE)])
    print(f"Built in {time.perf_counter() - started:.0f} s", flush=True)


def _people():
    """A superuser, a district officer of district 1 with an API key, and a community worker."""
    from django.contrib.auth import get_user_model

    from communities.models import Community, District
    from communities.services import staff_profile_set

    User = get_user_model()
    admin, _ = User.objects.get_or_create(username="bench-admin", defaults={"is_staff": True, "is_superuser": True})
    officer, _ = User.objects.get_or_create(username="bench-district", defaults={"is_staff": True})
    staff_profile_set(user=officer, role="district", jurisdiction=District.objects.get(pk=1))
    worker, _ = User.objects.get_or_create(username="bench-community", defaults={"is_staff": True})
    staff_profile_set(user=worker, role="community", jurisdiction=Community.objects.get(pk=11))


def api_key() -> str:
    from django.contrib.auth import get_user_model

    from integrations.services import api_key_create

    User = get_user_model()
    _row, key = api_key_create(actor=User.objects.get(username="bench-admin"),
                               user=User.objects.get(username="bench-district"), name="make bench")
    return key


def session_cookie(username: str) -> str:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return f"sessionid={client.cookies['sessionid'].value}"


# ---------------------------------------------------------------------------
# The evaluation against its floor (a process of its own: its peak memory is its own)
# ---------------------------------------------------------------------------
def evaluate_child():
    import resource

    from complaints.models import Complaint
    from complaints.rates import rates_grouped
    from properties.evaluation import Quarter, firms_evaluate

    quarter = Quarter.parse(PERIOD)
    start, end = quarter.bounds()
    floors, runs = [], []
    for _ in range(3):
        started = time.perf_counter()
        grouped = rates_grouped(start=start, end=end, by="complex_id",
                                queryset=Complaint.objects.filter(assigned_firm__isnull=False))
        floors.append(time.perf_counter() - started)
        started = time.perf_counter()
        summary = firms_evaluate(period=PERIOD)
        runs.append(time.perf_counter() - started)
    print("EVAL " + json.dumps({
        "floor": statistics.median(floors), "evaluation": statistics.median(runs), "complexes": len(grouped),
        "contracts": summary["contracts"], "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }), flush=True)


def measure_evaluation() -> list[str]:
    out = subprocess.run([PY, __file__, "--evaluate-child"], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    figures = json.loads(re.search(r"^EVAL (.*)$", out, re.M).group(1))
    ratio = figures["evaluation"] / figures["floor"]
    return [
        f"Evaluation of {PERIOD}, {figures['contracts']:,} contracts, median of 3 (floor: the quarter's GROUP BY by "
        f"complex with the three-rate aggregates, {figures['complexes']:,} groups, same run):",
        f"  evaluation {figures['evaluation']:.2f} s   floor {figures['floor']:.2f} s   ratio {ratio:.1f} "
        f"(target <= 10)   {'MET' if ratio <= 10 else 'NOT MET'}",
        f"  peak memory of the evaluating process {figures['peak_rss_mb']:.0f} MB (target < 500 MB)   "
        f"{'MET' if figures['peak_rss_mb'] < 500 else 'NOT MET'}",
    ]


# ---------------------------------------------------------------------------
# The web server and the load generator
# ---------------------------------------------------------------------------
def start_server() -> subprocess.Popen:
    import socket

    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", PORT)) == 0:
            raise SystemExit(f"Port {PORT} is taken (an earlier run's server?): set BENCH_PORT or stop it")
    env = {**os.environ, **SERVER_ENV, "DJANGO_SETTINGS_MODULE": "benchmarks.settings"}
    server = subprocess.Popen(
        [str(Path(PY).parent / "gunicorn"), "redproperty.wsgi:application", "--workers", "2",
         "--bind", f"127.0.0.1:{PORT}", "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/api/v1/overview/", timeout=5)
            return server
        except urllib.error.HTTPError:  # 401 without a key: the server answers
            return server
        except OSError:
            time.sleep(0.3)
    os.killpg(server.pid, signal.SIGTERM)
    raise SystemExit("gunicorn did not start")


def get_status(path: str, headers: dict) -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", headers=headers)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        return urllib.request.build_opener(NoRedirect).open(request, timeout=30).status
    except urllib.error.HTTPError as exc:
        return exc.code


def wrk(path: str, headers: dict, *, connections=4, seconds=SECONDS, post: tuple[str, str] | None = None) -> dict:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
               "-s", str(ROOT / "benchmarks" / "wrk_report.lua")]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    env = dict(os.environ)
    if post:
        env.update(WRK_METHOD="POST", WRK_CONTENT_TYPE=post[0], WRK_BODY=post[1])
    out = subprocess.run(command + [f"http://127.0.0.1:{PORT}{path}"], capture_output=True, text=True, env=env,
                         check=True).stdout
    return json.loads(re.search(r"^WRK (.*)$", out, re.M).group(1))


# Pages of 20 rows, as the floor's (the overview is one object).
API_LISTS = [
    ("complaints", "/api/v1/complaints/?page_size=20"),
    ("complexes", "/api/v1/residential-complexes/?page_size=20"),
    ("owners' committees", "/api/v1/owners-committees/?page_size=20"),
    ("joint meetings", "/api/v1/joint-meetings/?page_size=20"),
    ("firm evaluations", "/api/v1/firm-evaluations/?page_size=20"),
    ("firms", "/api/v1/property-firms/?page_size=20"),
    ("overview", "/api/v1/overview/"),
]


def measure_api(key: str) -> list[str]:
    headers = {"Authorization": f"Token {key}"}
    assert get_status("/bench/floor/", headers) == 200
    lines = [f"API lists of 20 rows, gunicorn 2 workers, wrk 4 connections x {SECONDS} s each, the district "
             "officer's key; floor = bare DRF view, same auth, 20 complexes from one values() query, measured "
             "before and after each list:"]
    for label, path in API_LISTS:
        status = get_status(path, headers)
        assert status == 200, (path, status)
        before = wrk("/bench/floor/", headers)
        result = wrk(path, headers)
        after = wrk("/bench/floor/", headers)
        floor = (before["rps"] + after["rps"]) / 2
        ratio = result["rps"] / floor
        lines.append(f"  {label:<20} {result['rps']:7.1f} req/s   floor {floor:7.1f} req/s   ratio {ratio:.2f} "
                     f"(target >= 0.5)   p95 {result['p95']:6.1f} ms   errors {result['errors']}   "
                     f"{'MET' if ratio >= 0.5 and not result['errors'] else 'NOT MET'}")
        print(lines[-1], flush=True)
    return lines


def staff_pages():
    from complaints.models import Complaint

    code = Complaint.objects.order_by("pk").values_list("tracking_code", flat=True)[500_000]
    return [
        ("admin: complaints", "bench-admin", "/admin/complaints/complaint/"),
        ("admin: complaints, a code", "bench-admin", f"/admin/complaints/complaint/?q={code}"),
        ("admin: complaints, code prefix", "bench-admin", f"/admin/complaints/complaint/?q={code[:4]}"),
        ("admin: complaints, \"ABC\"", "bench-admin", "/admin/complaints/complaint/?q=ABC"),
        ("admin: complaints, text", "bench-admin", "/admin/complaints/complaint/?q=%E6%A5%BC%E9%81%93%E7%81%AF"),
        ("admin: complaints, overdue", "bench-admin", "/admin/complaints/complaint/?overdue=yes"),
        ("admin: complexes", "bench-admin", "/admin/communities/residentialcomplex/"),
        ("admin: firm evaluations", "bench-admin", "/admin/properties/firmevaluation/"),
        ("admin: joint meetings", "bench-admin", "/admin/partybranches/jointmeeting/"),
        ("admin: a complaint", "bench-admin",
         f"/admin/complaints/complaint/{Complaint.objects.order_by('pk').values_list('pk', flat=True)[500_000]}/change/"),
        ("dashboard: district", "bench-district", "/dashboard/"),
        ("dashboard: complaints", "bench-district", "/dashboard/complaints/"),
        ("dashboard: firm grades", "bench-district", "/dashboard/firms/"),
        ("workbench: complaints", "bench-community", "/workbench/complaints/"),
        ("workbench: home", "bench-community", "/workbench/"),
    ]


def measure_staff_pages() -> list[str]:
    lines = [f"Staff pages, signed in, wrk 2 connections x {SECONDS} s (target: p95 under 300 ms):"]
    for label, user, path in staff_pages():
        headers = {"Cookie": session_cookie(user)}
        status = get_status(path, headers)
        if status != 200:
            lines.append(f"  {label:<34} {path}: answered {status}, not measured")
            print(lines[-1], flush=True)
            continue
        result = wrk(path, headers, connections=2)
        met = result["requests"] and result["p95"] < 300 and not result["errors"]
        lines.append(f"  {label:<34} p50 {result['p50']:6.1f} ms   p95 {result['p95']:6.1f} ms   "
                     f"{result['rps']:6.1f} req/s   {result['requests']} requests   errors {result['errors']}   "
                     f"{'MET' if met else 'NOT MET'}")
        print(lines[-1], flush=True)
    return lines


def measure_submission() -> list[str]:
    from complaints.models import Category

    category = Category.objects.active().order_by("pk").first()
    body = json.dumps({"complex": 4321, "category": category.code, "description": "楼道灯坏了，晚上看不见。",
                       "reporter_phone": "13800138000"}, ensure_ascii=False)
    token = "b" * 32  # an unmasked CSRF secret, sent as the cookie and as the form's token
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "complex": 4321, "category": category.pk,
                                   "description": "楼道灯坏了，晚上看不见。", "reporter_phone": "13800138000"})
    lines = [f"Complaint submission, wrk 2 connections x {SECONDS} s (target: p95 under 200 ms):"]
    for label, path, headers, post, ok in [
        ("public API (JSON)", "/api/v1/public/complaints/", {}, ("application/json", body), 201),
        ("portal (form)", "/portal/new/", {"Cookie": f"csrftoken={token}", "Referer": f"http://127.0.0.1:{PORT}/portal/new/"},
         ("application/x-www-form-urlencoded", form), 302),
    ]:
        probe = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", data=post[1].encode(),
                                       headers={**headers, "Content-Type": post[0]}, method="POST")

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        try:
            status = urllib.request.build_opener(NoRedirect).open(probe, timeout=30).status
        except urllib.error.HTTPError as exc:
            status = exc.code
        assert status == ok, (path, status)
        result = wrk(path, headers, connections=2, post=post)
        met = result["requests"] and result["p95"] < 200 and not result["errors"]
        lines.append(f"  {label:<20} p50 {result['p50']:6.1f} ms   p95 {result['p95']:6.1f} ms   "
                     f"{result['rps']:6.1f} req/s   {result['requests']} requests   errors {result['errors']}   "
                     f"{'MET' if met else 'NOT MET'}")
        print(lines[-1], flush=True)
    return lines


# ---------------------------------------------------------------------------
# EXPLAIN ANALYZE of the hot queries
# ---------------------------------------------------------------------------
def explain_hot_queries(key: str) -> str:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    User = get_user_model()
    requests = [(label, "bench-district", path, True) for label, path in API_LISTS]
    requests += [(label, user, path, False) for label, user, path in staff_pages()]
    sections = []
    for label, username, path, api in requests:
        client = Client(HTTP_AUTHORIZATION=f"Token {key}") if api else Client()
        if not api:
            client.force_login(User.objects.get(username=username))
        client.get(path)  # warm
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        slowest = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:2]
        for query in slowest:
            if not query["sql"].lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                plan = "\n".join(row[0] for row in cursor.fetchall())
            sections.append(f"== {label}: {path} ({query['time']} s of {len(queries.captured_queries)} queries)\n"
                            f"{query['sql']}\n{plan}\n")
    return "\n".join(sections)


def profile(server: subprocess.Popen, key: str) -> str:
    """A py-spy flame graph of one gunicorn worker under the complaints list's load."""
    spy = shutil.which("py-spy") or str(Path(PY).parent / "py-spy")
    workers = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
    target = RESULTS / "flame-api-complaints.svg"
    recorder = subprocess.Popen([spy, "record", "--pid", workers[0], "--duration", str(SECONDS), "--output",
                                 str(target), "--nonblocking"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wrk("/api/v1/complaints/", {"Authorization": f"Token {key}"})
    recorder.wait(timeout=60)
    return f"py-spy flame graph of a worker under the complaints list's load: {target.relative_to(ROOT)}"


def main():
    if connection.vendor != "postgresql":
        raise SystemExit("make bench runs on PostgreSQL")
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    build()
    from communities.models import ResidentialComplex
    from complaints.models import Complaint, ComplaintEvent

    load = os.getloadavg()[0]
    header = [
        f"make bench on PostgreSQL, {os.cpu_count()} CPUs, database {DB_NAME}: "
        f"{ResidentialComplex.objects.count():,} complexes, {Complaint.objects.count():,} complaints, "
        f"{ComplaintEvent.objects.count():,} events",
        f"load average (1 min) at the start: {load:.1f} (other processes on the machine slow every figure; "
        "compare figures of the same run)",
        "",
    ]
    lines = (measure_evaluation() + [""]) if not os.environ.get("BENCH_SKIP_EVALUATION") else []
    print("\n".join(lines), flush=True)
    key = api_key()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG off: the hashed names' manifest
    server = start_server()
    try:
        lines += measure_api(key) + [""]
        lines += measure_staff_pages() + [""]
        lines += measure_submission() + [""]
        if os.environ.get("BENCH_PROFILE"):
            lines.append(profile(server, key))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a worker still in a long request
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=30)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "city_scale_explain.txt").write_text(explain_hot_queries(key))
    lines.append("EXPLAIN ANALYZE of the two slowest queries of each request: benchmarks/results/city_scale_explain.txt")
    text = "\n".join(header + lines) + "\n"
    (RESULTS / "city_scale.txt").write_text(text)
    print(text)


if __name__ == "__main__":
    if "--evaluate-child" in sys.argv:
        evaluate_child()
    else:
        main()
