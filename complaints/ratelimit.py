"""Rate limits of the public doors, per client IP, per phone number and per tracking code.

Counters live in Django's cache, which every process shares (Redis when REDIS_URL is set,
else a table of the database: redproperty/cache.py), in fixed windows: "10/hour" allows ten
submissions per IP in each clock hour. Phone numbers and tracking codes never appear in
cache keys: they are replaced by a keyed hash.

    check_and_count(request, phone)       # raises RateLimited, or counts this submission
    check_tracking_lookup(request)        # the same for looking up a tracking code, per IP
    check_tracking_code(code)             # raises RateLimited while the code is locked
    count_tracking_failure(code)          # a wrong phone tail: N of them lock the code

Call check_and_count after the form is valid and before any photo is decoded or anything
saved (the public API does); the portal counts the IP before it reads the form at all
(count_submission_from) and the phone once the form is valid (count_submission_by_phone). Tracking lookups are limited per IP (TRACKING_LOOKUP_RATE), and per
code whatever the IP: PORTAL_TRACKING_FAILURES_PER_CODE wrong phone tails on one code lock
that code (for every network, right tail or not) for the same period, so the 10,000
possible tails cannot be tried from many addresses either.

When the store cannot be reached (Redis down), the limits fail closed: RateLimited with
status 503 and a message to come back later, so nothing public is let through uncounted.
"""
from __future__ import annotations

import datetime
import hashlib
import hmac
import ipaddress
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from redis.exceptions import RedisError

PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
TRACKING_LOOKUP_RATE = "30/hour"


class RateLimited(Exception):
    """Too many submissions; `message` is for the resident, `retry_after` in seconds, `status`
    the HTTP status to answer (429; 503 when the counting store is unreachable)."""

    status = 429

    def __init__(self, message, retry_after: int):
        super().__init__(str(message))
        self.message = message
        self.retry_after = retry_after


class LimitsUnavailable(RateLimited):
    """The store the limits count in cannot be reached: refuse rather than count nothing."""

    status = 503

    def __init__(self):
        super().__init__(_("This service is busy for a moment and cannot take your request now. "
                           "Please try again in a few minutes; nothing has been saved."), retry_after=60)


# What the cache raises when its store is unreachable: Redis, or the database behind the
# database cache.
STORE_ERRORS = (RedisError, DatabaseError, OSError)


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


def _keyed_hash(text: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()[:32]


def _phone_key(phone: str) -> str:
    return _keyed_hash("".join(ch for ch in phone if ch.isdigit()))


def _hit(scope: str, who: str, rate: Rate) -> tuple[int, int]:
    """Count one hit in the current window; return (hits so far, seconds until the window ends).
    Raises LimitsUnavailable when the store cannot be reached."""
    now = int(time.time())
    window = now // rate.seconds
    return _incr(f"ratelimit:{scope}:{who}:{window}", rate.seconds + 1), (window + 1) * rate.seconds - now


def _incr(key: str, timeout: int) -> int:
    """Add one to the counter `key` (made with `timeout` if new); the new count."""
    try:
        cache.add(key, 0, timeout=timeout)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=timeout)
            return 1
    except STORE_ERRORS:
        raise LimitsUnavailable() from None


def check_and_count(request, phone: str = "") -> None:
    """Count a submission from this request (and this phone, if given).

    Raises RateLimited when the IP or the phone has used up its allowance for the current
    window; the refused attempt still counts, so hammering does not help."""
    count_submission_from(request)
    if phone:
        count_submission_by_phone(phone)


def count_submission_from(request) -> None:
    """The per-IP half of check_and_count, for a door that counts before it reads the form
    (the portal: before any photo is opened)."""
    rate = Rate.parse(settings.PORTAL_RATE_LIMIT_PER_IP)
    hits, retry_after = _hit("submit-ip", client_ip(request), rate)
    if hits > rate.limit:
        raise RateLimited(_("Too many reports have been sent from this network. Please try again later."),
                          retry_after=retry_after)


def count_submission_by_phone(phone: str) -> None:
    """The per-phone half of check_and_count."""
    rate = Rate.parse(settings.PORTAL_RATE_LIMIT_PER_PHONE)
    hits, retry_after = _hit("submit-phone", _phone_key(phone), rate)
    if hits > rate.limit:
        raise RateLimited(_("Too many reports have been sent with this phone number. Please try again later."),
                          retry_after=retry_after)


def check_tracking_lookup(request) -> None:
    """Count one tracking-code lookup from this client; raises RateLimited past the limit."""
    rate = Rate.parse(TRACKING_LOOKUP_RATE)
    hits, retry_after = _hit("track-ip", client_ip(request), rate)
    if hits > rate.limit:
        raise RateLimited(_("Too many look-ups from this network. Please try again later."), retry_after=retry_after)


# ---------------------------------------------------------------------------
# Tracking codes: wrong phone tails lock the code, whatever the network
# ---------------------------------------------------------------------------
def _code_lock_key(code: str) -> str:
    return f"ratelimit:track-code-lock:{_keyed_hash(code.upper())}"


def _locked_message(until: float):
    moment = timezone.localtime(datetime.datetime.fromtimestamp(until, tz=datetime.timezone.utc))
    return gettext_now(
        "Too many wrong phone numbers were given for this tracking code, so it is locked for a while. "
        "Please try again after %(time)s."
    ) % {"time": time_format(moment, "H:i")}


def check_tracking_code(code: str) -> None:
    """Raise RateLimited while `code` is locked (the right phone tail does not help then)."""
    try:
        until = cache.get(_code_lock_key(code))
    except STORE_ERRORS:
        raise LimitsUnavailable() from None
    if until is not None and until > time.time():
        raise RateLimited(_locked_message(until), retry_after=max(1, math.ceil(until - time.time())))


def count_tracking_failure(code: str) -> None:
    """Count a wrong phone tail (or an unknown code) for `code`; at the limit, lock the code
    for the limit's period from now. Unknown codes count too, so a lock says nothing about
    whether a code exists."""
    rate = Rate.parse(settings.PORTAL_TRACKING_FAILURES_PER_CODE)
    # The period runs from the first wrong tail, so failures cannot straddle two windows.
    hits = _incr(f"ratelimit:track-code-fail:{_keyed_hash(code.upper())}", rate.seconds)
    if hits >= rate.limit:
        try:
            cache.set(_code_lock_key(code), time.time() + rate.seconds, timeout=rate.seconds)
        except STORE_ERRORS:
            raise LimitsUnavailable() from None
