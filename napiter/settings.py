"""Settings for napiter: one module, every value from the environment.

Defaults are safe for `make run` on a developer's machine (embedded PostgreSQL and Valkey on
loopback, see napiter/devservices.py). Production sets at least DJANGO_SECRET_KEY (or
DJANGO_SECRET_KEY_FILE), DJANGO_ALLOWED_HOSTS, DATABASE_URL and REDIS_URL.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import django_stubs_ext
import environ
from whitenoise.compress import Compressor

# Lets classes such as ModelAdmin[Region] be subscripted at run time, as the type hints write them.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("NAPITER_VAR_DIR", BASE_DIR / "var"))

env = environ.Env()


def secret(name: str, default: str = "") -> str:
    """A secret from NAME, or from the file named by NAME_FILE (Docker/Kubernetes secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return env.str(name, default=default)


DEBUG = env.bool("DJANGO_DEBUG", default=False)
# The default carries Django's "django-insecure-" prefix so that `check --deploy` refuses it in production.
SECRET_KEY = secret("DJANGO_SECRET_KEY", "django-insecure-dev-only-set-DJANGO_SECRET_KEY-in-production")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

DEV_PG_PORT = env.int("NAPITER_PG_PORT", default=54329)
DEV_REDIS_PORT = env.int("NAPITER_REDIS_PORT", default=63799)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "napiter.accounts",
    "napiter.documents",
    "napiter.regions",
    "napiter.audit",
    "napiter.policy",
    "cases",
    "assistance",
    "assessments",
    "sinergi",
    "privacy",
    "dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "napiter.accounts.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "napiter.audit.middleware.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "napiter.accounts.middleware.SessionTimeoutMiddleware",
    "napiter.accounts.middleware.TwoFactorMiddleware",
    "napiter.routes.RouteAccessMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a sign-in refused for lockout into the lockout answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "napiter.urls"
WSGI_APPLICATION = "napiter.wsgi.application"
ASGI_APPLICATION = "napiter.asgi.application"

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
                "napiter.accounts.context_processors.navigation",
            ],
        },
    },
]

# Form widgets render through Django's own Jinja2 copies of its widget templates: a case page draws about
# twenty-five widgets, a fifth of its time through the Django template engine (p50 64 -> 51 ms). Pages
# themselves stay Django templates; the region picker renders its own (napiter.regions.forms).
FORM_RENDERER = "django.forms.renderers.Jinja2"

DATABASES = {"default": env.db("DATABASE_URL", default=f"postgres://postgres@127.0.0.1:{DEV_PG_PORT}/napiter")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A database host that stops answering must not hang requests (and /healthz) for the OS TCP timeout.
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int("DATABASE_CONNECT_TIMEOUT", default=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = secret("REDIS_URL", f"redis://127.0.0.1:{DEV_REDIS_PORT}/0")

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "napiter",
        "TIMEOUT": 300,
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out account before any password is checked (django-axes).
    "napiter.accounts.security.LockoutBackend",
    "napiter.accounts.backends.RoleBackend",  # ModelBackend, one query for roles and permissions
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row; anonymous users get nothing

if env.bool("DJANGO_FAST_PASSWORD_HASHER", default=False):
    # Test suites only: the default PBKDF2 costs ~0.3 s per hash by design.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Uploaded photos and signature images: larger files are refused, photos are stored at most this many pixels wide.
UPLOAD_IMAGE_MAX_BYTES = env.int("UPLOAD_IMAGE_MAX_BYTES", default=10 * 1024 * 1024)
UPLOAD_IMAGE_MAX_SIDE = env.int("UPLOAD_IMAGE_MAX_SIDE", default=1600)
# Production images run collectstatic and serve hashed, compressed files (DJANGO_STATIC_MANIFEST=1);
# `make run` and the tests serve straight from static/ through the finders, with nothing to collect.
STATIC_MANIFEST = env.bool("DJANGO_STATIC_MANIFEST", default=False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
WHITENOISE_AUTOREFRESH = not STATIC_MANIFEST
# Source maps of the vendored Swagger UI are large and never served compressed to people: skip the work.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an unauthenticated API call then answers 401 with WWW-Authenticate, not 403.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["napiter.routes.RegistryPermission"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "napiter.api_schema.AutoSchema",
    # DRF's own parsers read any body size: these hold it to DATA_UPLOAD_MAX_MEMORY_SIZE (413 above it).
    "DEFAULT_PARSER_CLASSES": [
        "napiter.parsers.JSONParser",
        "napiter.parsers.FormParser",
        "napiter.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "napiter.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"token": "10/minute"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "napiter API",
    "DESCRIPTION": "API manajemen kasus rehabilitasi dan reintegrasi (BNPT, Kemensos, Dinas Sosial).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set, so clients see the same enum wherever a field reuses it.
    "ENUM_NAME_OVERRIDES": {
        "CaseStageEnum": "cases.models.Case.Stage",
        "CaseClosureReasonEnum": "cases.models.Case.ClosureReason",
        "PersonStatusEnum": "cases.models.Person.Status",
        "DocumentStatusEnum": "napiter.documents.models.Document.Status",
        "ActionPlanStatusEnum": "sinergi.models.ActionPlan.Status",
        "ActionPlanCategoryEnum": "sinergi.models.ActionPlan.Category",
        "ActionPlanFundingSourceEnum": "sinergi.models.ActionPlan.FundingSource",
        "PersonCategoryEnum": "cases.models.Person.Category",
        "GrantStatusEnum": "assistance.models.Grant.Status",
        "AssessmentStatusEnum": "assessments.models.Assessment.Status",
        "InstrumentVersionStatusEnum": "assessments.models.InstrumentVersion.Status",
        "ReferralKindEnum": "cases.models.Referral.Kind",
        "OfficialKindEnum": "sinergi.models.Official.Kind",
        "SubjectRequestKindEnum": "privacy.models.SubjectRequest.Kind",
    },
    # No badge image from an external validator service: the CSP allows images from this site only.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
}

# Celery: JSON only, explicit limits; acks_late + reject_on_worker_lost so a killed worker's task is
# redelivered, and a visibility timeout above the longest task's hard limit so it is not redelivered early.
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=600)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=540)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 300}
CELERY_RESULT_EXPIRES = 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "documents-requeue-stuck": {"task": "documents.requeue_stuck", "schedule": 60.0},
    "sessions-clear-expired": {"task": "accounts.sessions_clear_expired", "schedule": 24 * 3600.0},
    "cases-purge-expired-grants": {"task": "cases.purge_expired_grants", "schedule": 24 * 3600.0},
    "privacy-apply-retention": {"task": "privacy.apply_retention", "schedule": 24 * 3600.0},
    # Idempotent: creates the drafts of a period that has just ended, once per office and period.
    "dashboards-periodic-reports": {"task": "dashboards.generate_periodic_reports", "schedule": 6 * 3600.0},
    # Before the national tiles expire (DASHBOARD_CACHE_SECONDS, below), so no page computes them.
    "dashboards-warm-national": {"task": "dashboards.warm_national", "schedule": 240.0},
}

# Security headers. Cookies are secure whenever the site is served over HTTPS (production).
SECURE_HTTPS = env.bool("DJANGO_SECURE_HTTPS", default=False)
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_SSL_REDIRECT = SECURE_HTTPS
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000 if SECURE_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = SECURE_HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# camera and geolocation for photo capture and visit locations on this site; everything else off.
PERMISSIONS_POLICY = "camera=(self), geolocation=(self), microphone=(), payment=(), usb=()"
# Only this site's own files: no inline script or style, no eval (htmx runs with allowEval=false).
# Bootstrap's stylesheet draws its icons with data: SVG images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Sessions end after SESSION_IDLE_MINUTES without activity and SESSION_MAX_HOURS after sign-in
# (napiter.accounts.middleware.SessionTimeoutMiddleware); the cookie lives as long as the idle limit.
SESSION_IDLE_MINUTES = env.int("DJANGO_SESSION_IDLE_MINUTES", default=30)
SESSION_MAX_HOURS = env.int("DJANGO_SESSION_MAX_HOURS", default=8)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
# Every request reads its session: from Valkey, where the database copy is cached. Writes go to both; a
# session missing from the cache (evicted, flushed, Valkey down) is read from the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Sign-in lockout (django-axes): per account *and* client address, so that failures from one place
# cannot lock the owner out from another. Unlock: the admin's "Access attempts", or `axes_reset_username`.
AXES_FAILURE_LIMIT = env.int("DJANGO_LOCKOUT_FAILURES", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("DJANGO_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "napiter.accounts.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "napiter.accounts.security.client_ip"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password", "otp"]
AXES_VERBOSE = False  # no start-up banner in every management command's output
# Reverse proxies in front of the app that append the client address to X-Forwarded-For.
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)

# Two-step verification (django-otp, TOTP) for the roles with needs_2fa.
OTP_TOTP_ISSUER = env.str("NAPITER_OTP_ISSUER", default="napiter")

DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="napiter-demo")

# Numbered, signed documents (napiter/documents). Each signer's key is SIGNING_KEYS_DIR/<username>.p12,
# opened with the passphrase from SIGNING_KEY_PASSPHRASES_FILE (lines "username=passphrase") or else
# SIGNING_KEY_PASSPHRASE; with SIGNING_PKCS11_MODULE set, keys live on a PKCS#11 token instead, labelled
# with the username. Signatures are trusted when they chain to a certificate in SIGNING_TRUST_ROOTS.
SIGNING_KEYS_DIR = Path(env.str("NAPITER_SIGNING_KEYS_DIR", default=str(VAR_DIR / "pki")))
SIGNING_KEY_PASSPHRASE = secret("NAPITER_SIGNING_KEY_PASSPHRASE", "napiter-demo-pki")
SIGNING_KEY_PASSPHRASES_FILE = env.str("NAPITER_SIGNING_KEY_PASSPHRASES_FILE", default="")
SIGNING_TRUST_ROOTS = env.list("NAPITER_SIGNING_TRUST_ROOTS", default=[str(SIGNING_KEYS_DIR / "demo-ca.pem")])
SIGNING_PKCS11_MODULE = env.str("NAPITER_SIGNING_PKCS11_MODULE", default="")
SIGNING_PKCS11_TOKEN_LABEL = env.str("NAPITER_SIGNING_PKCS11_TOKEN_LABEL", default="")
SIGNING_PKCS11_PIN = secret("NAPITER_SIGNING_PKCS11_PIN", "")
# Hash in software and sign with the token's raw mechanism (CKM_ECDSA, CKM_RSA_PKCS): works on tokens
# without hash-and-sign mechanisms (SoftHSM, many smart cards). Set 0 to use the token's own.
SIGNING_PKCS11_RAW_MECHANISM = env.bool("NAPITER_SIGNING_PKCS11_RAW_MECHANISM", default=True)
DOCUMENTS_TSA_URL = env.str("DOCUMENTS_TSA_URL", default="")  # RFC 3161 timestamp authority, optional
# The address printed in the QR code and the footer of every document: the public verification site.
DOCUMENTS_PUBLIC_URL = env.str("DOCUMENTS_PUBLIC_URL", default="http://127.0.0.1:8000")
DOCUMENTS_REQUEUE_AFTER_SECONDS = env.int("DOCUMENTS_REQUEUE_AFTER_SECONDS", default=120)
# A render still running after the hard time limit was killed with its worker: the sweeper sends it again.
DOCUMENTS_STALE_RENDER_SECONDS = env.int("DOCUMENTS_STALE_RENDER_SECONDS", default=CELERY_TASK_TIME_LIMIT + 60)
DOCUMENTS_VERIFY_PER_MINUTE = env.int("DOCUMENTS_VERIFY_PER_MINUTE", default=30)
DOCUMENTS_VERIFY_UPLOADS_PER_MINUTE = env.int("DOCUMENTS_VERIFY_UPLOADS_PER_MINUTE", default=5)
DOCUMENTS_VERIFY_MAX_UPLOAD_BYTES = env.int("DOCUMENTS_VERIFY_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # At INFO these narrate every render and signature (layout steps, ~40 lines of font subsetting).
        "fontTools": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
    },
}

# National dashboard tiles are cached this long; beat recomputes them every 4 minutes (dashboards/cache.py).
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=600)
