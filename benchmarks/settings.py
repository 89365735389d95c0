"""Settings of the web server `make bench` measures: the platform's own settings, production-like
(DEBUG off, the cache on Redis, persistent connections), plus the bare-DRF floor view
(benchmarks/urls.py). Public limits are raised so the load generator measures the work,
not the 429 answers."""
from redproperty.settings import *  # noqa: F401,F403

ROOT_URLCONF = "benchmarks.urls"
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "1000000/minute"}}  # noqa: F405
PORTAL_RATE_LIMIT_PER_IP = "1000000/hour"
PORTAL_RATE_LIMIT_PER_PHONE = "1000000/day"
AXES_ENABLED = False
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
