"""The residents' portal through Django's test client: the picker, submission, every refusal
(which saves nothing), tracking with the phone tail, rating and reopening."""
from __future__ import annotations

import datetime
import io
import re
import uuid
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from complaints.models import Attachment, Complaint, ComplaintEvent, Status
from complaints.services import complaint_accept, complaint_resolve, complaint_submit
from tests import factories as f
from tests.complaints.photo_files import GPS_IFD, image_bytes, jpeg_with_gps, png_bomb, upload
from tests.conftest import in_english
from tests.instants import pinned

pytestmark = pinned  # overdue rows and deadlines at a fixed instant

SUBMIT = reverse("portal:submit")
TRACK = reverse("portal:track")
PHONE = "138 1234 5678"


@pytest.fixture(autouse=True)
def _fresh_rate_limits(db):
    """Rate limits count in the cache (a database table by default); each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def resident():
    """A resident's phone browser, reading English (messages are asserted in English)."""
    return in_english(Client())


@pytest.fixture
def category(db):
    return f.CategoryFactory(code="shared-facilities")


def report(world, category, **overrides):
    data = {
        "complex": world.shuguang_complex.pk,
        "category": category.pk,
        "description": "5栋3楼楼道灯坏了一周",
        "location_detail": "5栋2单元",
        "reporter_name": "王阿姨",
        "reporter_phone": PHONE,
        "reporter_email": "",
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def counts():
    return Complaint.objects.count(), Attachment.objects.count()


def messages_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def filed(world, category, *, phone="13812345678", description="单元门禁坏了", complex=None):
    """A complaint filed through the service, as another channel would."""
    return complaint_submit(complex=complex or world.shuguang_east, category=category, description=description,
                            reporter_phone=phone)


def track(client, code, tail=""):
    return client.post(TRACK, {"code": code, "phone_tail": tail})


# ---------------------------------------------------------------------------
# Pages and the complex picker
# ---------------------------------------------------------------------------
def test_home_links_to_reporting_and_tracking(resident, db):
    page = resident.get(reverse("portal:home"))
    assert page.status_code == 200
    assert SUBMIT in page.content.decode() and TRACK in page.content.decode()


def test_chinese_is_the_default_and_english_is_selectable(world):
    page = Client().get(SUBMIT)
    assert '<html lang="zh-hans">' in page.content.decode()

    browser = Client()
    browser.post(reverse("set_language"), {"language": "en", "next": SUBMIT})
    assert '<html lang="en">' in browser.get(SUBMIT).content.decode()


def test_form_lists_every_complex_grouped_by_community(resident, world, category):
    page = messages_of(resident.get(SUBMIT))
    assert '<optgroup label="太和街道 · 曙光社区">' in page
    assert '<optgroup label="金马街道 · 和平路社区">' in page
    for name in ("曙光小区", "曙光东苑", "和乐居"):
        assert name in page
    assert 'name="website"' in page and 'csrfmiddlewaretoken' in page
    assert '<meta name="viewport"' in page


def test_picker_partial_cascades_subdistrict_to_communities_and_complexes(resident, world):
    page = messages_of(resident.get(reverse("portal:place"), {"subdistrict": world.taihe.pk}))
    assert "曙光社区" in page and "曙光小区" in page and "曙光东苑" in page
    assert "和平路社区" not in page and "和乐居" not in page

    # A community of another subdistrict is ignored rather than trusted.
    page = messages_of(resident.get(reverse("portal:place"),
                                    {"subdistrict": world.taihe.pk, "community": world.hepinglu.pk}))
    assert "和乐居" not in page and "曙光小区" in page


def test_picker_search_without_javascript_is_a_plain_get(resident, world):
    page = messages_of(resident.get(SUBMIT, {"q": "和乐"}))
    assert "和乐居" in page
    assert "曙光小区" not in page
    assert 'form="place-filter"' in page and "<noscript>" in page


def test_complex_can_be_preselected_by_link(resident, world):
    page = messages_of(resident.get(SUBMIT, {"complex": world.heleju.pk}))
    assert f'<option value="{world.heleju.pk}" selected>和乐居</option>' in page


@pytest.mark.parametrize("extra", [0, 48])
def test_form_query_count_does_not_grow_with_complexes(resident, world, category, django_assert_num_queries, extra):
    for n in range(extra):
        f.ComplexFactory(community=world.shuguang if n % 2 else world.hepinglu, name=f"新小区{n}")
    # subdistricts, communities, complexes (with community and subdistrict), categories
    with django_assert_num_queries(4):
        page = resident.get(SUBMIT)
    assert page.content.decode().count("<option value=") >= 3 + extra
    # The htmx partial: subdistricts, communities, complexes.
    with django_assert_num_queries(3):
        partial = resident.get(reverse("portal:place"), {"q": "小区"})
    assert partial.content.decode().count("<option value=") >= 1 + extra // 2


# ---------------------------------------------------------------------------
# Submission
# ---------------------------------------------------------------------------
def test_submit_with_a_photo_shows_the_tracking_code(resident, world, category):
    response = resident.post(SUBMIT, report(world, category, photos=[upload(image_bytes("JPEG"))]))

    assert response.status_code == 302 and response["Location"] == reverse("portal:submitted")
    complaint = Complaint.objects.get()
    assert complaint.reporter_phone == "13812345678"
    assert complaint.complex == world.shuguang_complex and complaint.channel == "portal"
    assert complaint.attachments.count() == 1
    page = messages_of(resident.get(response["Location"]))
    assert f'id="tracking-code">{complaint.tracking_code}<' in page
    # The code is the resident's: this session may follow it at once.
    detail = messages_of(resident.get(reverse("portal:complaint", args=[complaint.tracking_code])))
    assert "5栋3楼楼道灯坏了一周" in detail


def test_uploaded_photo_has_no_gps_or_exif(resident, world, category):
    resident.post(SUBMIT, report(world, category, photos=[upload(jpeg_with_gps())]))

    attachment = Attachment.objects.get()
    with attachment.image.open("rb") as stored:
        image = Image.open(io.BytesIO(stored.read()))
    assert dict(image.getexif()) == {} and not image.getexif().get_ifd(GPS_IFD)
    assert "exif" not in image.info
    assert re.fullmatch(r"complaints/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", attachment.image.name)


def test_anonymous_report_without_contact_details(resident, world, category):
    data = report(world, category, reporter_name="", reporter_phone="", is_anonymous="on")
    assert resident.post(SUBMIT, data).status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.is_anonymous and complaint.reporter_phone == ""


def test_submitted_page_without_a_submission_goes_home(resident, db):
    response = resident.get(reverse("portal:submitted"))
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")


BAD_INPUTS = {
    "oversized image": ({"photos": lambda: [upload(image_bytes("JPEG") + b"\0" * (5 * 1024 * 1024))]},
                        "Photo 1: The photo is larger than 5.0"),
    "fake image": ({"photos": lambda: [upload(b"just some text, not a picture\n" * 20, name="cat.jpg")]},
                   "Photo 1: The file is not a photo we can read"),
    "decompression bomb": ({"photos": lambda: [upload(png_bomb(), name="bomb.png", content_type="image/png")]},
                           "Photo 1: The photo&#x27;s dimensions are too large."),
    "four photos": ({"photos": lambda: [upload(image_bytes("JPEG")) for _ in range(4)]},
                    "You can send at most 3 photos."),
    "over-long text": ({"description": "长" * 2001}, "at most 2000 characters"),
    "empty description": ({"description": "   "}, "This field is required."),
    "bad phone": ({"reporter_phone": "12345"}, "Enter a valid Chinese mobile or landline number."),
    "bad email": ({"reporter_email": "wang@"}, "Enter a valid email address."),
    "no complex": ({"complex": ""}, "Choose your residential complex."),
    "unknown complex": ({"complex": "999999"}, "Choose your residential complex from the list."),
}


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_each_bad_input_gives_its_message_and_saves_nothing(resident, world, category, case):
    overrides, message = BAD_INPUTS[case]
    overrides = {key: value() if callable(value) else value for key, value in overrides.items()}
    before = counts()

    response = resident.post(SUBMIT, report(world, category, **overrides))

    assert response.status_code == 400
    assert message in messages_of(response)
    assert counts() == before
    assert not ComplaintEvent.objects.exists()


def test_honeypot_is_refused_quietly(resident, world, category):
    response = resident.post(SUBMIT, report(world, category, website="http://spam.example"))

    assert response.status_code == 400
    page = messages_of(response)
    assert "Your report could not be sent. Please try again later." in page
    assert counts() == (0, 0)


def test_csrf_is_required(world, category):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(SUBMIT, report(world, category)).status_code == 403
    assert counts() == (0, 0)


def test_rate_limit_per_ip(resident, world, category, settings):
    settings.PORTAL_RATE_LIMIT_PER_IP = "2/hour"
    for n in range(2):
        assert resident.post(SUBMIT, report(world, category, reporter_phone=f"1391234000{n}")).status_code == 302

    response = resident.post(SUBMIT, report(world, category, reporter_phone="13912340009"))

    assert response.status_code == 429
    assert "Too many reports have been sent from this network" in messages_of(response)
    assert counts() == (2, 0)
    # Another network is not affected.
    other = in_english(Client(REMOTE_ADDR="10.1.2.3"))
    assert other.post(SUBMIT, report(world, category, reporter_phone="13912340009")).status_code == 302


def test_rate_limit_per_phone_across_networks(world, category, settings):
    settings.PORTAL_RATE_LIMIT_PER_PHONE = "1/day"
    first = in_english(Client(REMOTE_ADDR="10.0.0.1"))
    second = in_english(Client(REMOTE_ADDR="10.0.0.2"))
    assert first.post(SUBMIT, report(world, category)).status_code == 302

    response = second.post(SUBMIT, report(world, category, reporter_phone="+86 138-1234-5678"))

    assert response.status_code == 429
    assert "Too many reports have been sent with this phone number" in messages_of(response)
    assert Complaint.objects.count() == 1
    # The phone number is never a cache key, even in part.
    with connection.cursor() as cursor:  # the database cache's table (no REDIS_URL in tests)
        cursor.execute("SELECT cache_key FROM django_cache")
        keys = [row[0] for row in cursor.fetchall()]
    assert keys and not any("1381234" in key or "5678" in key for key in keys)


def test_rate_limits_are_shared_through_redis(resident, world, category, settings):
    """With REDIS_URL set, every web process counts in the same Redis."""
    import redis

    location, prefix = "redis://127.0.0.1:6379/15", f"test-portal-{uuid.uuid4().hex}"
    server = redis.Redis.from_url(location)
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": location, "KEY_PREFIX": prefix}}
    settings.PORTAL_RATE_LIMIT_PER_PHONE = "1/day"
    try:
        assert resident.post(SUBMIT, report(world, category)).status_code == 302
        other = in_english(Client(REMOTE_ADDR="10.9.9.9"))
        assert other.post(SUBMIT, report(world, category)).status_code == 429

        keys = [key.decode() for key in server.keys(f"{prefix}*")]
        assert any(":ratelimit:submit-phone:" in key for key in keys)
        assert not any("13812345678" in key or "5678" in key for key in keys)
    finally:
        for key in server.keys(f"{prefix}*"):  # not cache.clear(): that would flush the whole database
            server.delete(key)
    assert Complaint.objects.count() == 1


@pytest.mark.parametrize("text", ["10", "ten/hour", "10/fortnight", "10/hour/2"])
def test_a_bad_rate_limit_setting_fails_loudly(text):
    from django.core.exceptions import ImproperlyConfigured

    from complaints.ratelimit import Rate

    with pytest.raises(ImproperlyConfigured):
        Rate.parse(text)
    assert Rate.parse("5/day") == Rate(limit=5, seconds=86400)


# ---------------------------------------------------------------------------
# Tracking
# ---------------------------------------------------------------------------
def test_code_and_phone_tail_show_the_report(resident, world, category):
    complaint = filed(world, category)

    response = track(resident, complaint.tracking_code.lower().replace("-", " "), "5678")

    assert response.status_code == 302
    detail = resident.get(response["Location"])
    assert "no-store" in detail["Cache-Control"]
    page = messages_of(detail)
    assert "单元门禁坏了" in page
    assert 'id="complaint-handler">巨和物业<' in page  # routed to the firm of 曙光东苑
    assert "Submitted" in page


def test_report_page_hides_internal_events_and_contact_details(resident, world, category):
    complaint = complaint_submit(complex=world.shuguang_east, category=category, description="单元门禁坏了",
                                 reporter_name="王阿姨", reporter_phone="13812345678", reporter_email="wang@example.org")
    f.ComplaintEventFactory(complaint=complaint, action="overdue", note="内部备注：物业未接电话", is_public=False,
                            to_status=Status.SUBMITTED)
    track(resident, complaint.tracking_code, "5678")

    page = messages_of(resident.get(reverse("portal:complaint", args=[complaint.tracking_code])))

    assert "内部备注" not in page
    assert "单元门禁坏了" in page
    assert "13812345678" not in page and "王阿姨" not in page and "wang@example.org" not in page


def test_wrong_tail_and_unknown_code_get_the_same_answer(resident, world, category):
    complaint = filed(world, category)
    wrong_tail = track(resident, complaint.tracking_code, "1234")
    unknown = track(resident, "2345-6789A", "5678")
    no_tail = track(resident, complaint.tracking_code, "")

    assert wrong_tail.status_code == unknown.status_code == no_tail.status_code == 404
    message = "We found no report with this tracking code and phone number."
    assert message in messages_of(wrong_tail) and message in messages_of(unknown)
    strip_token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|value="[^"]*"')
    assert strip_token.sub("", messages_of(wrong_tail)) == strip_token.sub("", messages_of(unknown))
    # Nothing was granted: the report page sends the visitor back to the look-up.
    page = resident.get(reverse("portal:complaint", args=[complaint.tracking_code]))
    assert page.status_code == 302 and page["Location"].startswith(TRACK)


def test_tail_is_never_put_in_a_url(resident, world, category):
    complaint = filed(world, category)
    response = track(resident, complaint.tracking_code, "5678")
    assert "5678" not in response["Location"]
    assert resident.get(TRACK, {"phone_tail": "5678"}).status_code == 200  # ignored on GET


def test_report_without_phone_shows_only_its_public_timeline(resident, world, category):
    complaint = filed(world, category, phone="", description="私密描述")

    response = track(resident, complaint.tracking_code)

    assert response.status_code == 302
    page = messages_of(resident.get(response["Location"]))
    assert "私密描述" not in page and "曙光东苑" not in page
    assert "only its progress is shown" in page
    assert 'id="timeline"' in page and "Submitted" in page


def test_access_to_one_report_does_not_open_another(resident, world, category):
    mine = filed(world, category, description="我的诉求")
    theirs = filed(world, category, phone="13900001111", description="和平路的诉求", complex=world.heleju)
    track(resident, mine.tracking_code, "5678")

    page = resident.get(reverse("portal:complaint", args=[theirs.tracking_code]))
    assert page.status_code == 302
    assert "和平路的诉求" not in messages_of(resident.get(reverse("portal:complaint", args=[mine.tracking_code])))
    # Nor with the first report's tail.
    assert track(resident, theirs.tracking_code, "5678").status_code == 404


def test_resident_text_is_escaped_on_the_tracking_page(resident, world, category):
    script = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    resident.post(SUBMIT, report(world, category, description=script, location_detail="<b>5栋</b>"))
    complaint = Complaint.objects.get()
    assert complaint.description == script  # stored as written

    page = resident.get(reverse("portal:complaint", args=[complaint.tracking_code])).content.decode()

    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>5栋</b>" not in page


def test_due_date_is_shown_in_beijing_time(resident, world, category):
    complaint = filed(world, category)
    Complaint.objects.filter(pk=complaint.pk).update(
        due_resolve_at=datetime.datetime(2026, 12, 3, 16, 30, tzinfo=datetime.timezone.utc)
    )
    track(resident, complaint.tracking_code, "5678")
    page = messages_of(resident.get(reverse("portal:complaint", args=[complaint.tracking_code])))
    assert 'id="complaint-due">2026-12-04 00:30<' in page


def test_tracking_lookups_are_rate_limited(resident, world, category):
    complaint = filed(world, category)
    for tail in range(30):
        track(resident, complaint.tracking_code, f"{tail:04d}")

    response = track(resident, complaint.tracking_code, "5678")

    assert response.status_code == 429
    assert "Too many look-ups" in messages_of(response)


@pytest.mark.parametrize("extra_events", [0, 48])
def test_report_page_query_count_does_not_grow_with_events(resident, world, category, extra_events,
                                                           django_assert_num_queries):
    complaint = filed(world, category)
    f.ComplaintEventFactory.create_batch(extra_events, complaint=complaint, action="escalate",
                                         to_status=Status.SUBMITTED, created_at=timezone.now())
    track(resident, complaint.tracking_code, "5678")
    url = reverse("portal:complaint", args=[complaint.tracking_code])
    # session, complaint with its relations, public events, public photos
    with django_assert_num_queries(4):
        page = resident.get(url)
    assert page.content.decode().count("<li>") == 1 + extra_events


# ---------------------------------------------------------------------------
# Rating and "not fixed"
# ---------------------------------------------------------------------------
@pytest.fixture
def resolved(world, category, juhe_firm_staff):
    complaint = filed(world, category)
    complaint_accept(complaint=complaint, actor=juhe_firm_staff)
    complaint_resolve(complaint=complaint, actor=juhe_firm_staff, note="已更换门禁电源")
    return complaint


def test_resolved_report_is_rated_once(resident, resolved):
    code = resolved.tracking_code
    track(resident, code, "5678")
    page = messages_of(resident.get(reverse("portal:complaint", args=[code])))
    assert 'id="rate-form"' in page and "已更换门禁电源" in page

    response = resident.post(reverse("portal:rate", args=[code]), {"rating": "4", "comment": "修得很快"}, follow=True)

    resolved.refresh_from_db()
    assert (resolved.status, resolved.rating, resolved.rating_comment) == (Status.CLOSED, 4, "修得很快")
    page = messages_of(response)
    assert "Thank you for your rating." in page and 'id="rate-form"' not in page and 'id="reopen-form"' not in page

    again = resident.post(reverse("portal:rate", args=[code]), {"rating": "1"}, follow=True)
    resolved.refresh_from_db()
    assert resolved.rating == 4
    assert ComplaintEvent.objects.filter(complaint=resolved, action="rate").count() == 1
    assert 'id="rate-form"' not in messages_of(again)


def test_rating_needs_a_score(resident, resolved):
    track(resident, resolved.tracking_code, "5678")
    response = resident.post(reverse("portal:rate", args=[resolved.tracking_code]), {"rating": "9"})
    assert response.status_code == 400
    assert "Select a valid choice." in messages_of(response)
    resolved.refresh_from_db()
    assert resolved.rating is None and resolved.status == Status.RESOLVED


def test_not_fixed_reopens_the_report(resident, resolved):
    track(resident, resolved.tracking_code, "5678")

    response = resident.post(reverse("portal:reopen", args=[resolved.tracking_code]), {"note": "晚上还是不亮"},
                             follow=True)

    resolved.refresh_from_db()
    assert resolved.status == Status.REOPENED and resolved.reopened_count == 1
    page = messages_of(response)
    assert "Your report is open again." in page and "晚上还是不亮" in page and 'id="rate-form"' not in page


def test_feedback_needs_access_to_the_report(resident, resolved):
    response = resident.post(reverse("portal:rate", args=[resolved.tracking_code]), {"rating": "1"})
    assert response.status_code == 302 and response["Location"].startswith(TRACK)
    resolved.refresh_from_db()
    assert resolved.rating is None


def test_no_feedback_forms_before_resolution(resident, world, category):
    complaint = filed(world, category)
    track(resident, complaint.tracking_code, "5678")
    page = messages_of(resident.get(reverse("portal:complaint", args=[complaint.tracking_code])))
    assert 'id="rate-form"' not in page
    response = resident.post(reverse("portal:rate", args=[complaint.tracking_code]), {"rating": "5"}, follow=True)
    assert "not possible while the complaint is" in messages_of(response)
    complaint.refresh_from_db()
    assert complaint.rating is None and complaint.status == Status.SUBMITTED


class _ReportFormFields(HTMLParser):
    """What a browser sends with the report form (#report-form): its own inputs, selects and
    textareas, leaving out those that belong to another form through a `form` attribute."""

    def __init__(self):
        super().__init__()
        self.fields, self._depth, self._select = {}, 0, None

    def _owned(self, attrs):
        return attrs.get("form", "report-form" if self._depth else None) == "report-form"

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == "report-form":
            self._depth = 1
        elif tag == "input" and self._owned(attrs) and attrs.get("name") and attrs.get("type") not in {"file", "checkbox"}:
            self.fields[attrs["name"]] = attrs.get("value") or ""
        elif tag == "select":
            self._select = attrs.get("name") if self._owned(attrs) else None
            if self._select:
                self.fields[self._select] = ""
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._depth = 0
        elif tag == "select":
            self._select = None


def _selected(html, select_id):
    select = re.search(rf'<select id="{select_id}".*?</select>', html, re.S).group(0)
    chosen = re.search(r'<option value="([^"]*)" selected>', select)
    return chosen.group(1) if chosen else ""


def test_a_report_sent_back_with_an_error_keeps_the_chosen_filters(resident, world, category):
    """The resident narrowed the list to 金马街道 · 和平路社区, forgot the description and sent it:
    the page comes back with the same filters and the short list, not 全部 and every complex."""
    page = resident.get(SUBMIT, {"subdistrict": world.jinma.pk, "community": world.hepinglu.pk})
    form = _ReportFormFields()
    form.feed(page.content.decode())
    sent = {**form.fields, "complex": world.heleju.pk, "category": category.pk, "description": ""}

    response = resident.post(SUBMIT, sent)

    html = response.content.decode()
    assert response.status_code == 400 and "This field is required." in html
    assert _selected(html, "f-subdistrict") == str(world.jinma.pk)
    assert _selected(html, "f-community") == str(world.hepinglu.pk)
    assert _selected(html, "id_complex") == str(world.heleju.pk)
    assert "和乐居" in html and "曙光小区" not in html
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("url", ["/portal/", "/portal/new/", "/portal/track/", "/portal/new/place/"])
def test_portal_pages_answer_head_requests(resident, db, url):
    assert resident.head(url).status_code == 200


def test_favicon_is_served(resident, db):
    response = resident.get("/favicon.ico")
    assert response.status_code == 302
    icon = finders.find(response["Location"].removeprefix(settings.STATIC_URL))
    assert icon and Image.open(icon).format == "ICO"
