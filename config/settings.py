"""Baomi settings, read from the environment.

Two shapes share this one file:

* **embedded** (the default, no environment at all): SQLite, files and generated secrets under
  ``var/``, Celery tasks run eagerly in-process, e-mail to the console. This is what
  ``./scripts/demo`` and the test suite use.
* **production** (``BAOMI_MODE=production``): PostgreSQL from ``DATABASE_URL``, Redis as the Celery
  broker, secrets from the environment, HTTPS-only cookies, HSTS and SSL redirect.

Every variable is documented in ``.env.example`` and the README's configuration table.
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config import detection, keychecks, metrics, queue
from config.connect import CONNECT_APPS, connect_settings
from config.database import database
from config.logs import logging_from, request_ids
from config.mail import mail_settings
from config.schedule import beat_schedule
from config.secretfiles import load_secret_files, read_or_create_secret
from config.storage import folder_or_bucket

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(str(BASE_DIR / ".env"))
load_secret_files(os.environ)  # NAME_FILE for every secret (compose secrets; issue 18 §4)

BAOMI_MODE = env.str("BAOMI_MODE", default="embedded")
if BAOMI_MODE not in {"embedded", "production"}:
    raise ImproperlyConfigured("BAOMI_MODE must be 'embedded' or 'production'")
PRODUCTION = BAOMI_MODE == "production"

VAR_DIR = Path(env.str("BAOMI_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
if VAR_DIR.stat().st_uid == os.getuid():
    VAR_DIR.chmod(0o700)  # the database, stored files and key files live here


def _required_in_production(name: str) -> None:
    if PRODUCTION and not env.str(name, default=""):
        raise ImproperlyConfigured(f"{name} must be set when BAOMI_MODE=production")


for _name in ("DJANGO_SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "CELERY_BROKER_URL"):
    _required_in_production(_name)

# --- Core -------------------------------------------------------------------------------------

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or read_or_create_secret(
    VAR_DIR / "secret_key"
)
# Embedded mode's key file for records/crypto/ (0600); production keys come from the environment.
BAOMI_KEY_FILE = Path(env.str("BAOMI_KEY_FILE", default=str(VAR_DIR / "master.key")))
if not PRODUCTION:
    read_or_create_secret(BAOMI_KEY_FILE, nbytes=32)
# How often the chain head is signed and anchored: the longest tail an owner could cut unseen.
BAOMI_ANCHOR_MINUTES = env.int("BAOMI_ANCHOR_MINUTES", default=5)
# The key that signs audit anchors (Ed25519, issue 17 §9): kept apart from the database host
# in production (required there); embedded mode makes one on first start (0600).
BAOMI_ANCHOR_SIGNING_KEY = env.str("BAOMI_ANCHOR_SIGNING_KEY", default="") or (
    "" if PRODUCTION else read_or_create_secret(VAR_DIR / "anchor-signing.key", nbytes=32)
)
# Versioned key-encryption keys "2:<base64>,1:<base64>" (newest wraps, all unwrap) and the
# blind-index key; both required in production, derived from the key file in embedded mode.
BAOMI_RECORD_KEKS = env.str("BAOMI_RECORD_KEKS", default="")
BAOMI_INDEX_KEY = env.str("BAOMI_INDEX_KEY", default="")
BAOMI_KEY_PROVIDER = env.str("BAOMI_KEY_PROVIDER", default="records.crypto.LocalKeyProvider")
# Backups (R31): their own key, never one of the record keys; derived from the key file in
# embedded mode, required in production (keep a copy of it off-site, see docs/OPERATIONS.md).
BAOMI_BACKUP_KEY = env.str("BAOMI_BACKUP_KEY", default="")
# Generations kept: the newest archive of each of the last N days, ISO weeks and months.
BAOMI_BACKUP_KEEP_DAILY = env.int("BAOMI_BACKUP_KEEP_DAILY", default=7)
BAOMI_BACKUP_KEEP_WEEKLY = env.int("BAOMI_BACKUP_KEEP_WEEKLY", default=4)
BAOMI_BACKUP_KEEP_MONTHLY = env.int("BAOMI_BACKUP_KEEP_MONTHLY", default=12)
if PRODUCTION and sys.argv[1:2] != ["genkeys"]:
    # Keys, the anchor key and mail: refuse to start with the variable's name (issue 18 §3).
    _problems = keychecks.key_problems(
        {
            name: env.str(name, default="")
            for name in (
                "BAOMI_RECORD_KEKS",
                "BAOMI_INDEX_KEY",
                "BAOMI_BACKUP_KEY",
                "BAOMI_ANCHOR_SIGNING_KEY",
                "EMAIL_URL",
                "BAOMI_METRICS_TOKEN",
            )
        }
    )
    if _problems:
        raise ImproperlyConfigured("\n".join(_problems))
# Uploads to client files (ID scans, contracts, plans, consent evidence).
BAOMI_ATTACHMENT_MAX_MB = env.int("BAOMI_ATTACHMENT_MAX_MB", default=10)
BAOMI_RECORDS_PAGE_SIZE = env.int("BAOMI_RECORDS_PAGE_SIZE", default=25)
# Longest loan (R41) and longest life of a copy (R42) a request may ask for, in days.
BAOMI_MAX_BORROW_DAYS = env.int("BAOMI_MAX_BORROW_DAYS", default=30)
BAOMI_MAX_COPY_DAYS = env.int("BAOMI_MAX_COPY_DAYS", default=14)
# How many times the requester may download an approved copy (R42).
BAOMI_COPY_DOWNLOADS = env.int("BAOMI_COPY_DOWNLOADS", default=3)
# Drafts and returned files untouched this long are purged, the handler told first (R60).
BAOMI_DRAFT_PURGE_DAYS = env.int("BAOMI_DRAFT_PURGE_DAYS", default=90)
BAOMI_DRAFT_NOTICE_DAYS = env.int("BAOMI_DRAFT_NOTICE_DAYS", default=7)
# How long an external delivery link works (R52); it works once in any case.
BAOMI_SHARE_LINK_HOURS = env.int("BAOMI_SHARE_LINK_HOURS", default=72)
# How the customer access report (PIPL Art. 45) shows staff: "roles" or "names" (and number).
BAOMI_ACCESS_REPORT_NAMES = env.str("BAOMI_ACCESS_REPORT_NAMES", default="roles")
# Working days a customer's request about their data must be answered in (PIPL; 15 by default).
BAOMI_SUBJECT_REQUEST_DAYS = env.int("BAOMI_SUBJECT_REQUEST_DAYS", default=15)
# CJK fonts embedded in PDFs, first match per character (default: records.pdf.DEFAULT_FONTS).
BAOMI_PDF_FONT = env.list("BAOMI_PDF_FONT", default=[])

DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "access.admin_apps.BaomiAdminConfig",
    "django.contrib.auth",
    "django_guid",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "auditlog",
    "guardian",
    *CONNECT_APPS,
    # Ours, in dependency order: disposal -> records -> access -> audit -> core.
    "core",
    "audit",
    "access",
    "records",
    "disposal",
]

MIDDLEWARE = [
    # First: health probes answer before the host check and the HTTPS redirect (issue 18 §1).
    "config.probes.HealthProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_guid.middleware.guid_middleware",
    "core.middleware.RequestIdMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "access.middleware.SnapshotOTPMiddleware",  # django-otp's, reading what the user query read
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.FieldHistoryMiddleware",  # django-auditlog's, with Baomi's client address
    "access.middleware.SessionTimeoutMiddleware",
    "access.middleware.AccessGateMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a lockout flagged during the view into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "csp.context_processors.nonce",
                "access.context_processors.shell",
            ],
        },
    },
]
FORM_RENDERER = "core.form_rendering.FormRenderer"  # fields drawn by Jinja2, a fifth faster

# --- Database ---------------------------------------------------------------------------------

DATABASES = {"default": database(env, VAR_DIR)}
BAOMI_DRILL_DATABASE_URL = env.str("BAOMI_DRILL_DATABASE_URL", default="")  # CREATEDB role

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Identity and sign-in (R2) ----------------------------------------------------------------

AUTH_USER_MODEL = "access.User"
LOGIN_URL = "access:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "access:login"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "access.backends.AtWorkModelBackend",
]

# django-guardian keeps per-object grants (access.models.RecordUserObjectPermission, a direct
# foreign key to the record). Its ObjectPermissionBackend is deliberately NOT installed: it knows
# neither grant expiry nor our rules and gives superusers every object permission. Object rights
# are decided by access/policy/ alone, which reads the same rows with their expiry.
SILENCED_SYSTEM_CHECKS = ["guardian.W001"]
GUARDIAN_MONKEY_PATCH_USER = False
GUARDIAN_MONKEY_PATCH_GROUP = False
ANONYMOUS_USER_NAME = None  # no guardian "AnonymousUser" account: anonymous people get nothing

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("BAOMI_PASSWORD_MIN_LENGTH", default=12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "access.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]

OTP_TOTP_ISSUER = env.str("BAOMI_OTP_ISSUER", default="Baomi")
OTP_TOTP_THROTTLE_FACTOR = env.int("BAOMI_OTP_THROTTLE_FACTOR", default=1)

# How long personal data outside the files is kept (access/purge.py, records/imports/expiry.py).
BAOMI_KEEP_SIGN_IN_LOGS_DAYS = env.int("BAOMI_KEEP_SIGN_IN_LOGS_DAYS", default=180)
BAOMI_KEEP_FIELD_HISTORY_DAYS = env.int("BAOMI_KEEP_FIELD_HISTORY_DAYS", default=1095)
BAOMI_KEEP_UNSTARTED_IMPORTS_DAYS = env.int("BAOMI_KEEP_UNSTARTED_IMPORTS_DAYS", default=14)
# django-axes locks username and client IP together: no one locks a colleague out (R2).
AXES_FAILURE_LIMIT = env.int("BAOMI_LOCKOUT_FAILURES", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("BAOMI_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Reset only after both factors succeed (access.signin), not after the password alone.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "access.views.signin.locked_out"
# Number of trusted reverse proxies in front of gunicorn; 0 means trust only REMOTE_ADDR.
BAOMI_PROXY_COUNT = env.int("BAOMI_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "core.request_context.client_ip"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "token", "new_password1", "new_password2"]
AXES_VERBOSE = False

# Sessions: idle and absolute timeouts are enforced by access.middleware.SessionTimeoutMiddleware.
BAOMI_IDLE_TIMEOUT = timedelta(minutes=env.int("BAOMI_IDLE_TIMEOUT_MINUTES", default=15))
BAOMI_ABSOLUTE_TIMEOUT = timedelta(hours=env.float("BAOMI_ABSOLUTE_TIMEOUT_HOURS", default=10))
BAOMI_REAUTH_WINDOW = timedelta(minutes=env.int("BAOMI_REAUTH_MINUTES", default=5))
# How long a one-time enrolment link works (first sign-in, administrator reset; access/enrolment).
BAOMI_ENROLMENT_LINK_HOURS = env.int("BAOMI_ENROLMENT_LINK_HOURS", default=24)
SESSION_COOKIE_NAME = "baomi_session"
SESSION_COOKIE_AGE = int(BAOMI_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "config.views.csrf_failure"

# --- Web security -----------------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env.bool("BAOMI_SSL_REDIRECT", default=PRODUCTION)
SESSION_COOKIE_SECURE = env.bool("BAOMI_SECURE_COOKIES", default=PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("BAOMI_HSTS_SECONDS", default=31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("BAOMI_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
SECURE_HSTS_PRELOAD = env.bool("BAOMI_HSTS_PRELOAD", default=PRODUCTION)
if env.bool("BAOMI_BEHIND_TLS_PROXY", default=False):
    # Only when the proxy in front strips any X-Forwarded-Proto a client sends.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# A strict policy in every mode, so that development sees what production would block:
# no inline script or style, no external origin, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}
BAOMI_PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "clipboard-read=(), interest-cohort=()"
)

# --- Internationalisation ---------------------------------------------------------------------

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("BAOMI_TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and stored files ------------------------------------------------------------------

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("BAOMI_STATIC_ROOT", default=str(VAR_DIR / "static")))
_manifest = env.bool("BAOMI_STATIC_MANIFEST", default=PRODUCTION)
if not _manifest:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise serves from the finders instead


STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": str(Path(env.str("BAOMI_FILE_ROOT", default=str(VAR_DIR / "files")))),
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    },
    # Audit chain anchors (issue 3): outside the database, ideally on other hardware or object
    # storage, so that rewriting the database cannot rewrite them too.
    "anchors": folder_or_bucket(env, VAR_DIR, "ANCHOR", "anchors"),
    # Encrypted backup archives (R31): a local folder by default; off-site in production.
    "backups": folder_or_bucket(env, VAR_DIR, "BACKUP", "backups"),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if _manifest
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        ),
    },
}
WHITENOISE_USE_FINDERS = not _manifest
WHITENOISE_ROOT = BASE_DIR / "static" / "root"  # /favicon.ico, which browsers ask for unprompted
# Uploaded files are never served as static media: downloads go through views that check policy.
FILE_UPLOAD_PERMISSIONS = 0o600
# Uploads are held in memory until encrypted, never in a temporary file in clear.
FILE_UPLOAD_HANDLERS = ["records.uploads.MemoryOnlyUploadHandler"]
DATA_UPLOAD_MAX_NUMBER_FILES = 10

# --- Cache ------------------------------------------------------------------------------------

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://baomi")}

# --- E-mail -----------------------------------------------------------------------------------

vars().update(mail_settings(env))  # through the sealed outbox; EMAIL_URL's backend delivers
vars().update(connect_settings(env, CSRF_TRUSTED_ORIGINS))  # API, passkeys (config/connect.py)

# --- Celery -----------------------------------------------------------------------------------

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
# Serialisation, acknowledgement, time limits, visibility timeout: config/queue.py.
vars().update(queue.celery_settings(env, CELERY_BROKER_URL, TIME_ZONE, VAR_DIR))
# Periodic jobs (config/schedule.py); BAOMI_BEAT_DISABLE=name1,name2 disables some.
CELERY_BEAT_SCHEDULE = beat_schedule(env)
BAOMI_BEAT_DISABLE = env.list("BAOMI_BEAT_DISABLE", default=[])

# --- Logging ----------------------------------------------------------------------------------

LOGGING = logging_from(env)  # BAOMI_LOG_LEVEL, BAOMI_LOG_FORMAT (config/logs.py)
DJANGO_GUID = request_ids()  # the request id in responses, logs, audit events, tasks
vars().update(metrics.metrics_settings(env, INSTALLED_APPS, MIDDLEWARE))  # /metrics, if a token

# --- Audit (issue 3) ----------------------------------------------------------------------------

# Anomaly rules, office hours, incident deadlines, emergency-access cap (config/detection.py).
BAOMI_ANOMALY = detection.anomaly_thresholds(env)
BAOMI_OFFICE_HOURS, BAOMI_OFFICE_DAYS = detection.office_hours(env)
BAOMI_INCIDENT_RESPONSE_HOURS = detection.incident_response_hours(env)
BAOMI_BREAK_GLASS_PER_DAY = env.int("BAOMI_BREAK_GLASS_PER_DAY", default=3)
# The sealer: how long it waits for late-committing events; how long unsealed means stopped.
BAOMI_AUDIT_SEAL_GRACE_SECONDS = env.int("BAOMI_AUDIT_SEAL_GRACE_SECONDS", default=5)
BAOMI_AUDIT_SEAL_LAG_WARNING = env.int("BAOMI_AUDIT_SEAL_LAG_WARNING_SECONDS", default=120)

# --- Baomi ------------------------------------------------------------------------------------

BAOMI_COMPANY_NAME = env.str("BAOMI_COMPANY_NAME", default="Baomi demo company")
