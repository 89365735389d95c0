"""Any text, number or date, in any field of any form or serializer, gets a clear 4xx or a valid
save, never a server error.

- The API: every route of /api/v1/ that writes (POST, PUT, PATCH), found by walking the URL
  configuration (the routers' viewsets and the other API views); the fields come from the
  serializer the view uses for that action, each given values drawn by hypothesis from what
  its type accepts and from what it does not (any text with control characters, huge and
  negative numbers, impossible dates, unknown ids, wrong types), some fields left out.
- The pages: every form of the portal and the workbench, found by reading the pages as a
  resident and as a community worker sees them; each field gets values for its input type.
  The resident's session holds a resolved report, so its rating and reopening forms are read.
- Files: every file input of those forms and every file field of the API's serializers
  (multipart) get any bytes under any name and content type: random bytes, real JPEG, PNG,
  WebP and GIF photos, truncated ones, a decompression bomb's header, an SVG, too many files.

Each example runs in a savepoint that is rolled back, so examples do not pile up. A new route
or form is covered without touching this test. Bounded (EXAMPLES per route or form) so the
whole file runs in about a minute."""
from __future__ import annotations

import datetime
import json
import os
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework import serializers
from rest_framework.test import APIClient, APIRequestFactory

from django.core.files.uploadedfile import SimpleUploadedFile

from complaints.services import complaint_accept, complaint_resolve, complaint_submit
from tests import factories as f
from tests.communities.test_elections import open_election
from tests.complaints.photo_files import image_bytes, png_bomb

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]

# ANY_INPUT_EXAMPLES=50 for a deeper run by hand.
EXAMPLES = int(os.environ.get("ANY_INPUT_EXAMPLES", "4"))
SETTINGS = settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                    suppress_health_check=list(HealthCheck))

ODD_TEXT = st.sampled_from(["", " ", "\x00", "ctrl\x01\x0b\x1f", "²", "１２３", "9" * 40, "-1", "1e999", "NaN",
                            "2026-02-30", "<script>alert(1)</script>", "'; DROP TABLE x; --", "a" * 5000, "[[[[]]]]"])
TEXT = st.one_of(st.text(max_size=60), ODD_TEXT)
NUMBERS = st.one_of(st.integers(min_value=-(2 ** 70), max_value=2 ** 70), st.integers(min_value=-5, max_value=500),
                    st.floats(allow_nan=False, allow_infinity=False), st.decimals(allow_nan=False, allow_infinity=False,
                                                                                  places=4).map(str), TEXT)
DATES = st.one_of(st.dates().map(datetime.date.isoformat), st.datetimes().map(datetime.datetime.isoformat),
                  st.dates(min_value=datetime.date(2025, 1, 1), max_value=datetime.date(2027, 12, 31)).map(
                      datetime.date.isoformat), st.integers(), TEXT)
ANYTHING = st.one_of(TEXT, NUMBERS, DATES, st.booleans(), st.none(), st.lists(st.integers(), max_size=2))

_PNG = image_bytes("PNG")
ODD_BYTES = st.sampled_from([
    b"", _PNG, image_bytes("JPEG"), image_bytes("WEBP"), image_bytes("GIF"), _PNG[: len(_PNG) // 2],
    png_bomb(), b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", b"\x00" * 64,
    b"GIF89a" + bytes(range(256)), b"\xff\xd8\xff" + b"\x00" * 100])
FILE_NAMES = st.one_of(
    st.sampled_from(["photo.jpg", "photo.png", "a.webp", "x.gif", "noext", ".jpg", "../../etc/passwd.png",
                     "照片.JPG", "a" * 300 + ".png", "photo.jpg.exe"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40))
CONTENT_TYPES = st.sampled_from(["image/jpeg", "image/png", "image/webp", "image/gif", "image/svg+xml",
                                 "application/octet-stream", "text/plain"])
# (name, bytes, content type) of each file sent; SimpleUploadedFile is made per example.
FILES = st.lists(st.tuples(FILE_NAMES, st.one_of(ODD_BYTES, st.binary(max_size=3000)), CONTENT_TYPES), max_size=4)


def uploads(files):
    return [SimpleUploadedFile(name, content, content_type=content_type) for name, content, content_type in files]


# ---------------------------------------------------------------------------
# The API
# ---------------------------------------------------------------------------
def api_routes():
    """(route name, HTTP method, view class, action or None, URL kwargs names) of every writing route of /api/v1/."""
    prefix, api = get_resolver().namespace_dict["api"]
    found = []

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
                continue
            cls = getattr(pattern.callback, "cls", None)
            if cls is None:
                continue
            actions = getattr(pattern.callback, "actions", None)
            methods = actions or {m: None for m in ("post", "put", "patch") if hasattr(cls, m)}
            for method, action in methods.items():
                if method in ("post", "put", "patch"):
                    found.append((pattern.name, method, cls, action, tuple(pattern.pattern.regex.groupindex)))

    walk(api.url_patterns)
    return found


def serializer_for(cls, action, method, user, kwargs):
    """The serializer class the view uses for this action, asked of the view itself."""
    request = getattr(APIRequestFactory(), method)("/")
    view = cls()
    view.action_map = {method: action} if action else {}
    view.action, view.kwargs, view.format_kwarg = action, kwargs, None
    view.request = view.initialize_request(request)
    view.action = action
    view.request.user = user
    view.headers = {}
    try:
        serializer_class = view.get_serializer_class()
    except (AttributeError, AssertionError):
        return None
    try:
        return serializer_class(context={"request": view.request, "view": view})
    except TypeError:
        return serializer_class()


def strategy_for(field):
    if getattr(field, "read_only", False):
        return None
    if isinstance(field, serializers.ListSerializer):
        child = fields_strategy(field.child)
        return st.one_of(st.lists(child, max_size=2), ANYTHING)
    if isinstance(field, serializers.Serializer):
        return st.one_of(fields_strategy(field), ANYTHING)
    if isinstance(field, serializers.ManyRelatedField):
        return st.one_of(st.lists(strategy_for(field.child_relation), max_size=3), ANYTHING)
    if isinstance(field, serializers.RelatedField):
        try:
            known = list(field.get_queryset().values_list("pk", flat=True)[:20])
        except Exception:  # noqa: BLE001 - a queryset needing the request: unknown ids only
            known = []
        if isinstance(field, serializers.SlugRelatedField):
            try:
                known = list(field.get_queryset().values_list(field.slug_field, flat=True)[:20])
            except Exception:  # noqa: BLE001
                known = []
        ids = st.sampled_from(known) if known else st.integers(min_value=1, max_value=50)
        return st.one_of(ids, ids, st.integers(min_value=-(2 ** 70), max_value=2 ** 70), TEXT, st.none())
    if isinstance(field, (serializers.FileField, serializers.ImageField)):
        return None
    if isinstance(field, serializers.ChoiceField):
        return st.one_of(st.sampled_from(list(field.choices) or [""]), TEXT)
    if isinstance(field, serializers.BooleanField):
        return st.one_of(st.booleans(), TEXT)
    if isinstance(field, (serializers.IntegerField, serializers.FloatField, serializers.DecimalField)):
        return NUMBERS
    if isinstance(field, (serializers.DateField, serializers.DateTimeField, serializers.TimeField)):
        return DATES
    if isinstance(field, serializers.ListField):
        child = strategy_for(field.child) or TEXT
        return st.one_of(st.lists(child, max_size=3), ANYTHING)
    if isinstance(field, (serializers.DictField, serializers.JSONField)):
        return st.one_of(st.dictionaries(st.text(max_size=10), TEXT, max_size=3), ANYTHING)
    return st.one_of(TEXT, TEXT, ANYTHING)


def fields_strategy(serializer):
    optional = {}
    for name, field in serializer.fields.items():
        strategy = strategy_for(field)
        if strategy is not None:
            optional[name] = strategy
    return st.fixed_dictionaries({}, optional=optional)


@pytest.fixture
def records(world, district_officer, shuguang_worker):
    """One record of each kind the routes' URLs can point at."""
    open_election(world.shuguang_east, shuguang_worker)
    category = f.CategoryFactory(code="lighting")
    complaint = complaint_submit(complex=world.shuguang_east, category=category, description="楼道灯坏了",
                                 reporter_phone="13812345678")
    f.MemberFactory(committee=f.CommitteeFactory(complex=world.shuguang_complex))
    f.MeetingFactory(community=world.shuguang)
    f.ResolutionFactory()
    f.CrossAppointmentFactory()
    f.InspectionFactory(complex=world.shuguang_east)
    f.SurveyFactory(complex=world.shuguang_east)
    f.FeeCollectionFactory(complex=world.shuguang_east)
    f.CreditEventFactory()
    f.RedProjectFactory()
    f.StationFactory()
    from properties.services import contract_put_under_exit_review, exit_open

    exit_open(actor=district_officer, opened_on=datetime.date(2026, 9, 1), contract=contract_put_under_exit_review(
        actor=district_officer, contract=world.juhe_contract, reason="考评不合格"))
    from communities.services import mediation_open

    mediation_open(actor=shuguang_worker, complex=world.shuguang_east, subject="楼上漏水", description="漏水",
                   opened_on=datetime.date(2026, 10, 1), mediator="王调解员",
                   parties=[{"name": "张阿姨", "side": "resident"}, {"name": "巨和物业", "side": "firm"}])
    # Referrals, red-project applications, funds and training.
    from complaints.models import Department, DepartmentKind, ReferralMatter
    from complaints.services import referral_open
    from partybranches.models import Funding, FundPurpose, FundSource, Training
    from partybranches.services import application_submit

    city = Department.objects.create(name="官渡区城市管理局", kind=DepartmentKind.URBAN_MANAGEMENT, reply_days=10)
    referral_open(actor=shuguang_worker, complaint=complaint, department=city, matter=ReferralMatter.ILLEGAL_BUILDING,
                  summary="请城管部门查处违建", referred_on=datetime.date(2026, 11, 20))
    application_submit(actor=shuguang_worker, community=world.shuguang, complex=world.shuguang_east,
                       name="红管家进楼栋", summary="每名红管家联系十户居民", materials="申报书",
                       submitted_on=datetime.date(2026, 11, 2))
    Funding.objects.create(community=world.shuguang, source=FundSource.values[0], amount=10000,
                           purpose=FundPurpose.values[0], granted_on=datetime.date(2026, 6, 1))
    Training.objects.create(community=world.shuguang, course="物业服务规范", held_on=datetime.date(2026, 6, 1),
                            firm_staff=3)
    return {"complaint": complaint}


def url_kwargs(cls, names, records):
    values = {}
    for name in names:
        if name == "pk":
            model = cls.queryset.model
            pk = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
            if pk is None:
                return None
            values[name] = pk
        elif name == "tracking_code":
            values[name] = records["complaint"].tracking_code
        else:
            return None
    return values


def test_any_value_in_any_api_field_is_a_clear_4xx_or_a_save(superuser, records):
    client = APIClient()
    client.force_authenticate(superuser)
    covered, missing = [], []
    for name, method, cls, action, names in api_routes():
        kwargs = url_kwargs(cls, names, records) if names else {}
        if kwargs is None:
            missing.append(name)
            continue
        url = reverse(f"api:{name}", kwargs=kwargs)
        serializer = serializer_for(cls, action, method, superuser, kwargs)
        data = fields_strategy(serializer) if serializer is not None else st.dictionaries(st.text(max_size=10), ANYTHING)

        @SETTINGS
        @given(body=data)
        def check(body):
            with transaction.atomic():
                response = getattr(client, method)(url, json.loads(json.dumps(body, default=str)), format="json")
                transaction.set_rollback(True)
            assert response.status_code < 500, (method, url, body, response.content[:500])
            if response.status_code >= 400:
                error = response.json()
                assert error["code"] and error["detail"], (method, url, body, error)

        check()
        covered.append((method, url))
    assert not missing, f"no record for the URLs of {missing}: add one to `records`"
    assert len(covered) >= 20, covered  # the walk found the API's writing routes


def multipart_routes():
    """(method, path, {field: OpenAPI property}, file field names) of every API route whose
    documented body is multipart/form-data with a file (`format: binary`) in it."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema.get("components", {}).get("schemas", {})
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("multipart/form-data")
            if not body:
                continue
            ref = body["schema"].get("$ref", "")
            properties = components.get(ref.rsplit("/", 1)[-1], body["schema"]).get("properties", {})
            files = [name for name, prop in properties.items()
                     if prop.get("format") == "binary" or prop.get("items", {}).get("format") == "binary"]
            if files:
                found.append((method, path, properties, files))
    return found


def property_strategy(prop):
    if prop.get("readOnly"):
        return None
    if prop.get("enum"):
        return st.one_of(st.sampled_from(prop["enum"]), TEXT)
    kind = prop.get("type")
    if kind in ("integer", "number"):
        return NUMBERS
    if kind == "boolean":
        return st.one_of(st.booleans(), TEXT)
    if kind == "array":
        return st.one_of(st.lists(TEXT, max_size=3), ANYTHING)
    return st.one_of(TEXT, ANYTHING)


def as_form_value(value):
    if isinstance(value, (list, tuple)):
        return [as_form_value(v) for v in value]
    if isinstance(value, dict):
        return json.dumps(value, default=str)
    return "" if value is None else str(value)


def test_any_file_in_any_api_file_field_is_a_clear_4xx_or_a_save(world, superuser, records, settings):
    settings.PORTAL_RATE_LIMIT_PER_IP = "100000/hour"
    settings.PORTAL_RATE_LIMIT_PER_PHONE = "100000/day"
    # Valid values for the other fields, often, so that the files are what the request stands on.
    plausible = {"complex": world.shuguang_east.pk, "category": records["complaint"].category.code,
                 "description": "楼道灯坏了", "note": "已更换灯泡", "reporter_phone": "13812345678"}
    client = APIClient()
    client.force_authenticate(superuser)
    covered = []
    for method, path, properties, files in multipart_routes():
        # The routes that take files act on complaints: the one at hand.
        url = re.sub(r"\{[^}]+\}", str(records["complaint"].pk), path)
        others = {}
        for name, prop in properties.items():
            strategy = property_strategy(prop) if name not in files else None
            if strategy is not None:
                good = st.just(plausible[name]) if name in plausible else strategy
                others[name] = st.one_of(good, good, good, strategy)

        @SETTINGS
        @given(body=st.fixed_dictionaries({}, optional=others), sent=st.fixed_dictionaries({n: FILES for n in files}))
        def check(body, sent):
            data = {key: as_form_value(value) for key, value in body.items()}
            data.update({key: uploads(chosen) for key, chosen in sent.items()})
            with transaction.atomic():
                response = getattr(client, method)(url, data, format="multipart")
                transaction.set_rollback(True)
            assert response.status_code < 500, (method, url, body, sent, response.content[:500])
            if response.status_code >= 400:
                error = response.json()
                assert error["code"] and error["detail"], (method, url, body, error)

        check()
        covered.append(resolve(url).url_name)
    # Filing (staff and public) and resolving take photos.
    assert {"complaint-list", "public-complaint-create", "complaint-resolve"} <= set(covered), covered


# ---------------------------------------------------------------------------
# The pages: portal and workbench forms
# ---------------------------------------------------------------------------
class Forms(HTMLParser):
    """The POST forms of a page: action, and each named field's type and offered values."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.form = None
        self.select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self.form = {"action": a.get("action") or "", "fields": {}, "hidden": {}, "files": []}
            self.forms.append(self.form)
        if self.form is None or not a.get("name"):
            if tag == "option" and self.select is not None and a.get("value") is not None:
                self.select["options"].append(a["value"])
            return
        name = a["name"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind == "hidden":
                self.form["hidden"][name] = a.get("value", "")
            elif kind == "file":
                self.form["files"].append(name)
            elif kind in ("submit", "button", "image", "reset"):
                return
            else:
                self.form["fields"].setdefault(name, {"type": kind, "options": []})
                if kind in ("checkbox", "radio") and a.get("value") is not None:
                    self.form["fields"][name]["options"].append(a["value"])
        elif tag == "textarea":
            self.form["fields"][name] = {"type": "textarea", "options": []}
        elif tag == "select":
            self.select = self.form["fields"][name] = {"type": "select", "options": []}

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        if tag == "select":
            self.select = None


def value_for(field):
    kind, options = field["type"], field["options"]
    offered = [st.sampled_from(options)] if options else []
    if kind == "number":
        return st.one_of(*offered, NUMBERS).map(str)
    if kind in ("date", "datetime-local", "month", "time"):
        return st.one_of(*offered, DATES).map(str)
    if kind in ("select", "checkbox", "radio"):
        return st.one_of(*offered, *offered, TEXT).map(str)
    return st.one_of(*offered, TEXT).map(str)


def page_forms(client, url):
    response = client.get(url)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return []
    parser = Forms()
    parser.feed(response.content.decode())
    forms = []
    for form in parser.forms:
        target = urljoin(url, form["action"]) if form["action"] else url
        if urlsplit(target).netloc or "/i18n/" in target or "logout" in target:
            continue
        forms.append((target, form))
    return forms


def pages(namespace, records):
    """The GET URLs of a namespace's pages, their arguments taken from the records at hand."""
    _prefix, resolver = get_resolver().namespace_dict[namespace]
    found = []

    def walk(patterns, names):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, names + ([pattern.namespace] if pattern.namespace else []))
            elif isinstance(pattern, URLPattern) and pattern.name:
                found.append((":".join([namespace, *names, pattern.name]), tuple(pattern.pattern.regex.groupindex)))

    walk(resolver.url_patterns, [])
    urls = []
    complaint = records["complaint"]
    for name, kwargs_names in found:
        kwargs = {}
        for arg in kwargs_names:
            if arg == "code":
                kwargs[arg] = complaint.tracking_code
            elif arg == "pk":
                kwargs = None
                break
            elif arg == "action":
                kwargs = None
                break
        if kwargs is not None:
            urls.append(reverse(name, kwargs=kwargs))
    # Of the pages about one record, the complaint's (the workbench's most used form).
    urls += [reverse("workbench:complaints:detail", kwargs={"pk": complaint.pk})] if namespace == "workbench" else []
    return urls


def check_forms(client, urls, minimum):
    """Post hypothesis' values to every POST form of the pages; returns the forms' targets, and
    those of the forms with a file input."""
    covered, with_files = [], []
    for url in urls:
        for target, form in page_forms(client, url):
            fields = {name: value_for(field) for name, field in form["fields"].items()}
            files = {name: FILES for name in form["files"]}

            @SETTINGS
            @given(data=st.fixed_dictionaries({}, optional=fields), sent=st.fixed_dictionaries({}, optional=files))
            def check(data, sent):
                body = {**form["hidden"], **data, **{name: uploads(f) for name, f in sent.items()}}
                with transaction.atomic():
                    response = client.post(target, body)
                    transaction.set_rollback(True)
                assert response.status_code < 500, (target, data, sent, response.content[:500])

            check()
            covered.append(target)
            if form["files"]:
                with_files.append(target)
    assert len(covered) >= minimum, covered
    return covered, with_files


def test_any_value_in_any_portal_form_is_a_clear_4xx_or_a_save(world, records, settings, shuguang_worker):
    settings.PORTAL_RATE_LIMIT_PER_IP = "100000/hour"
    settings.PORTAL_RATE_LIMIT_PER_PHONE = "100000/day"
    # The resident of a resolved report: its page offers the rating and reopening forms.
    resolved = complaint_submit(complex=world.shuguang_east, category=records["complaint"].category,
                                description="门禁坏了", reporter_phone="13912345678")
    complaint_accept(complaint=resolved, actor=shuguang_worker)
    complaint_resolve(complaint=resolved, actor=shuguang_worker, note="已修好门禁")
    client = Client()
    assert client.post(reverse("portal:track"), {"code": resolved.tracking_code, "phone_tail": "5678"}).status_code == 302
    page = reverse("portal:complaint", kwargs={"code": resolved.tracking_code})
    covered, with_files = check_forms(client, [*pages("portal", records), page], minimum=4)
    assert reverse("portal:rate", kwargs={"code": resolved.tracking_code}) in covered
    assert reverse("portal:reopen", kwargs={"code": resolved.tracking_code}) in covered
    assert reverse("portal:submit") in with_files  # the photo upload


def test_any_value_in_any_workbench_form_is_a_clear_4xx_or_a_save(world, records, shuguang_worker):
    client = Client()
    client.force_login(shuguang_worker)
    _covered, with_files = check_forms(client, pages("workbench", records), minimum=5)
    assert with_files, "no workbench form with a file input was read"
