"""Kefu settings: everything that differs between machines comes from the environment."""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KEFU_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("KEFU_DEBUG", False)
# The default key is only good for a laptop demo; deployments set KEFU_SECRET_KEY.
SECRET_KEY = os.environ.get("KEFU_SECRET_KEY", "kefu-insecure-demo-key-change-me-in-production")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("KEFU_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("KEFU_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "kefu.core",
    "kefu.accounts",
    "kefu.customers",
    "kefu.tickets",
    "kefu.sla",
    "kefu.complaints",
    "kefu.suggestions",
    "kefu.repairs",
    "kefu.aftersales",
    "kefu.lostfound",
    "kefu.followups",
    "kefu.surveys",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "kefu.core.sessions.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kefu.core.views.ServiceErrorMiddleware",
]

ROOT_URLCONF = "kefu.urls"
WSGI_APPLICATION = "kefu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "kefu" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# Database: SQLite file under var/ unless DATABASE_URL says otherwise.
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'kefu.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=int(os.environ.get("KEFU_CONN_MAX_AGE", "60")))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend with writers queued in the kernel rather than in SQLite's sleeping busy handler.
    DATABASES["default"]["ENGINE"] = "kefu.core.sqlite"
    DATABASES["default"]["CONN_MAX_AGE"] = 0 if os.environ.get("KEFU_SQLITE_NO_PERSIST") else None
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE: concurrent writers queue on the write lock instead of failing mid-transaction.
        # cache_size is per connection (one per worker thread): 4 MB each keeps RSS bounded.
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=30000; PRAGMA cache_size=-4000; PRAGMA temp_store=MEMORY"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-kefu.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend with a create's few-row INSERTs sent as VALUES lists (kefu/core/postgresql).
    DATABASES["default"]["ENGINE"] = "kefu.core.postgresql"
if DATABASES["default"]["ENGINE"] == "kefu.core.postgresql" and os.environ.get("KEFU_PG_PREPARE", "1") != "0":
    # Parameters bound on the server let psycopg prepare the statements a worker repeats on every page: PostgreSQL
    # parses them once per connection. Plans stay custom (made for each call's values): a generic plan cannot use
    # the partial indexes the queues rely on and took the deadline-sorted queue from 20 to 40 ms.
    # Set KEFU_PG_PREPARE=0 behind a pooler in transaction mode (PgBouncer), where a prepared statement may not
    # outlive its transaction.
    _pg = DATABASES["default"].setdefault("OPTIONS", {})
    _pg.update(server_side_binding=True, prepare_threshold=5)
    _pg["options"] = f"{_pg.get('options', '')} -c plan_cache_mode=force_custom_plan".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTHENTICATION_BACKENDS = ["kefu.core.authentication.KefuModelBackend"]
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "tickets:queue"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "kefu" / "locale"]
TIME_ZONE = os.environ.get("KEFU_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "kefu" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Attachments live outside the database and outside STATIC/MEDIA URLs: only a permission-checked view serves them.
MEDIA_ROOT = Path(os.environ.get("KEFU_MEDIA_ROOT", VAR_DIR / "media"))
# Never routed: a URL that no request can match keeps Django (and its test live server) from serving media.
MEDIA_URL = "http://media.invalid/"
# Connections that write a site's year of revisit plans at once (PostgreSQL, outside a transaction).
KEFU_PLAN_WORKERS = int(os.environ.get("KEFU_PLAN_WORKERS", "2"))
KEFU_ATTACHMENT_MAX_BYTES = int(os.environ.get("KEFU_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

EMAIL_BACKEND = os.environ.get("KEFU_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("KEFU_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("KEFU_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("KEFU_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("KEFU_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("KEFU_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("KEFU_EMAIL_FROM", "kefu@localhost")
# Periodic jobs (SLA scan …): "embedded" runs them inside the web workers, "celery" leaves them to beat + workers.
KEFU_SCHEDULER = os.environ.get("KEFU_SCHEDULER", "embedded")
CELERY_BROKER_URL = os.environ.get("KEFU_REDIS_URL", "redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = os.environ.get("KEFU_REDIS_URL", "redis://127.0.0.1:6379/0")
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"


# Absolute links in e-mails point here. Unset, they follow bin/run's KEFU_HOST/KEFU_PORT, so a server moved to
# another port still mails links that open it. A wildcard listen address is no address to mail: it becomes
# loopback (a deployment behind a proxy sets its public URL).
def _listen_url() -> str:
    host = os.environ.get("KEFU_HOST", "").strip() or "127.0.0.1"
    host = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104 (compared, not bound)
    return f"http://{f'[{host}]' if ':' in host else host}:{os.environ.get('KEFU_PORT', '').strip() or '8000'}"


KEFU_BASE_URL = os.environ.get("KEFU_BASE_URL", "").strip() or _listen_url()

# Sessions read with their user in one query (kefu/core/sessions.py).
SESSION_ENGINE = "kefu.core.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("KEFU_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "kefu.core.authentication.KefuTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only: DRF's browsable pages would answer a browser's `Accept: text/html` (errors included) in HTML. The
    # API's pages for people are the Swagger docs at /api/docs/.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "kefu.core.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kefu API",
    "DESCRIPTION": "客服中心管理系统 REST API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Docs assets come from the drf-spectacular-sidecar package: no CDN on an intranet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No validator badge: Swagger UI would otherwise fetch it from validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # Choice sets shared by several fields, or several choice sets behind one field name ("status", "kind",
    # "channel" …), would otherwise get hash names like Status18eEnum that change with the choices.
    # Matched by (value, label): a serializer with an ad-hoc subset keeps a derived name (EligibilityEnum,
    # RuleOrderTypeEnum, RepairSheetStageEnum have no importable (value, label) list to point at).
    "ENUM_NAME_OVERRIDES": {
        "SiteKindEnum": "kefu.accounts.models.SiteKind",
        "CustomerKindEnum": "kefu.customers.models.CustomerKind",
        "CreditRatingEnum": "kefu.customers.models.CreditRating",
        "WorkOrderTypeEnum": "kefu.tickets.models.WorkOrderType",
        "WorkOrderChannelEnum": "kefu.tickets.models.Channel",
        "WorkOrderStatusEnum": "kefu.tickets.transitions.Status",
        "FeedbackChannelEnum": "kefu.suggestions.models.FeedbackChannel",
        "SuggestionStageEnum": "kefu.suggestions.transitions.Stage",
        "CompensationKindEnum": "kefu.complaints.models.CompensationKind",
        "AfterSalesKindEnum": "kefu.aftersales.models.CaseKind",
        "AfterSalesStageEnum": "kefu.aftersales.models.Stage",
        "AfterSalesRepairOutcomeEnum": "kefu.aftersales.models.RepairOutcome",
        "WarrantyEligibilityEnum": "kefu.aftersales.models.Eligibility",
        "NotifyMethodEnum": "kefu.aftersales.models.NotifyMethod",
        "ReturnKindEnum": "kefu.aftersales.models.ReturnKind",
        "ReturnStatusEnum": "kefu.aftersales.models.ReturnStatus",
        "FoundItemStatusEnum": "kefu.lostfound.models.ItemStatus",
        "BroadcastChannelEnum": "kefu.lostfound.models.BroadcastChannel",
        "LostPersonOutcomeEnum": "kefu.lostfound.models.PersonOutcome",
        "FollowUpMethodEnum": "kefu.followups.models.Method",
        "InformationItemEnum": "kefu.followups.models.InfoItem",
        "QuestionKindEnum": "kefu.surveys.models.QuestionKind",
        "OfficialDayKindEnum": "kefu.sla.models.OfficialDay.KINDS",
    },
    # The API's <id:…> path converter (kefu/api_urls.py) is an integer of at most 18 digits.
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 0, "maximum": 999_999_999_999_999_999}},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KEFU_LOG_LEVEL", "WARNING")},
}
