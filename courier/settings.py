"""Settings, all from environment variables.

With no environment at all this is the embedded demo: SQLite, a file-system Celery broker and a
file cache under ``var/``. Production sets ``DEBUG=false``, ``SECRET_KEY``, ``ALLOWED_HOSTS``,
``DATABASE_URL`` (PostgreSQL), ``CELERY_BROKER_URL`` and ``REDIS_URL`` (Redis).
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

env = environ.Env()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.str("COURIER_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=True)

_DEV_SECRET = "dev-only-not-secret-courier-demo-key-change-me-in-production-0123456789"
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    # The package's app under a translatable name (courier/core/thirdparty_apps.py).
    "courier.core.thirdparty_apps.APIKeyConfig",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "simple_history",
    "courier.core.thirdparty_apps.AxesConfig",
    "courier",
    "staffing",
    "tracking",
    "complaints",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (courier/core/middleware.py).
    "courier.core.middleware.ContentSecurityPolicyMiddleware",
    # JSON 404/405 for every path under /api/, also those no URL pattern matches.
    "courier.core.api.middleware.APIJSONErrorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # The language a person chose, restored as the cookie at login (staffing's login hook).
    "courier.core.middleware.LanguageCookieMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "courier.urls"
WSGI_APPLICATION = "courier.wsgi.application"

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

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one file: WAL lets readers run beside the writer, IMMEDIATE
    # transactions take the write lock up front so concurrent writers wait instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory, so a worker subprocess started by a test sees the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # The same backend, whose health check asks the socket, not the server: no SELECT 1
        # round trip before each request's first query (courier/core/db/postgresql/base.py).
        DATABASES["default"]["ENGINE"] = "courier.core.db.postgresql"
DATABASE_IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Fail fast when Redis is down: the API degrades (per-process throttles) instead of
            # waiting for the operating system's connect timeout on every request.
            "OPTIONS": {
                "socket_connect_timeout": env.float("REDIS_CONNECT_TIMEOUT", default=1.0),
                "socket_timeout": env.float("REDIS_TIMEOUT", default=2.0),
            },
        }
    }
else:
    # Shared by web and worker processes of the demo, unlike a per-process memory cache.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Auth -----------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)  # 15 minutes
# Lock a username from one client address (issue 12): a wrong-password storm from one address
# does not lock the person out from another (anyone could otherwise lock any named account), and
# an office behind one NAT address still works (only the mistyped account is locked there).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "courier.core.clientaddress.client_address"
AXES_VERBOSE = False
AXES_RESET_ON_SUCCESS = True
LOGIN_URL = "admin:login"

# --- I18N -----------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Evidence photos and signatures: never under a public URL, served only through views that check
# permissions.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": "/private/"},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Email ----------------------------------------------------------------------------------
# The console backend prints every mail (customers' addresses, survey links) to the log: the demo
# default only. Production sends by SMTP unless EMAIL_BACKEND is set explicitly.
CONSOLE_EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default=CONSOLE_EMAIL_BACKEND if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
# ``manage.py check --deploy`` warns when production prints mail anyway (courier.W010).
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ops@courier.example")

# --- Security (production) ------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Only the site itself (courier/core/middleware.py). Inline styles stay allowed (templates and
# Swagger UI use them; a style cannot run code); inline scripts do not.
CONTENT_SECURITY_POLICY = {
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
# Inline event handlers allowed by exact text ('unsafe-hashes'): none. The language switch and
# the print buttons are wired by courier/static/courier/ui.js.
CSP_ALLOWED_INLINE_HANDLERS: list[str] = []
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Every cookie the site sets carries Secure: session (and the messages cookie, which
    # follows it), CSRF and the language choice (django_language).
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    if env.bool("BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "control", "processed"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Workers and beat log through settings.LOGGING (its redacting filter) instead of replacing the
# root handlers with Celery's own, which would print keys, tokens and addresses unfiltered.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Beat ticks at least this often; /healthz reports unhealthy when the last tick is older.
HEARTBEAT_MAX_AGE_SECONDS = env.int("HEARTBEAT_MAX_AGE_SECONDS", default=60)
# /healthz answers "starting" (200) instead of 503 while only the beat's tick is missing or old,
# for this long after the web process starts (courier/core/health.py).
HEALTH_STARTUP_GRACE_SECONDS = env.int("HEALTH_STARTUP_GRACE_SECONDS", default=120)

# /metrics (courier/core/metrics.py): Prometheus text for these addresses, for a request with
# "Authorization: Bearer <METRICS_TOKEN>" (when set) and for signed-in superusers; 404 otherwise.
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=["127.0.0.1/32", "::1/128"])
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# Celery queues whose depth is reported (default: the default queue).
METRICS_QUEUES = env.list("METRICS_QUEUES", default=[])

# --- REST framework and the partner API (courier/api/) -----------------------------------------
API_PAGE_SIZE = env.int("API_PAGE_SIZE", default=20)
API_MAX_PAGE_SIZE = 100
# Bodies over this get 413 (API and forms alike).
API_MAX_BODY_BYTES = 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = API_MAX_BODY_BYTES
# Idempotency-Key records are kept at least this long; an in-flight record older than the lock
# time (a crashed worker) may be taken over by a retry.
IDEMPOTENCY_TTL_HOURS = env.int("IDEMPOTENCY_TTL_HOURS", default=24)
IDEMPOTENCY_LOCK_SECONDS = env.int("IDEMPOTENCY_LOCK_SECONDS", default=120)
# JSON bodies nested deeper than this (arrays/objects) get 400 json_too_deep.
API_MAX_JSON_DEPTH = 32
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "courier.core.api.schema.PartnerAutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["courier.core.api.parsers.DepthLimitedJSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_AUTHENTICATION_CLASSES": ["courier.core.api.authentication.PartnerKeyAuthentication"],
    # Views not built on courier.core.api.base refuse everyone but partner keys (no scopes).
    "DEFAULT_PERMISSION_CLASSES": ["courier.core.api.permissions.IsPartnerKey"],
    "DEFAULT_PAGINATION_CLASS": "courier.core.api.pagination.PartnerCursorPagination",
    "PAGE_SIZE": API_PAGE_SIZE,
    "EXCEPTION_HANDLER": "courier.core.api.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "partner_key": env.str("API_RATE_PER_KEY", default="120/min"),
        # Invalid, expired or malformed keys per client address (REMOTE_ADDR, or the address
        # the trusted proxies put in X-Forwarded-For: NUM_PROXIES).
        "invalid_key": env.str("API_INVALID_KEYS_PER_ADDRESS", default="30/min"),
    },
    # Never None (DRF would then trust a client-sent X-Forwarded-For): 0 = REMOTE_ADDR.
    "NUM_PROXIES": env.int("NUM_PROXIES", default=1 if env.bool("BEHIND_TLS_PROXY", False) else 0),
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Courier partner API",
    "DESCRIPTION": (
        "Shipments, tracking, complaints and returns for partner merchants. Authenticate with "
        "`Authorization: Bearer <key>`. Every error is `{code, message, details}`. POSTs accept "
        "an `Idempotency-Key`. Lists use cursor pagination (`page_size` up to 100)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No call to the public validator (the CSP would block it anyway).
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
    # Names in the contract are English whatever the language (courier/core/api/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "courier.core.api.schema.postprocess_stable_contract",
    ],
    # One name per choice set: add a line when two serializers' fields of the same name have
    # different choices (spectacular --fail-on-warn names the field).
    "ENUM_NAME_OVERRIDES": {
        "ShipmentStateEnum": "courier.shipments.models.shipments.ShipmentState",
        "ShipmentKindEnum": "courier.shipments.models.shipments.Shipment.Kind",
        "ReturnKindEnum": "courier.shipments.models.returns.ReturnRequest.Kind",
        "PayerEnum": "courier.shipments.models.returns.Payer",
        # Meaningful names for choice sets whose field name alone says little.
        "OrderChannelEnum": "courier.shipments.models.orders.Channel",
        "TrackingStatusEnum": "tracking.rules.STATUSES",
        "TrackingSubStatusEnum": "tracking.models.events.SubStatus",
        "TrackingEventSourceEnum": "tracking.models.events.EventSource",
        "TrackingEventResultEnum": ["accepted", "duplicate", "rejected"],
        "FeeModeEnum": "courier.finance.models.fees.FeeMode",
        "PrepaymentPurposeEnum": "courier.finance.models.ledger.LedgerEntry.Purpose",
        "StatementLinePartnerStateEnum": (
            "courier.finance.models.statements.StatementLine.PartnerState"
        ),
        "WebhookDeliveryStateEnum": "courier.core.models.webhooks.WebhookDelivery.STATES",
        "WebhookEventTypeEnum": "courier.core.models.webhooks.WEBHOOK_EVENT_TYPES",
    },
}

# --- Webhooks to partners (courier/services/webhooks.py) ------------------------------------
WEBHOOK_TIMEOUT_SECONDS = 10
# Retry n waits WEBHOOK_RETRY_BASE_SECONDS * 2**(n-1): 1, 2, 4, ... 2048 minutes, about 3 days
# over WEBHOOK_MAX_ATTEMPTS tries.
WEBHOOK_RETRY_BASE_SECONDS = env.int("WEBHOOK_RETRY_BASE_SECONDS", default=60)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=13)
# An endpoint failing without a single success for this long is disabled and ops are alerted.
WEBHOOK_DISABLE_AFTER_HOURS = env.int("WEBHOOK_DISABLE_AFTER_HOURS", default=24)
# After a secret rotation the old secret also signs for this long.
WEBHOOK_SECRET_GRACE_HOURS = env.int("WEBHOOK_SECRET_GRACE_HOURS", default=24)
# Deliveries to loopback, private, link-local and reserved addresses are refused unless this is on
# (tests turn it on for a local receiver).
WEBHOOK_ALLOW_PRIVATE_TARGETS = env.bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", default=False)
# Endpoints registered through the API must use https (tests turn it off for a local receiver).
WEBHOOK_REQUIRE_HTTPS = env.bool("WEBHOOK_REQUIRE_HTTPS", default=True)

# Notice e-mails still owed this long after the notice are sent by the dispatcher; older ones are
# given up (courier/core/services/notifications.py).
NOTIFICATION_EMAIL_RETRY_HOURS = env.int("NOTIFICATION_EMAIL_RETRY_HOURS", default=24)


# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No key, token, phone number or e-mail address in any log line (courier/core/logging.py).
    "filters": {"redact": {"()": "courier.core.logging.RedactingFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Complaints (issue 5) -------------------------------------------------------------------
# Public links sent to customers (the satisfaction survey) start with this address.
COMPLAINTS_PUBLIC_BASE_URL = env.str("COMPLAINTS_PUBLIC_BASE_URL", default="http://127.0.0.1:8000")
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {
        "ComplaintStateEnum": "complaints.models.choices.State",
        "ComplaintCategoryEnum": "complaints.models.choices.Category",
        "ComplaintSeverityEnum": "complaints.models.choices.Severity",
    }
)
