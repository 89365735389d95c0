"""The admin is branded as the platform, Chinese by default, with English a click away."""
from __future__ import annotations

import pytest
from django.urls import reverse
from tests.conftest import in_english

pytestmark = pytest.mark.django_db


def test_login_page_names_the_platform(client):
    page = in_english(client).get(reverse("admin:login")).content.decode()
    assert "<title>Log in | Red Property platform</title>" in page
    assert "Django administration" not in page


def test_index_is_chinese_by_default_and_english_on_request(district_officer, as_user):
    client = as_user(district_officer)
    assert '<html lang="zh-hans"' in client.get(reverse("admin:index")).content.decode()
    page = in_english(client).get(reverse("admin:index")).content.decode()
    assert '<html lang="en"' in page
    assert '<a href="/admin/">Red Property platform</a>' in page
    assert "Red Property platform administration" in page


def test_the_language_switch_sticks(district_officer, as_user):
    client = as_user(district_officer)
    page = client.get(reverse("admin:index")).content.decode()
    assert f'action="{reverse("set_language")}"' in page
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("admin:index")})
    assert response["Location"] == reverse("admin:index")
    assert '<html lang="en"' in client.get(reverse("admin:index")).content.decode()
