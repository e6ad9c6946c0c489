"""Django settings for Dealtracker, read from environment variables (see the table in README.md).

Development (the default) needs no variables at all: an embedded PostgreSQL and an embedded Valkey broker
under ``var/`` stand in for the servers. ``DEALTRACKER_ENV=production`` turns on the hardened settings and makes
``SECRET_KEY`` and ``ALLOWED_HOSTS`` required.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from celery.schedules import crontab

from deals.engine.currencies import is_currency
from dealtracker import embedded_broker, embedded_postgres
from dealtracker.env import (
    ConfigError,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_parsed,
    env_required,
    env_str,
    parse_database_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = embedded_postgres.var_dir()

ENVIRONMENT = env_choice("DEALTRACKER_ENV", "development", {"development", "production"})
PRODUCTION = ENVIRONMENT == "production"
DEBUG = env_bool("DEBUG", not PRODUCTION)


def _local_secret_key() -> str:
    """A key generated once and kept under var/, so sessions survive restarts of a local install."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env_required("SECRET_KEY") if PRODUCTION else (env_str("SECRET_KEY") or _local_secret_key())
if PRODUCTION and len(SECRET_KEY) < 50:
    raise ConfigError("SECRET_KEY", "must be at least 50 characters long in production")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ConfigError("ALLOWED_HOSTS", "is required in production (comma-separated host names)")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])


def _currency(value: str) -> str:
    if not is_currency(value):
        raise ValueError(f"{value!r} is not an ISO 4217 currency code")
    return value


def _time_zone(value: str) -> str:
    if value not in available_timezones():
        raise ValueError(f"{value!r} is not a known time zone (e.g. Europe/Berlin, UTC)")
    ZoneInfo(value)
    return value


REPORTING_CURRENCY = env_parsed("DEALTRACKER_REPORTING_CURRENCY", "EUR", _currency)
# Where uploaded import files wait for their job (deals/imports/jobs.py); a folder the workers can read.
DEALTRACKER_IMPORT_DIR = env_str("DEALTRACKER_IMPORT_DIR") or str(VAR_DIR / "imports")
PUBLIC_READ = env_bool("DEALTRACKER_PUBLIC_READ", False)
#: Seconds without a heartbeat after which a running job counts as abandoned by its worker and is resumed.
DEALTRACKER_JOB_STALE_AFTER = env_int("DEALTRACKER_JOB_STALE_AFTER", 60, minimum=1)
#: The longest money cycle (in edges) the circular-flow analysis reports.
DEALTRACKER_CYCLE_MAX_LENGTH = env_int("DEALTRACKER_CYCLE_MAX_LENGTH", 4, minimum=2)
#: The most money cycles stored per investment (the shortest); its figures say when there are more.
DEALTRACKER_CYCLES_PER_INVESTMENT = env_int("DEALTRACKER_CYCLES_PER_INVESTMENT", 10, minimum=1)

# --- Following: alerts and webhooks ------------------------------------------------------------------------
#: Webhooks may reach private and loopback addresses only when this allows it (SSRF; a local receiver in tests).
DEALTRACKER_WEBHOOK_ALLOW_PRIVATE = env_bool("DEALTRACKER_WEBHOOK_ALLOW_PRIVATE", False)
#: Delivery attempts per event, the first retry's delay (doubling, with jitter, up to the maximum), and the
#: number of failed deliveries in a row after which a webhook is disabled (its owner is told).
DEALTRACKER_WEBHOOK_ATTEMPTS = env_int("DEALTRACKER_WEBHOOK_ATTEMPTS", 8, minimum=1)
DEALTRACKER_WEBHOOK_BACKOFF_SECONDS = env_int("DEALTRACKER_WEBHOOK_BACKOFF_SECONDS", 30, minimum=0)
DEALTRACKER_WEBHOOK_BACKOFF_MAX_SECONDS = env_int("DEALTRACKER_WEBHOOK_BACKOFF_MAX_SECONDS", 3600, minimum=1)
DEALTRACKER_WEBHOOK_DISABLE_AFTER = env_int("DEALTRACKER_WEBHOOK_DISABLE_AFTER", 5, minimum=1)
DEALTRACKER_WEBHOOK_TIMEOUT_SECONDS = env_int("DEALTRACKER_WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1)
#: Where links in e-mails and feeds point (scheme and host of this install).
DEALTRACKER_SITE_URL = (env_str("DEALTRACKER_SITE_URL") or "http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "axes",
    "django_filters",
    "drf_spectacular",
    "django_htmx",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "nested_admin",
    "deals",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "deals.middleware.RequestLimitsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "deals.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that it sees the lockout flag the login views' authenticate() calls set on the request.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dealtracker.urls"
WSGI_APPLICATION = "dealtracker.wsgi.application"

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
                "deals.roles.context_processor",
                "deals.follow.context_processor",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------------
# The embedded server's URL is only worked out (and its password file made) when no DATABASE_URL is given.
DATABASES = {
    "default": env_parsed("DATABASE_URL", None, parse_database_url)
    or parse_database_url(embedded_postgres.database_url())
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env_int("DATABASE_CONN_MAX_AGE", 0, minimum=0))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Caches ---------------------------------------------------------------------------------------------


def parse_cache_url(url: str) -> dict[str, Any]:
    """``redis://host:port/db`` for one cache shared by every web process, ``locmem://name`` for one each,
    ``dummy://`` for none."""
    scheme = url.partition("://")[0]
    if scheme in ("redis", "rediss"):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if scheme == "locmem":
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": url.partition("://")[2],
            "OPTIONS": {"MAX_ENTRIES": 500},
        }
    if scheme == "dummy":  # nothing is kept: every read is a miss (the benchmark's uncached figures)
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ValueError("Use redis://host:port/db, locmem://name or dummy://.")


#: The API's reads are cached under the data's version (deals/api/cache.py), so entries never go stale;
#: they expire after API_CACHE_SECONDS only to free the space of versions no one asks for any more.
API_CACHE_ALIAS = "api"
API_CACHE_SECONDS = env_int("API_CACHE_SECONDS", 600, minimum=1)
#: With a shared cache (Redis), each web process also keeps copies of the entries it used last, up to this many
#: bytes (0: none); entries are keyed by the data version, so a copy is never stale.
API_CACHE_LOCAL_BYTES = env_int("API_CACHE_LOCAL_MB", 32, minimum=0) * 1024 * 1024
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    API_CACHE_ALIAS: env_parsed("API_CACHE_URL", parse_cache_url("locmem://api"), parse_cache_url),
}

# --- Celery ---------------------------------------------------------------------------------------------


def filesystem_celery(root: Path) -> dict[str, Any]:
    """Settings for kombu's filesystem transport rooted at ``root``: no server, still a real worker process."""
    for sub in ("queue", "processed", "results", "control"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    return {
        "CELERY_BROKER_URL": f"filesystem://{root}",
        "CELERY_BROKER_TRANSPORT_OPTIONS": {
            "data_folder_in": str(root / "queue"),
            "data_folder_out": str(root / "queue"),
            "processed_folder": str(root / "processed"),
            "control_folder": str(root / "control"),
            "store_processed": False,
            "polling_interval": 0.1,
        },
        "CELERY_RESULT_BACKEND": f"file://{root}/results",
    }


#: Without CELERY_BROKER_URL, the embedded Valkey server `make run` supervises (dealtracker/embedded_broker.py).
CELERY_USES_EMBEDDED_BROKER = not env_str("CELERY_BROKER_URL")
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or embedded_broker.broker_url()
CELERY_USES_FILESYSTEM = CELERY_BROKER_URL.startswith("filesystem://")
#: A message whose worker was killed before acknowledging it goes back on the Redis queue after this long
#: (a killed pool process is noticed at once; this covers a killed main process). Tasks are safe to run
#: twice, so the bound is the delay of recovery, not correctness.
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, Any] = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 600, minimum=1),
    "unacked_restore_throttle": 1,
}
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND")
if CELERY_USES_EMBEDDED_BROKER:
    CELERY_RESULT_BACKEND = CELERY_RESULT_BACKEND or embedded_broker.result_backend_url()
elif CELERY_USES_FILESYSTEM:  # still accepted by URL (the benchmarks' private queue); never the default
    _fs = filesystem_celery(Path(CELERY_BROKER_URL.removeprefix("filesystem://") or VAR_DIR / "celery"))
    CELERY_BROKER_TRANSPORT_OPTIONS = _fs["CELERY_BROKER_TRANSPORT_OPTIONS"]
    CELERY_RESULT_BACKEND = CELERY_RESULT_BACKEND or _fs["CELERY_RESULT_BACKEND"]
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# The database holds every outcome (figures, Job rows); only deals.ping keeps a result. Sending a task that
# keeps one subscribes to the result store first, which with the broker down blocks the sender (a web
# request) for about 20 s and then leaves the process's result store broken until it restarts.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = timedelta(hours=1)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
#: Seconds between beat's sweeps of leftovers (dirty targets, jobs nobody runs).
DEALTRACKER_SWEEP_SECONDS = env_int("DEALTRACKER_SWEEP_SECONDS", 60, minimum=1)
#: Seconds between worker heartbeats, and the age past which /healthz reports that no worker makes progress.
DEALTRACKER_HEARTBEAT_SECONDS = env_int("DEALTRACKER_HEARTBEAT_SECONDS", 30, minimum=1)
DEALTRACKER_HEARTBEAT_MAX_AGE = env_int("DEALTRACKER_HEARTBEAT_MAX_AGE", 180, minimum=1)
CELERY_BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    # Picks up whatever the post-commit enqueue missed (broker down, raw SQL): nothing dirty is left behind.
    "sweep-dirty-targets": {"task": "deals.sweep_dirty_targets", "schedule": float(DEALTRACKER_SWEEP_SECONDS)},
    # A round trip beat → broker → worker pool → database that /healthz reads back.
    "worker-heartbeat": {
        "task": "deals.heartbeat",
        "schedule": float(DEALTRACKER_HEARTBEAT_SECONDS),
        "options": {"expires": DEALTRACKER_HEARTBEAT_SECONDS},
    },
    "nightly-full-recompute": {"task": "deals.start_full_recompute", "schedule": crontab(hour=3, minute=17)},
    # The daily digest of what each user follows (those who chose it), with the events since their last one.
    "daily-digest": {"task": "deals.send_digests", "schedule": crontab(hour=6, minute=30)},
}

# --- E-mail (alerts and digests) -------------------------------------------------------------------------
#: SMTP when EMAIL_HOST is set (docker-compose.yml); otherwise files in var/mail (``make run``) or the console.
EMAIL_HOST = env_str("EMAIL_HOST") or ""
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH") or str(VAR_DIR / "mail")
EMAIL_BACKEND = env_str("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.filebased.EmailBackend"
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL") or "Dealtracker <dealtracker@localhost>"

# --- Auth, i18n, static ---------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_parsed("TIME_ZONE", "UTC", _time_zone)
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT") or (BASE_DIR / "staticfiles" if PRODUCTION else VAR_DIR / "staticfiles"))
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise serves from the finders in development
WHITENOISE_USE_FINDERS = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- REST API -------------------------------------------------------------------------------------------
REST_FRAMEWORK: dict[str, Any] = {
    # Token first, so an unauthenticated request gets 401 with "WWW-Authenticate: Token".
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "deals.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # JSON nested too deeply, or with characters PostgreSQL cannot store, is a 400 (deals/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "deals.api.parsers.StrictJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["deals.api.filters.StrictFilterBackend"],
    "COERCE_DECIMAL_TO_STRING": True,
    "DEFAULT_PAGINATION_CLASS": "deals.api.pagination.StableCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
        "deals.api.renderers.CSVRenderer",
    ],
    "EXCEPTION_HANDLER": "deals.api.errors.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Dealtracker API",
    "DESCRIPTION": "Investment deals: organizations, funding rounds, participations, sources and valuations.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Served from this app's static files: the UI must work on a machine with no internet.
    "SWAGGER_UI_DIST": "/static/vendor/swagger-ui",
    "SWAGGER_UI_FAVICON_HREF": "/static/vendor/swagger-ui/favicon-32x32.png",
    "COMPONENT_SPLIT_REQUEST": True,
    # Clients send JSON; the form parsers stay only for the browsable API's HTML forms.
    "PARSER_WHITELIST": ["deals.api.parsers.StrictJSONParser"],
    # Scripts authenticate with tokens; the session login only serves the browsable API.
    "AUTHENTICATION_WHITELIST": ["deals.api.authentication.TokenAuthentication"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "deals.api.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "RoundStatusEnum": "deals.choices.RoundStatus",
        "FlagEnum": "deals.api.imports.FLAG",
        "ParticipationStatusEnum": "deals.choices.ParticipationStatus",
        "ConditionStatusEnum": "deals.choices.ConditionStatus",
        "QualifierEnum": "deals.choices.Qualifier",
        "OrganizationKindEnum": "deals.choices.OrganizationKind",
        "RelationshipKindEnum": "deals.choices.RelationshipKind",
        "MetricKindEnum": "deals.choices.MetricKind",
        "ConditionKindEnum": "deals.choices.ConditionKind",
        "JobStateEnum": "deals.choices.JobState",
        "DatePrecisionEnum": "deals.choices.DatePrecision",
        "CurrencyEnum": "deals.api.fields.CURRENCY_CODES",
    },
}

# --- Security -------------------------------------------------------------------------------------------
# Logins, tokens, headers and request limits; SECURITY.md says what each protects against.

#: The secret shipped in .env.example: public, so a deployment that kept it has no secret at all.
EXAMPLE_SECRET_KEY = "change-me-to-a-long-random-string-of-at-least-fifty-characters-000"  # noqa: S105 (the public example, refused below)
if PRODUCTION and (SECRET_KEY == EXAMPLE_SECRET_KEY or SECRET_KEY.startswith("change-me")):
    raise ConfigError("SECRET_KEY", "is the example value from .env.example; generate a new one for production")
if PRODUCTION and DEBUG:
    raise ConfigError("DEBUG", "must be false in production (it shows settings and code to every visitor)")

AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out username and address before any password is checked, on every login path.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("DEALTRACKER_LOGIN_FAILURE_LIMIT", 10, minimum=1)
#: A wrong password counts against the pair of username and address: a guesser is stopped without letting
#: anyone lock a colleague out from elsewhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(minutes=env_int("DEALTRACKER_LOGIN_COOLOFF_MINUTES", 30, minimum=1))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "deals.views.account.lockout_response"
AXES_VERBOSE = False
#: Proxies in front that append to X-Forwarded-For (the TLS proxy of the compose deployment is one); with
#: none, the connection's address is the client's, and a forged header changes nothing.
TRUSTED_PROXY_COUNT = env_int("DEALTRACKER_TRUSTED_PROXY_COUNT", 1 if PRODUCTION else 0, minimum=0)
# The client is the entry the outermost trusted proxy appended: the right-most with one proxy in front.
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT - 1 if TRUSTED_PROXY_COUNT else None
# Counted from the right, so entries a client forges in front of the real ones change nothing.
IPWARE_STRICT = False
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if TRUSTED_PROXY_COUNT else ["REMOTE_ADDR"]

#: API tokens are stored as SHA-512 digests, expire, and are revoked by their owner or a password change.
DEALTRACKER_TOKEN_TTL = timedelta(days=env_int("DEALTRACKER_TOKEN_TTL_DAYS", 30, minimum=1))
REST_KNOX = {
    "TOKEN_TTL": DEALTRACKER_TOKEN_TTL,
    "AUTH_HEADER_PREFIX": "Token",
}
DEALTRACKER_TOKENS_PER_USER = 20

#: Bodies above this many bytes (files excepted) are a 413 before they are read.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440, minimum=1024)
#: JSON nested deeper than this is a 400: Python's json module recurses, and no resource nests past a few levels.
API_JSON_MAX_DEPTH = 64

# Scripts only from this site's static files: no inline script, no event-handler attribute, no eval.
# Styles may be inline: the charts and the vendored Swagger UI set style attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
PERMISSIONS_POLICY: dict[str, list[str]] = {
    name: []
    for name in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "xr-spatial-tracking",
    )
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    # /healthz is probed over plain HTTP from inside the container network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
