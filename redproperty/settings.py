"""Settings for the Red Property platform.

Every value comes from the environment (or a `.env` file beside manage.py), with a safe
development default; `.env.example` documents each one. A value that cannot be parsed
stops start-up with ImproperlyConfigured rather than running on a guess.
"""
import datetime
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """A strict boolean: a typo such as DEBUG=ture stops start-up instead of meaning False."""
    raw = env.str(name, default=str(default)).strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {raw!r}.")


# ---------------------------------------------------------------------------
# Core
# ---------------------------------------------------------------------------
INSECURE_DEV_SECRET_KEY = "insecure-development-key-do-not-use-in-production"
DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env.str("SECRET_KEY", default=INSECURE_DEV_SECRET_KEY)
if not DEBUG and SECRET_KEY == INSECURE_DEV_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "redproperty.apps.AdminConfig",  # django.contrib.admin with the project's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "simple_history",
    "axes",
    "csp",
    "redproperty",
    "communities",
    "properties",
    "partybranches",
    "complaints",
    "integrations",
    "dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "redproperty.middleware.ChosenLanguageMiddleware",
    # Before anything reads the body: an oversized one is refused unread (413).
    "redproperty.middleware.RequestBodyCapMiddleware",
    # After the language is chosen (its message is translated), before any view reads the body.
    "redproperty.text.ControlCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # A view meeting the database out of reach answers 503, not 500 (redproperty/errors.py).
    "redproperty.errors.DatabaseUnavailableMiddleware",
    # Last: turns a sign-in refused for a lockout into the "try again at" answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "redproperty.urls"
WSGI_APPLICATION = "redproperty.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# ---------------------------------------------------------------------------
# Database
# ---------------------------------------------------------------------------
# SQLite under var/ for development; PostgreSQL in production and CI.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
# A persistent connection that died while idle (the database restarted) is replaced at the
# start of the next request instead of failing it.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Two web workers and a Celery worker write to one file. WAL lets reads go on during a
    # write; IMMEDIATE takes the write lock at BEGIN, so a transaction that reads and then
    # writes waits its turn (up to `timeout` seconds) instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=20, transaction_mode="IMMEDIATE", init_command="PRAGMA journal_mode=WAL"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---------------------------------------------------------------------------
# Cache (also backs rate limits and throttles: one count for all processes)
# ---------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"REDIS_URL must be a redis:// URL, got {REDIS_URL!r}.")
    CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
        # A Redis that is down answers within a second, so limits fail closed quickly.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }}
else:
    # No server: a table of the database (redproperty/cache.py), which every process shares.
    CACHES = {"default": {
        "BACKEND": "redproperty.cache.DatabaseCache", "LOCATION": "django_cache",
        "OPTIONS": {"MAX_ENTRIES": 100_000},  # culling would drop live counters
    }}

# ---------------------------------------------------------------------------
# Authentication
# ---------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
# Lockouts (django-axes; redproperty/lockout.py): every sign-in through Django's authenticate()
# (admin, workbench, API token) is refused once an account, or a network, has failed
# AXES_FAILURE_LIMIT times within AXES_COOLOFF_MINUTES; failures count in the database.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own: the account, and the network
AXES_RESET_ON_SUCCESS = False  # else any account's success would clear its network's failures
AXES_CLIENT_IP_CALLABLE = "redproperty.lockout.axes_client_ip"
AXES_LOCKOUT_CALLABLE = "redproperty.lockout.lockout_response"
AXES_VERBOSE = False

# ---------------------------------------------------------------------------
# Language and time
# ---------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# ---------------------------------------------------------------------------
# Static and uploaded files
# ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# Uploaded files are never served from MEDIA_URL: complaint photos go through
# complaints.views.photo (the scoping rule). Photo URLs that the API and Open311 hand out are
# signed and valid for PHOTO_URL_SECONDS.
MEDIA_URL = "media/"
PHOTO_URL_SECONDS = env.int("PHOTO_URL_SECONDS", default=3600)
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# ---------------------------------------------------------------------------
# Email
# ---------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@redproperty.local")

# ---------------------------------------------------------------------------
# Celery
# ---------------------------------------------------------------------------
# The default broker is kombu's filesystem transport under var/: it needs no server.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.split("://", 1)[0] not in {"filesystem", "redis", "rediss", "memory", "amqp"}:
    raise ImproperlyConfigured(f"CELERY_BROKER_URL has an unsupported scheme: {CELERY_BROKER_URL!r}.")
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_DIR = env.path("CELERY_BROKER_DIR", default=VAR_DIR / "broker")
    for _sub in ("queue", "processed", "control"):
        Path(CELERY_BROKER_DIR, _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(Path(CELERY_BROKER_DIR, "queue")),
        "data_folder_out": str(Path(CELERY_BROKER_DIR, "queue")),
        "processed_folder": str(Path(CELERY_BROKER_DIR, "processed")),
        "control_folder": str(Path(CELERY_BROKER_DIR, "control")),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=25 * 60)
# The outbox sweeper sends a task again when it was handed to the broker this long ago and has
# not completed (a whole worker killed on the filesystem broker loses the message it had taken).
# Longer than the hard time limit, so a task still running is not sent twice; tasks claim their
# outbox row, so a second delivery does nothing anyway. At most OUTBOX_RESEND_MAX_ATTEMPTS sends.
OUTBOX_RESEND_AFTER_SECONDS = env.int("OUTBOX_RESEND_AFTER_SECONDS", default=CELERY_TASK_TIME_LIMIT + 5 * 60)
OUTBOX_RESEND_MAX_ATTEMPTS = env.int("OUTBOX_RESEND_MAX_ATTEMPTS", default=5)
if OUTBOX_RESEND_AFTER_SECONDS < 1 or OUTBOX_RESEND_MAX_ATTEMPTS < 1:
    raise ImproperlyConfigured("OUTBOX_RESEND_AFTER_SECONDS and OUTBOX_RESEND_MAX_ATTEMPTS must be at least 1.")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing must not hang a web request when the broker is down.
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_MAX_RETRIES = 0
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
DJANGO_CELERY_BEAT_TZ_AWARE = True

# ---------------------------------------------------------------------------
# REST API
# ---------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "integrations.authentication.ApiKeyAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["redproperty.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("THROTTLE_ANON", default="60/minute"),
    },
}
# Personal API keys from POST /api/v1/auth/token/ expire after this many hours.
API_TOKEN_HOURS = env.int("API_TOKEN_HOURS", default=24)
if API_TOKEN_HOURS < 1:
    raise ImproperlyConfigured("API_TOKEN_HOURS must be at least 1.")

SPECTACULAR_SETTINGS = {
    "TITLE": "Red Property platform API",
    "DESCRIPTION": "Registers, complaints and firm evaluations of the district's red property work.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Tags and operation ids start after /api/v1/ ("complaints", not "v1").
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "redproperty.api.schema_postprocess",
    ],
    # Several models have a `status`; name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "ComplaintStatusEnum": "complaints.models.Status",
        "FirmStatusEnum": "properties.models.FirmStatus",
        "ContractStatusEnum": "properties.models.ContractStatus",
        "CommitteeStatusEnum": "communities.models.CommitteeStatus",
        "ResolutionStatusEnum": "partybranches.models.ResolutionStatus",
        "EvaluationStatusEnum": "properties.models.EvaluationStatus",
        "ElectionStatusEnum": "communities.models.ElectionStatus",
        "ElectionActionEnum": "communities.models.ElectionAction",
        "ActionEnum": "complaints.models.Action",
        # Firm exit and replacement
        "ExitStatusEnum": "properties.models.ExitStatus",
        "HandoverItemKindEnum": "properties.models.HandoverItemKind",
        # Mediation of disputes
        "MediationStatusEnum": "communities.models.MediationStatus",
        "PartySideEnum": "communities.models.PartySide",
    },
}

# ---------------------------------------------------------------------------
# Complaints
# ---------------------------------------------------------------------------
# "module.path.ClassName" of the SMS gateway; the default writes to the log.
SMS_BACKEND = env.str("SMS_BACKEND", default="complaints.sms.LoggingSmsBackend")
PORTAL_RATE_LIMIT_PER_IP = env.str("PORTAL_RATE_LIMIT_PER_IP", default="10/hour")
PORTAL_RATE_LIMIT_PER_PHONE = env.str("PORTAL_RATE_LIMIT_PER_PHONE", default="5/day")
# Wrong phone tails on one tracking code, from any network, before the code is locked for the period.
PORTAL_TRACKING_FAILURES_PER_CODE = env.str("PORTAL_TRACKING_FAILURES_PER_CODE", default="5/hour")
COMPLAINT_AUTO_CLOSE_DAYS = env.int("COMPLAINT_AUTO_CLOSE_DAYS", default=7)
# PIPL: days after closing (or rejecting) a complaint before its reporter's personal data and
# photos are erased by the daily complaints.anonymise_expired task. Three years by default.
PIPL_RETENTION_DAYS = env.int("PIPL_RETENTION_DAYS", default=3 * 365)
if PIPL_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("PIPL_RETENTION_DAYS must be at least 1.")
# Webhooks: seconds to wait for a receiver, attempts in all, first retry delay (doubling).
WEBHOOK_TIMEOUT_SECONDS = env.int("WEBHOOK_TIMEOUT_SECONDS", default=10)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=8)
WEBHOOK_RETRY_BASE_SECONDS = env.int("WEBHOOK_RETRY_BASE_SECONDS", default=30)
if WEBHOOK_MAX_ATTEMPTS < 1 or WEBHOOK_TIMEOUT_SECONDS < 1:
    raise ImproperlyConfigured("WEBHOOK_MAX_ATTEMPTS and WEBHOOK_TIMEOUT_SECONDS must be at least 1.")
# An Open311 request with only lat/long lands on the nearest complex within this distance.
OPEN311_NEAREST_COMPLEX_METRES = env.int("OPEN311_NEAREST_COMPLEX_METRES", default=300)
# Referrals to departments: their enumerations keep stable names in the OpenAPI schema.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update({
    "ReferralStatusEnum": "complaints.models.ReferralStatus",
    "ReferralActionEnum": "complaints.models.ReferralAction",
    "ApplicationStatusEnum": "partybranches.models.ApplicationStatus",
    "ApplicationActionEnum": "partybranches.models.ApplicationAction",
})

# ---------------------------------------------------------------------------
# Dashboard
# ---------------------------------------------------------------------------
# Excel exports of more rows than this are written by a Celery worker, not the web request.
DASHBOARD_EXPORT_ASYNC_ROWS = env.int("DASHBOARD_EXPORT_ASYNC_ROWS", default=10_000)
# A district or subdistrict page's figures are kept this long in the cache (Redis in
# production), and Celery beat recomputes this month's every 5 minutes; 0 turns it off.
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=600)
# Lists over the big tables count at most this many rows ("more than" past it): no full COUNT.
DASHBOARD_COUNT_CAP = env.int("DASHBOARD_COUNT_CAP", default=10_000)

# ---------------------------------------------------------------------------
# Security (production)
# ---------------------------------------------------------------------------
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
# Behind TLS in production: SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31536000 (and the two
# HSTS flags once every subdomain speaks TLS), BEHIND_TLS_PROXY=True when a proxy ends TLS and
# sets X-Forwarded-Proto. CI checks `check --deploy --fail-level WARNING` with all of them on.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): every script and stylesheet is a file of our own
# (static/, vendored libraries included): no inline <script>, no inline event handler, no
# inline <style> or style attribute, no eval. Photos come from our own photo view; Swagger UI
# draws its icons from data: URIs. Nothing is loaded from another origin (no CDN anywhere).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
# A whole request body, files included (three 5 MB photos and the form fit), refused unread
# above this (redproperty.middleware.RequestBodyCapMiddleware); Excel imports count too.
REQUEST_BODY_MAX_BYTES = env.int("REQUEST_BODY_MAX_BYTES", default=20 * 1024 * 1024)
if REQUEST_BODY_MAX_BYTES < 1024 * 1024:
    raise ImproperlyConfigured("REQUEST_BODY_MAX_BYTES must be at least 1 MB (1048576).")

# ---------------------------------------------------------------------------
# Logging
# ---------------------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # api_key and phone_tail values never reach a log line (see redproperty/logredact.py).
    "filters": {"redact_secrets": {"()": "redproperty.logredact.RedactSecretsFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_secrets"]}},
    "loggers": {
        "django.server": {"filters": ["redact_secrets"]},
        "django.request": {"filters": ["redact_secrets"]},
        # WeasyPrint (PDF report cards) and fontTools log every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}
