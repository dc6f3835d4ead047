"""Embedded default settings: runs on one machine with nothing but Python.

SQLite for data, a file-system folder as Celery broker, e-mail to the
console. Setting ``DATABASE_URL`` (PostgreSQL) and ``REDIS_URL`` switches the
same settings to the production services; ``prod.py`` additionally makes them
mandatory.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import csp.constants
import dj_database_url
from django.utils.translation import gettext_lazy as _

from selvhjelp.schedules import crontab  # Celery's, safe in October's repeated hour

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("SELVHJELP_VAR_DIR", BASE_DIR / "var"))


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if not value:
        return default
    return value.lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def _dev_secret_key() -> str:
    """A secret generated once per checkout and kept in ``var/``.

    Development only: production refuses to start without ``SECRET_KEY``.
    """
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env("SECRET_KEY") or _dev_secret_key()
DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    # Lets templates/django/forms/ override widget markup (Designsystemet classes).
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "core",
    "accounts",
    "places",
    "organisations",
    "groups",
    "decisions",
    "interest",
    "pledges",
    "joining",
    "meetings",
    "notifications",
    "monitoring",
    "directory",
    "feedback",
    "board",
    "privacy",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "accounts.middleware.AccountFormFloorMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "core.middleware.NoStoreMiddleware",
    "core.middleware.ApiJsonErrorsMiddleware",
    "core.middleware.QueryStringLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "core.middleware.BadInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "core.middleware.StaffMFAMiddleware",
    "core.middleware.MethodNotAllowedPageMiddleware",
]

ROOT_URLCONF = "selvhjelp.urls"
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "selvhjelp.wsgi.application"
ASGI_APPLICATION = "selvhjelp.asgi.application"

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
                "core.context_processors.site",
            ],
            "builtins": ["groups.templatetags.inside"],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "db.sqlite3"),
            # Web, worker and beat share the file: WAL lets readers run beside
            # one writer, IMMEDIATE takes the write lock up front so that
            # concurrent transactions wait instead of failing half-way.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, broker ----------------------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES: dict[str, dict[str, Any]] = {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "selvhjelp",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Parts of pages that are the same for everyone who is not logged in (the menu,
# the footer), rendered once per language in each process: {% cache ... using="fragments" %}.
FRAGMENT_CACHE: dict[str, Any] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "TIMEOUT": 600,
}
CACHES["fragments"] = FRAGMENT_CACHE

CELERY_BROKER_URL = env("CELERY_BROKER_URL") or REDIS_URL or "filesystem://"
if CELERY_BROKER_URL.startswith("filesystem://"):
    BROKER_DIR = VAR_DIR / "broker"
    for sub in ("queue", "processed", "control"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
    # The file-system transport has no fan-out exchange for remote control.
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = False
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", "selvhjelp")
# Urgent notices (a cancelled meeting, a seat offer) and beat's frequent
# housekeeping (heartbeat, reminder scan, outbox dispatch) have a queue and a
# worker of their own, so that a backlog of reminders never stands in front
# of them. The nightly jobs stay on the default queue.
SELVHJELP_URGENT_QUEUE = env("CELERY_URGENT_QUEUE", f"{CELERY_TASK_DEFAULT_QUEUE}-urgent")
CELERY_TASK_ROUTES = {
    name: {"queue": SELVHJELP_URGENT_QUEUE}
    for name in (
        "core.tasks.heartbeat",
        "meetings.tasks.scan_reminders",
        "notifications.tasks.dispatch",
    )
}
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/Oslo"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Lets operators (and the health endpoint) see that beat and a worker run.
    "heartbeat": {
        "task": "core.tasks.heartbeat",
        "schedule": float(env("SELVHJELP_HEARTBEAT_SECONDS", "60")),
    },
    # The interest list: remind people a month before their registration
    # expires, then take expired registrations off the list.
    "interest-expiry-reminders": {
        "task": "interest.tasks.send_expiry_reminders",
        "schedule": crontab(hour=9, minute=15),
    },
    "interest-expire": {
        "task": "interest.tasks.expire",
        "schedule": crontab(hour=3, minute=30),
    },
    # Host turns for the coming weeks, and the contact person's four-week turn.
    "groups-rotation": {
        "task": "groups.rotation.plan_all_groups",
        "schedule": crontab(day_of_week="mon", hour=4, minute=0),
    },
    # Meetings for the coming weeks, from each group's schedule.
    "meetings-materialise": {
        "task": "meetings.tasks.materialise_all",
        "schedule": crontab(hour=2, minute=40),
    },
    # Initiators of groups that have met often enough are asked to step back.
    "meetings-step-back-nudge": {
        "task": "meetings.nudge.nudge_initiators",
        "schedule": crontab(hour=10, minute=0),
    },
    # Proposals and consent to new members whose time is over pass or lapse.
    "decisions-settle": {
        "task": "decisions.tasks.settle_due",
        "schedule": crontab(minute=20),
    },
    # Joining: seat offers nobody took.
    "joining-expire-offers": {
        "task": "joining.tasks.expire_seat_offers",
        "schedule": crontab(minute=40),
    },
    # Meeting reminders that fell due become outbox rows.
    "meetings-scan-reminders": {
        "task": "meetings.tasks.scan_reminders",
        "schedule": float(env("SELVHJELP_OUTBOX_DISPATCH_SECONDS", "60")),
    },
    # The outbox: due rows go to workers, rows a dead worker left behind go
    # back in line.
    "notifications-dispatch": {
        "task": "notifications.tasks.dispatch",
        "schedule": float(env("SELVHJELP_OUTBOX_DISPATCH_SECONDS", "60")),
    },
    # Anonymous feedback: the answers of a month that is over are filed together
    # (on the 1st, by the run at 01:05).
    "feedback-file-answers": {
        "task": "feedback.tasks.file_answers",
        "schedule": crontab(minute=5),
    },
    # Retention (docs/privacy.md): old requests, messages, audit details, stale accounts.
    "retention-purge": {
        "task": "privacy.tasks.purge",
        "schedule": crontab(hour=3, minute=45),
    },
    # District offices: last week's activity and what needs follow-up.
    "monitoring-weekly-digest": {
        "task": "monitoring.tasks.enqueue_weekly_digests",
        "schedule": crontab(day_of_week="mon", hour=7, minute=30),
    },
    # Pre-aggregated meeting numbers for the dashboards: recent months often,
    # all of them at night.
    "monitoring-refresh-recent": {
        "task": "monitoring.tasks.refresh_recent_activity",
        "schedule": crontab(minute="*/15"),
    },
    "monitoring-refresh-all": {
        "task": "monitoring.tasks.refresh_all_activity",
        "schedule": crontab(hour=3, minute=45),
    },
}
# Task modules outside ``<app>.tasks`` that the worker must register.
CELERY_IMPORTS = (
    "groups.rotation",
    "meetings.nudge",
    "organisations.invitations",
)

# --- Authentication --------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Django's checks with a short line of help each (accounts/passwords.py).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "accounts.passwords.NumericPasswordValidator"},
    {"NAME": "accounts.passwords.CommonPasswordValidator"},
    {"NAME": "accounts.passwords.UserAttributeSimilarityValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:profile"

ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# A seeker needs no password: sign-up and login by a code sent by e-mail, or
# texted to a mobile number (accounts.views.signup_by_phone; allauth's phone
# support in accounts.adapter). A password can be added on the profile; staff
# log in with password and TOTP only (accounts.allauth_forms.RequestLoginCodeForm).
ACCOUNT_LOGIN_METHODS = {"email", "phone"}
ACCOUNT_SIGNUP_FIELDS = ["email*"]
ACCOUNT_FORMS = {
    "login": "accounts.allauth_forms.LoginForm",
    "request_login_code": "accounts.allauth_forms.RequestLoginCodeForm",
    # Signing up with a known address takes as long as with a new one.
    "signup": "accounts.signup.ConstantTimeSignupForm",
}
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Selvhjelp: "
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Confirming a number typed on the profile (accounts.views.phone_confirm):
# allauth's defaults, spelled out: three wrong codes end the attempt, and a
# code is good for 15 minutes.
ACCOUNT_PHONE_VERIFICATION_MAX_ATTEMPTS = 3
ACCOUNT_PHONE_VERIFICATION_TIMEOUT = 15 * 60
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
# allauth's defaults, spelled out so that nobody switches them off unnoticed.
ACCOUNT_RATE_LIMITS = {
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reset_password": "20/m/ip,5/m/key",
    "reauthenticate": "10/m/user",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "confirm_email": "1/3m/key",
    "request_login_code": "20/m/ip,3/m/key",
    "verify_phone": "1/30s/key,3/m/ip",
}
# The platform's own limits (core.ratelimit), in the same notation; an empty
# value switches one off. Over a limit: HTTP 429 with a message (JSON on /api/).
# The account forms (sign-up, login, password reset, login by code) answer no
# sooner than this, so that a known and an unknown address take the same time
# (accounts/middleware.py). Above the slowest of those paths, below a login's
# password hashing.
SELVHJELP_ACCOUNT_FORM_FLOOR_MS = int(env("SELVHJELP_ACCOUNT_FORM_FLOOR_MS", "250"))

SELVHJELP_RATE_LIMITS = {
    "join_request": env("SELVHJELP_RATE_LIMIT_JOIN_REQUEST", "10/h/user,30/h/ip"),
    "interest": env("SELVHJELP_RATE_LIMIT_INTEREST", "10/h/user,30/h/ip"),
    "absence": env("SELVHJELP_RATE_LIMIT_ABSENCE", "30/h/user,120/h/ip"),
    "api": env("SELVHJELP_RATE_LIMIT_API", "120/m/ip"),
    "change_report": env("SELVHJELP_RATE_LIMIT_CHANGE_REPORT", "5/h/user,10/h/ip"),
    "board_post": env("SELVHJELP_RATE_LIMIT_BOARD_POST", "20/h/user,60/h/ip"),
}
# Number of reverse proxies in front of the app (see README, deployment).
ALLAUTH_TRUSTED_PROXY_COUNT = int(env("ALLAUTH_TRUSTED_PROXY_COUNT", "0"))
MFA_ADAPTER = "accounts.adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Selvhjelp"

# --- Internationalisation --------------------------------------------------
LANGUAGE_CODE = "nb"
# Bokmål first (the default), Nynorsk, English. A language added here needs
# its catalogue in locale/ (docs/translation.md); the tests require it.
LANGUAGES = [
    ("nb", _("Norwegian Bokmål")),
    ("nn", _("Norwegian Nynorsk")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "selvhjelp_language"
LANGUAGE_COOKIE_SECURE = False
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365

# --- Static files ----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "core.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

# --- E-mail ------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Selvhjelp <ikke-svar@selvhjelp.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security headers (see core.middleware) ---------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
# django-csp: every script and style comes from the platform itself; a
# per-request nonce (``request.csp_nonce``, used in base.html) is the only way
# to run anything else. No 'unsafe-inline' anywhere. Django's admin keeps the
# other headers but not this one (core.middleware).
CONTENT_SECURITY_POLICY: dict[str, Any] = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": [csp.constants.SELF],
        "script-src": [csp.constants.SELF, csp.constants.NONCE],
        "style-src": [csp.constants.SELF, csp.constants.NONCE],
        "img-src": [csp.constants.SELF, "data:"],
        "font-src": [csp.constants.SELF],
        "connect-src": [csp.constants.SELF],
        "form-action": [csp.constants.SELF],
        "frame-ancestors": [csp.constants.NONE],
        "base-uri": [csp.constants.SELF],
        "object-src": [csp.constants.NONE],
    },
}

# --- Logging -----------------------------------------------------------------
# Log lines carry ids and event names only; never a group's theme, a member's
# name or free text (see docs/privacy.md).
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
    },
}

# --- Domain settings ------------------------------------------------------------
# After this many meetings the initiators are asked to step back.
SELVHJELP_STEP_BACK_NUDGE_AFTER = int(env("SELVHJELP_STEP_BACK_NUDGE_AFTER", "5"))
# The last initiator can step back (the group runs itself) only once the group
# has this many members and has held this many meetings.
SELVHJELP_SELF_RUN_MIN_MEMBERS = int(env("SELVHJELP_SELF_RUN_MIN_MEMBERS", "3"))
SELVHJELP_SELF_RUN_MIN_MEETINGS = int(env("SELVHJELP_SELF_RUN_MIN_MEETINGS", "1"))
# A digital meeting's link shows this many minutes before the start.
SELVHJELP_LINK_OPENS_MINUTES = int(env("SELVHJELP_LINK_OPENS_MINUTES", "30"))
SELVHJELP_DEMO_PASSWORD = env("SELVHJELP_DEMO_PASSWORD", "selvhjelp-demo")
# How many people waiting for the same kind of group in the same area make a
# contact point get a notice from the interest list (Selvhjelp Norge: at least 4).
SELVHJELP_QUORUM = int(env("SELVHJELP_QUORUM", "4"))
# Days a decision stays open (a proposal to the group, or consent to a new
# member), and days an offered waiting-list seat is held.
SELVHJELP_CONSENT_DAYS = int(env("SELVHJELP_CONSENT_DAYS", "7"))
SELVHJELP_OFFER_DAYS = int(env("SELVHJELP_OFFER_DAYS", "3"))

# Retention (docs/privacy.md; the rules are in each app's personal_data.py): days
# each kind of record is kept; every one can be set in the environment under the
# same name.
SELVHJELP_RETAIN_UNANSWERED_JOIN_REQUEST_DAYS = int(
    env("SELVHJELP_RETAIN_UNANSWERED_JOIN_REQUEST_DAYS", "30")
)
SELVHJELP_RETAIN_CLOSED_JOIN_REQUEST_DAYS = int(
    env("SELVHJELP_RETAIN_CLOSED_JOIN_REQUEST_DAYS", "90")
)
SELVHJELP_RETAIN_CLOSED_WAITING_LIST_DAYS = int(
    env("SELVHJELP_RETAIN_CLOSED_WAITING_LIST_DAYS", "90")
)
SELVHJELP_RETAIN_ENDED_INTEREST_DAYS = int(env("SELVHJELP_RETAIN_ENDED_INTEREST_DAYS", "30"))
SELVHJELP_RETAIN_DONE_MESSAGE_DAYS = int(env("SELVHJELP_RETAIN_DONE_MESSAGE_DAYS", "30"))
SELVHJELP_RETAIN_AUDIT_DETAILS_DAYS = int(env("SELVHJELP_RETAIN_AUDIT_DETAILS_DAYS", "180"))
SELVHJELP_RETAIN_AUDIT_DAYS = int(env("SELVHJELP_RETAIN_AUDIT_DAYS", "730"))
SELVHJELP_RETAIN_UNVERIFIED_ACCOUNT_DAYS = int(
    env("SELVHJELP_RETAIN_UNVERIFIED_ACCOUNT_DAYS", "30")
)
SELVHJELP_RETAIN_ABSENCE_DAYS = int(env("SELVHJELP_RETAIN_ABSENCE_DAYS", "90"))
SELVHJELP_RETAIN_MEETING_DETAILS_DAYS = int(env("SELVHJELP_RETAIN_MEETING_DETAILS_DAYS", "90"))
SELVHJELP_RETAIN_INVITATION_DAYS = int(env("SELVHJELP_RETAIN_INVITATION_DAYS", "30"))
SELVHJELP_RETAIN_DECISION_NOTES_DAYS = int(env("SELVHJELP_RETAIN_DECISION_NOTES_DAYS", "90"))
SELVHJELP_RETAIN_CHANGE_REPORT_DAYS = int(env("SELVHJELP_RETAIN_CHANGE_REPORT_DAYS", "90"))
# Posts on a group's message board go after this many days (and at once when
# their author leaves the group or deletes their account).
SELVHJELP_RETAIN_BOARD_POST_DAYS = int(env("SELVHJELP_RETAIN_BOARD_POST_DAYS", "90"))

# --- Outbox and meeting reminders (see notifications/ and meetings/README.md) --
SELVHJELP_REMINDER_DEFAULT_HOURS = int(env("SELVHJELP_REMINDER_DEFAULT_HOURS", "24"))
SELVHJELP_OUTBOX_BATCH_SIZE = int(env("SELVHJELP_OUTBOX_BATCH_SIZE", "100"))
SELVHJELP_OUTBOX_DISPATCH_SECONDS = float(env("SELVHJELP_OUTBOX_DISPATCH_SECONDS", "60"))
SELVHJELP_OUTBOX_LEASE_SECONDS = int(env("SELVHJELP_OUTBOX_LEASE_SECONDS", "300"))
# Claims, leases, due checks and sweeps read the database's clock (notifications/clock.py).
SELVHJELP_OUTBOX_DATABASE_CLOCK = True
# At most this many rows handed to workers and not yet claimed: a backlog
# reaches the broker a slice per dispatch run.
SELVHJELP_OUTBOX_DISPATCH_LIMIT = int(env("SELVHJELP_OUTBOX_DISPATCH_LIMIT", "50000"))
SELVHJELP_OUTBOX_STUCK_SECONDS = int(env("SELVHJELP_OUTBOX_STUCK_SECONDS", "900"))
SELVHJELP_OUTBOX_RETRY_BASE_SECONDS = float(env("SELVHJELP_OUTBOX_RETRY_BASE_SECONDS", "60"))
SELVHJELP_OUTBOX_RETRY_CAP_SECONDS = float(env("SELVHJELP_OUTBOX_RETRY_CAP_SECONDS", "3600"))
SELVHJELP_OUTBOX_MAX_ATTEMPTS = int(env("SELVHJELP_OUTBOX_MAX_ATTEMPTS", "12"))
SELVHJELP_SMS_BACKEND = env("SELVHJELP_SMS_BACKEND", "notifications.sms.ConsoleBackend")
SELVHJELP_SMS_FILE = env("SELVHJELP_SMS_FILE", str(VAR_DIR / "sms.jsonl"))
SELVHJELP_SMS_URL = env("SELVHJELP_SMS_URL")
SELVHJELP_SMS_TOKEN = env("SELVHJELP_SMS_TOKEN")
SELVHJELP_SMS_SENDER = env("SELVHJELP_SMS_SENDER", "Selvhjelp")
SELVHJELP_SMS_TIMEOUT = float(env("SELVHJELP_SMS_TIMEOUT", "10"))
# District dashboards: how far an in-person group reaches for unmet demand, and
# after how many weeks without a recorded meeting a group needs follow-up.
SELVHJELP_REACH_KM = int(env("SELVHJELP_REACH_KM", "30"))
SELVHJELP_FOLLOW_UP_WEEKS = int(env("SELVHJELP_FOLLOW_UP_WEEKS", "4"))
# Statistics never show a count of people below this: base cells under it count
# as 0 and a number with people behind it reads "<3" (monitoring/suppression.py,
# docs/privacy.md). Not read from the environment: lowering it is a privacy
# decision for the code and its documents, not for a deployment.
SELVHJELP_SUPPRESS_BELOW = 3
