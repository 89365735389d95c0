"""Rate limits on public complaint submission, per client IP and per phone number.

Counters live in Django's cache, which every process shares (Redis when REDIS_URL is set,
else a table of the database: redproperty/cache.py), in fixed windows: "10/hour" allows ten submissions per IP in each
clock hour. Phone numbers never appear in cache keys: they are replaced by a keyed hash.

    check_and_count(request, phone)   # raises RateLimited, or counts this submission
    check_tracking_lookup(request)    # the same for looking up a tracking code

Call check_and_count after the form is valid and before anything is saved; the portal and
the public API both do. Tracking lookups are limited per IP (TRACKING_LOOKUP_RATE) so that
the 10,000 possible phone tails of a code cannot be tried one after another.
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
TRACKING_LOOKUP_RATE = "30/hour"


class RateLimited(Exception):
    """Too many submissions; `message` is for the resident, `retry_after` in seconds."""

    def __init__(self, message, retry_after: int):
        super().__init__(str(message))
        self.message = message
        self.retry_after = retry_after


@dataclass(frozen=True)
class Rate:
    limit: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """`"10/hour"` → Rate(10, 3600); the period is second, minute, hour or day."""
        try:
            count, period = text.strip().split("/")
            return cls(limit=int(count), seconds=PERIODS[period.strip().lower().rstrip("s")])
        except (ValueError, KeyError):
            raise ImproperlyConfigured(
                f"A rate limit must look like '10/hour' (per second, minute, hour or day), got {text!r}."
            ) from None


def client_ip(request) -> str:
    """The client's address, as a bucket: one IPv4 address or one IPv6 /64 network.

    Behind the TLS proxy (settings.SECURE_PROXY_SSL_HEADER set), REMOTE_ADDR is the proxy,
    so the last X-Forwarded-For entry, the one that proxy appended, is used; entries before
    it come from the client and are not trusted."""
    address = request.META.get("REMOTE_ADDR", "")
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            address = forwarded.split(",")[-1].strip()
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _phone_key(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    return hmac.new(settings.SECRET_KEY.encode(), digits.encode(), hashlib.sha256).hexdigest()[:32]


def _hit(scope: str, who: str, rate: Rate) -> tuple[int, int]:
    """Count one hit in the current window; return (hits so far, seconds until the window ends)."""
    now = int(time.time())
    window = now // rate.seconds
    key = f"ratelimit:{scope}:{who}:{window}"
    cache.add(key, 0, timeout=rate.seconds + 1)
    try:
        hits = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=rate.seconds + 1)
        hits = 1
    return hits, (window + 1) * rate.seconds - now


def check_and_count(request, phone: str = "") -> None:
    """Count a submission from this request (and this phone, if given).

    Raises RateLimited when the IP or the phone has used up its allowance for the current
    window; the refused attempt still counts, so hammering does not help."""
    limits = [("ip", client_ip(request), Rate.parse(settings.PORTAL_RATE_LIMIT_PER_IP))]
    if phone:
        limits.append(("phone", _phone_key(phone), Rate.parse(settings.PORTAL_RATE_LIMIT_PER_PHONE)))
    for scope, who, rate in limits:
        hits, retry_after = _hit(f"submit-{scope}", who, rate)
        if hits > rate.limit:
            if scope == "ip":
                message = _("Too many reports have been sent from this network. Please try again later.")
            else:
                message = _("Too many reports have been sent with this phone number. Please try again later.")
            raise RateLimited(message, retry_after=retry_after)


def check_tracking_lookup(request) -> None:
    """Count one tracking-code lookup from this client; raises RateLimited past the limit."""
    rate = Rate.parse(TRACKING_LOOKUP_RATE)
    hits, retry_after = _hit("track-ip", client_ip(request), rate)
    if hits > rate.limit:
        raise RateLimited(_("Too many look-ups from this network. Please try again later."), retry_after=retry_after)
