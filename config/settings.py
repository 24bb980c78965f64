"""Settings, read from the environment only (every variable is listed in the README).

With nothing set the service runs on the embedded default: SQLite (WAL) and an embedded Redis
server, both under ``var/``. ``DJANGO_ENV=production`` turns on the secure defaults
and refuses to start without a secret key and allowed hosts.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url

from config.env import EnvError, env_bool, env_choice, env_int, env_list, env_str
from core.embedded_broker import EmbeddedBroker

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var"))).resolve()

DJANGO_ENV = env_choice("DJANGO_ENV", "development", ("development", "production"))
PRODUCTION = DJANGO_ENV == "production"

if PRODUCTION:
    SECRET_KEY = env_str("DJANGO_SECRET_KEY", required=True)
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise EnvError("DJANGO_SECRET_KEY", "must be at least 50 characters with 5 distinct ones")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise EnvError("DJANGO_ALLOWED_HOSTS", "is required in production (comma-separated)")
    DEBUG = env_bool("DJANGO_DEBUG", False)
    if DEBUG:
        raise EnvError("DJANGO_DEBUG", "must not be true in production")
else:
    # A fixed development key: sessions survive restarts and nothing here is secret.
    SECRET_KEY = env_str("DJANGO_SECRET_KEY", "dev-only-insecure-key-" + "x" * 40)
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
    DEBUG = env_bool("DJANGO_DEBUG", True)

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # serves the API docs' Swagger UI assets as static files (no CDN)
    "axes",
    "core",
    "wg",
    "roadmap",
    "meetings",
    "submissions",
    "benchmarks_runner",
    "publishing",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.NotFoundMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site",
            ],
        },
    },
]


def _database(url: str) -> dict:
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except ValueError as exc:
        raise EnvError("DATABASE_URL", f"cannot be parsed ({exc})") from None
    engine = config.get("ENGINE", "")
    if engine == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        # WAL lets the web server read while a worker writes; IMMEDIATE transactions take the
        # write lock up front so concurrent writers wait (timeout) instead of failing midway.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    elif engine == "django.db.backends.postgresql":
        # A database host that drops packets must not hang a request, a task or a worker's
        # database check for minutes: give up connecting after a few seconds.
        config.setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    else:
        raise EnvError("DATABASE_URL", "only sqlite:// and postgres:// URLs are supported")
    return config


DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
DATABASES = {"default": _database(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
# After logging in, each person lands on their own page (a submitter's round, a chair's dashboard).
LOGIN_REDIRECT_URL = "portal:landing"
LOGOUT_REDIRECT_URL = "portal:home"

LANGUAGE_CODE = "en-us"
USE_I18N = False
USE_TZ = True
# Stored times are UTC; the working group's own clock (deadlines, meetings) is Pacific.
TIME_ZONE = "UTC"
WG_TIME_ZONE = "America/Los_Angeles"

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
# Submission packages are private: they are never served by URL, only through views that
# check the embargo.
SUBMISSIONS_ROOT = Path(env_str("SUBMISSIONS_ROOT", str(VAR_DIR / "submissions"))).resolve()

# --- Log-in throttling (django-axes) ---------------------------------------------------------
# After LOGIN_FAILURE_LIMIT wrong passwords for one user name from one address, that pair is
# locked out for LOGIN_LOCKOUT_MINUTES (the page says until when); a right password during the
# lock-out does not get in. Keyed on the pair so that nobody can lock a chair out from afar.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Retrying during a lock-out does not extend it, so the time the page shows stays true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
if env_bool("DJANGO_BEHIND_PROXY", False):

    def _client_ip(request: object) -> str:
        # The TLS-terminating proxy appends the address it saw; earlier entries are the
        # client's own claims.
        meta = getattr(request, "META", {})
        forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
        return forwarded.rsplit(",", 1)[-1].strip() or meta.get("REMOTE_ADDR", "")

    AXES_CLIENT_IP_CALLABLE = _client_ip

# --- Email -----------------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST", "-")
if EMAIL_HOST == "-":
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "MLPerf Training WG <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
WG_MAILING_LIST = env_str("WG_MAILING_LIST", "")
# Links in emails are absolute: the address people reach the service at.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
if not SITE_URL.startswith(("http://", "https://")):
    raise EnvError("SITE_URL", f"must start with http:// or https://, got {SITE_URL!r}")
# A mail server that hangs must not hold a worker: the send fails and is retried later.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)

# --- Celery ----------------------------------------------------------------------------------
# Without CELERY_BROKER_URL the broker is the embedded Redis server (core/embedded_broker.py)
# on a Unix socket under var/broker: the same Redis transport as production.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "-")
EMBEDDED_BROKER_DIR: Path | None = None
if CELERY_BROKER_URL == "-":
    EMBEDDED_BROKER_DIR = Path(
        env_str("CELERY_EMBEDDED_BROKER_DIR", str(VAR_DIR / "broker"))
    ).resolve()
    CELERY_BROKER_URL = EmbeddedBroker(EMBEDDED_BROKER_DIR).url
elif not CELERY_BROKER_URL.startswith(("redis://", "rediss://", "redis+socket://")):
    raise EnvError(
        "CELERY_BROKER_URL", "only redis:// (or rediss://, redis+socket://) brokers are supported"
    )

CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
# Tasks that ack late come back this long after their worker vanished without a word (the
# reaper usually re-queues the work much sooner); it must outlast the longest task.
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 1200, minimum=60)
if CELERY_VISIBILITY_TIMEOUT <= CELERY_TASK_TIME_LIMIT:
    raise EnvError(
        "CELERY_VISIBILITY_TIMEOUT",
        f"must be longer than the task time limit ({CELERY_TASK_TIME_LIMIT} s)",
    )
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # Without a timeout a publish to a broker that vanished without closing the connection
    # waits forever; with one it fails, and the reaper re-queues the work later.
    "socket_timeout": 30,
    "socket_connect_timeout": 5,
}
CELERY_BROKER_PREFIX = env_str("CELERY_BROKER_PREFIX", "")
if CELERY_BROKER_PREFIX:
    CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] = CELERY_BROKER_PREFIX
# A broker that is restarting (the supervisor brings it back in a second or two) delays a
# publish rather than losing it.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 6,
    "interval_start": 0.2,
    "interval_step": 0.5,
    "interval_max": 2,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None  # a worker waits for its broker, however long

CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = "control"
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A message is acknowledged once its task is done, so a worker that vanishes mid-task leaves it
# to be redelivered. Tasks that also hand their message back at once when their process dies
# (reject_on_worker_lost, see submissions/tasks.py) must cap their attempts: a task that kills
# its worker would otherwise come back forever. Long hardware runs ack early instead.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_ROUTES = {
    "submissions.requeue_stalled": {"queue": "control"},
    "submissions.close_unsigned_objections": {"queue": "control"},
    "submissions.*": {"queue": "validate"},
    "publishing.*": {"queue": "publish"},
}
CELERY_WORKER_QUEUES = env_list("CELERY_WORKER_QUEUES", ["control", "validate", "publish"])
# /healthz answers 503 when one of these queues has no live worker that reaches the database.
HEALTH_REQUIRED_QUEUES = env_list("HEALTH_REQUIRED_QUEUES", ["control", "validate", "publish"])
# Each worker says every few seconds which queues it consumes and whether it reaches the
# database (core/worker_health.py); /healthz reads these notes from the broker.
WORKER_STATUS_INTERVAL = env_int("WORKER_STATUS_INTERVAL", 5, minimum=1)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Where `manage.py serve` keeps the state of its children for /healthz.
SERVE_STATUS_FILE = VAR_DIR / "serve-status.json"

# --- Security --------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the upload progress script reads it to post with fetch()
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env_bool("DJANGO_BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Submissions -----------------------------------------------------------------------------
SUBMISSION_MAX_UPLOAD_BYTES = env_int("SUBMISSION_MAX_UPLOAD_BYTES", 2 * 1024**3, minimum=1024)
SUBMISSION_MAX_FILES = env_int("SUBMISSION_MAX_FILES", 20_000, minimum=1)
SUBMISSION_MAX_UNPACKED_BYTES = env_int("SUBMISSION_MAX_UNPACKED_BYTES", 4 * 1024**3, minimum=1)
# What one organisation may keep in the store per round, all its versions together.
SUBMISSION_QUOTA_BYTES = env_int("SUBMISSION_QUOTA_BYTES", 10 * 1024**3, minimum=1024)
# How many tasks a version's benchmark folders are split into (about the validate workers'
# total concurrency).
VALIDATION_BATCHES = env_int("VALIDATION_BATCHES", 4, minimum=1)
# Uploads are streamed to a temporary file, never held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 0
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024**2
FILE_UPLOAD_TEMP_DIR = str(VAR_DIR / "uploads")
Path(FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    # The official MLPerf checkers log every step to the root logger at INFO; the service
    # turns their output into findings, so the root logger only passes warnings on.
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        name: {"level": env_str("LOG_LEVEL", "INFO")}
        for name in (
            "django",
            "celery",
            "core",
            "wg",
            "roadmap",
            "meetings",
            "submissions",
            "portal",
        )
    },
}

# --- Periodic tasks (beat) -------------------------------------------------------------------
# The reaper re-queues work a lost message or a killed worker left behind: work whose last sign
# of life is older than REAPER_STALL_SECONDS is queued again, checked every
# REAPER_INTERVAL_SECONDS (so within about the sum of the two).
REAPER_INTERVAL_SECONDS = env_int("REAPER_INTERVAL_SECONDS", 30, minimum=1)
REAPER_STALL_SECONDS = env_int("REAPER_STALL_SECONDS", 60, minimum=5)
# While a task works on a version or a benchmark folder it refreshes that row's heartbeat this
# often, so the reaper can tell slow work from dead work.
WORK_HEARTBEAT_SECONDS = env_int("WORK_HEARTBEAT_SECONDS", 10, minimum=1)
if WORK_HEARTBEAT_SECONDS * 2 > REAPER_STALL_SECONDS:
    raise EnvError(
        "REAPER_STALL_SECONDS",
        f"must be at least twice WORK_HEARTBEAT_SECONDS ({WORK_HEARTBEAT_SECONDS} s)",
    )


def periodic(task: str, seconds: float, *, queue: str) -> dict[str, object]:
    """A beat entry; a message not taken before the next one is due expires unseen."""
    return {
        "task": task,
        "schedule": float(seconds),
        "options": {"queue": queue, "expires": max(1.0, seconds * 0.9)},
    }


def daily(task: str, *, hour_utc: int, queue: str) -> dict[str, object]:
    """A beat entry once a day at ``hour_utc``:00 UTC; it expires an hour later unseen."""
    from celery.schedules import crontab

    return {
        "task": task,
        "schedule": crontab(hour=hour_utc, minute=0),
        "options": {"queue": queue, "expires": 3600},
    }


# One line per periodic task; each app's task is named here, never imported.
CELERY_BEAT_SCHEDULE = {
    "requeue-stalled-work": periodic(
        "submissions.requeue_stalled", REAPER_INTERVAL_SECONDS, queue="control"
    ),
    # Fine enough for the one-hour reminder; each reminder has its own once-only key.
    "submission-deadline-reminders": periodic(
        "notifications.submission_reminders", 300, queue="control"
    ),
    "notifications-requeue-stalled": periodic(
        "notifications.requeue_stalled", 300, queue="control"
    ),
    # 07:00 or 08:00 in Pacific time, before the working day.
    "notifications-daily-digest": daily("notifications.send_digests", hour_utc=15, queue="control"),
    # A vote (or a call for objections) closes within a minute of its closing time.
    "roadmap-close-due": periodic("roadmap.close_due", 60, queue="control"),
    # Reminders a day and an hour before a vote closes; each is recorded once, so running
    # often only makes them punctual.
    "roadmap-remind-voters": periodic("roadmap.remind_voters", 60, queue="control"),
    "roadmap-advance-rounds": periodic("roadmap.advance_rounds", 15 * 60, queue="control"),
    # The rules close objections that nobody signs once objections are due.
    "close-unsigned-objections": periodic(
        "submissions.close_unsigned_objections", 300, queue="control"
    ),
}

FILE_UPLOAD_HANDLERS = [
    "submissions.upload_handlers.CappedUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
