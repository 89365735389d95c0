"""The Simplified Chinese translation: complete, consistent with its English source, compiled,
and what a user gets by default (English when the browser or the language switch asks for it)."""
from __future__ import annotations

import gettext
import re
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from properties.models import PropertyFirm
from tests import factories as f

LOCALE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"

# printf-style placeholders as Python formats them (%(name)s, %d, %s, %%) and str.format's {name}.
PERCENT = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]")
BRACE = re.compile(r"\{[^{}]*\}")


def _unquote(line: str) -> str:
    return line[line.index('"') + 1 : line.rindex('"')].encode("raw_unicode_escape").decode("unicode_escape")


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgctxt, msgid, msgid_plural, msgstr (list: [msgstr] or the
    plural forms in order), flags and the source line; obsolete (#~) entries are left out."""
    entries, entry, field = [], None, None

    def finish():
        if entry is not None and "msgid" in entry:
            entries.append(entry)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if entry is not None and "msgid" in entry and field and field.startswith("msgstr"):
                finish()
                entry, field = None, None
            entry = entry or {"flags": set(), "msgstr": {}, "line": number}
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            continue
        keyword = line.split(" ", 1)[0]
        if keyword.startswith(("msgctxt", "msgid", "msgstr")):
            if keyword in ("msgctxt", "msgid") and entry is not None and field and field.startswith("msgstr"):
                finish()
                entry = None
            entry = entry or {"flags": set(), "msgstr": {}, "line": number}
            field = keyword
            text = _unquote(line)
            if keyword.startswith("msgstr"):
                index = int(keyword[7:-1]) if "[" in keyword else 0
                entry["msgstr"][index] = text
            else:
                entry[keyword] = text
        elif line.startswith('"'):
            text = _unquote(line)
            if field.startswith("msgstr"):
                index = int(field[7:-1]) if "[" in field else 0
                entry["msgstr"][index] += text
            else:
                entry[field] += text
    finish()
    for item in entries:
        item["msgstr"] = [item["msgstr"][i] for i in sorted(item["msgstr"])]
    return entries


@pytest.fixture(scope="module")
def catalogue() -> list[dict]:
    return parse_po(LOCALE / "django.po")


def _messages(catalogue):
    return [entry for entry in catalogue if entry["msgid"]]


def _label(entry) -> str:
    return f"django.po line {entry['line']}: {entry['msgid']!r}"


def placeholders(text: str) -> Counter:
    return Counter(PERCENT.findall(text)) + Counter(BRACE.findall(text))


def test_the_catalogue_is_read(catalogue):
    """A broken parser would make every other check vacuous."""
    by_id = {entry["msgid"]: entry for entry in catalogue}
    assert len(_messages(catalogue)) > 500
    assert by_id["Red Property platform"]["msgstr"] == ["红色物业平台"]
    plural = next(entry for entry in catalogue if entry.get("msgid_plural"))
    assert len(plural["msgstr"]) == 1 and plural["msgstr"][0]


def test_header_declares_chinese_with_one_plural_form(catalogue):
    header = next(entry for entry in catalogue if entry["msgid"] == "")
    assert "fuzzy" not in header["flags"]
    assert "Plural-Forms: nplurals=1; plural=0;" in header["msgstr"][0]
    assert "charset=UTF-8" in header["msgstr"][0]


def test_every_message_is_translated_and_none_is_fuzzy(catalogue):
    untranslated = [_label(e) for e in _messages(catalogue) if not e["msgstr"] or not all(s.strip() for s in e["msgstr"])]
    fuzzy = [_label(e) for e in _messages(catalogue) if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []


def test_translations_keep_the_placeholders(catalogue):
    wrong = []
    for entry in _messages(catalogue):
        expected = placeholders(entry["msgid"])
        if entry.get("msgid_plural"):
            # The single Chinese form stands for the plural; it must name what the plural names.
            expected = placeholders(entry["msgid_plural"])
        for text in entry["msgstr"]:
            if placeholders(text) != expected:
                wrong.append(f"{_label(entry)} → {text!r}")
    assert wrong == []


def test_translations_are_chinese(catalogue):
    """Every translation but a few proper names contains Chinese characters or punctuation, so
    an English text copied over as its own 'translation' is caught."""
    kept_as_is = {"English", "Open311"}
    copied = [_label(e) for e in _messages(catalogue) if e["msgid"] not in kept_as_is and not any(
        "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"
        for text in e["msgstr"] for ch in text
    )]
    assert copied == []


def test_the_compiled_catalogue_matches_the_source(catalogue):
    """The committed .mo is what Django reads; a .po edited without compilemessages would not be seen."""
    with open(LOCALE / "django.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog
    stale = []
    for entry in _messages(catalogue):
        msgid = entry["msgid"] if "msgctxt" not in entry else f"{entry['msgctxt']}\x04{entry['msgid']}"
        key = (msgid, 0) if entry.get("msgid_plural") else msgid
        if compiled.get(key) != entry["msgstr"][0]:
            stale.append(_label(entry))
    assert stale == []


# ---------------------------------------------------------------------------
# What people see
# ---------------------------------------------------------------------------
def test_parser_reads_multiline_plural_and_flagged_entries(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=1; plural=0;\\n"\n\n'
        '#: a.py:1\n#, python-format\nmsgid "%(n)d thing"\nmsgid_plural "%(n)d things"\nmsgstr[0] "%(n)d 件"\n\n'
        '#, fuzzy\nmsgid ""\n"long "\n"text"\nmsgstr ""\n\n'
        '#~ msgid "gone"\n#~ msgstr "没了"\n',
        encoding="utf-8",
    )
    header, plural, long = parse_po(po)
    assert header["msgstr"] == ["Plural-Forms: nplurals=1; plural=0;\n"]
    assert (plural["msgid_plural"], plural["msgstr"], plural["flags"]) == ("%(n)d things", ["%(n)d 件"], {"python-format"})
    assert (long["msgid"], long["msgstr"], long["flags"]) == ("long text", [""], {"fuzzy"})
    assert placeholders("%(n)d 件，{max} 个，100%%") == Counter({"%(n)d": 1, "{max}": 1, "%%": 1})


def test_admin_login_is_chinese_by_default_and_english_on_request(client):
    page = client.get(reverse("admin:login")).content.decode()
    assert '<html lang="zh-hans"' in page
    assert "<title>登录 | 红色物业平台</title>" in page

    # An English-locale browser alone does not change the language: the switch does.
    page = client.get(reverse("admin:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "<title>登录 | 红色物业平台</title>" in page

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("admin:login")).content.decode()
    assert "<title>Log in | Red Property platform</title>" in page
    assert "红色物业平台" not in page


def test_admin_index_is_chinese_by_default_and_english_by_the_language_cookie(district_officer, as_user):
    client = as_user(district_officer)
    page = client.get(reverse("admin:index")).content.decode()
    assert '<a href="/admin/">红色物业平台</a>' in page
    assert "红色物业平台管理" in page
    assert "社区与小区" in page and "物业服务企业" in page

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("admin:index")).content.decode()
    assert '<a href="/admin/">Red Property platform</a>' in page
    assert "Communities and complexes" in page
    assert "社区与小区" not in page


def test_admin_form_errors_are_chinese_by_default(superuser, as_user):
    client = as_user(superuser)
    response = client.post(reverse("admin:properties_propertyfirm_add"), {"name": "巨和物业", "credit_code": "915301110010042427"})
    assert response.status_code == 200  # the form again, with its errors
    page = response.content.decode()
    assert "不是有效的统一社会信用代码" in page
    assert "is not a valid unified social credit code" not in page
    assert not PropertyFirm.objects.exists()


def test_model_validation_errors_are_chinese_by_default(db):
    good = f.credit_code(9001)
    corrupted = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ValidationError) as exc_info:
        PropertyFirm(name="巨和物业", credit_code=corrupted).full_clean()
    assert exc_info.value.message_dict["credit_code"] == [
        f"{corrupted}不是有效的统一社会信用代码（应为18位且校验位正确）。"
    ]


def test_portal_home_is_chinese_by_default_and_english_on_request(client):
    page = client.get("/portal/").content.decode()
    assert '<html lang="zh-hans"' in page
    assert "反映您身边的小区问题" in page and "红色物业" in page

    page = client.get("/portal/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "反映您身边的小区问题" in page

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/portal/"}, follow=True)
    page = response.content.decode()
    assert "Tell us about a problem where you live" in page
    assert "反映您身边的小区问题" not in page


# ---------------------------------------------------------------------------
# The project's catalogue overrides no one else's words
# ---------------------------------------------------------------------------
def _installed_catalogues_without_ours() -> dict:
    """What Simplified Chinese Django shows from its own catalogues (django/conf/locale and each
    django.contrib app's) and the installed third-party apps' (rest_framework,
    django_celery_beat, simple_history, ...), merged in Django's own order, had the project no
    catalogue of its own. Keys as in a compiled catalogue: msgid, (msgid, n) for plural forms,
    "context\\x04msgid" for a msgid with a context."""
    from django.test import override_settings
    from django.utils.translation import trans_real

    with override_settings(LOCALE_PATHS=[]):
        catalog = trans_real.DjangoTranslation("zh-hans")._catalog
    merged = {}
    for key, text in catalog.items():  # the catalogues in the order Django looks a msgid up: first wins
        merged.setdefault(key, text)
    return merged


def test_the_comparison_sees_django_and_the_installed_apps(db):
    theirs = _installed_catalogues_without_ours()
    assert theirs["Close"] == "关闭"  # django.contrib.admin: the view-only page's button
    assert theirs["Minutes"] == "分钟"  # django_celery_beat: a crontab's field
    assert theirs["Invalid token."] == "认证令牌无效。"  # rest_framework
    assert theirs["active"] == "有效"  # django.contrib.auth: the user's flag


def test_no_string_of_django_or_an_installed_app_is_translated_differently_by_the_project(db):
    """A msgid in our catalogue is the same msgid in Django's and every app's: Django merges the
    project's catalogue last, so a different translation there silently rewrites the admin's or
    celery-beat's words (the view-only page's 关闭 became 结案). Where our meaning differs, our
    source string carries a context (pgettext_lazy / {% translate ... context ... %})."""
    theirs = _installed_catalogues_without_ours()
    with open(LOCALE / "django.mo", "rb") as mo:
        ours = gettext.GNUTranslations(mo)._catalog
    overridden = [
        f"{key!r}: ours {text!r}, theirs {theirs[key]!r}"
        for key, text in ours.items()
        if key != "" and "\x04" not in (key[0] if isinstance(key, tuple) else key)
        and key in theirs and theirs[key] != text
    ]
    assert overridden == []


def test_a_view_only_admin_page_closes_with_django_s_word_and_a_complaint_is_still_closed_as_a_case(
        world, as_user, shuguang_worker):
    from complaints import services as complaint_services
    from complaints.models import Category

    client = as_user(shuguang_worker)  # may view a firm, not change it
    page = client.get(reverse("admin:properties_propertyfirm_change", args=[world.juhe.pk])).content.decode()
    assert 'class="closelink">关闭</a>' in page
    assert "结案" not in page

    complaint = complaint_services.complaint_submit(complex=world.shuguang_complex,
                                                    category=Category.objects.get(code="other"), description="路灯坏了")
    complaint.status = "resolved"
    complaint.save(update_fields=["status"])
    page = client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk])).content.decode()
    assert "结案" in page
