"""Settings, read from the environment only (every variable is listed in the README).

With nothing set the service runs on the embedded default: SQLite (WAL) and kombu's
filesystem transport under ``var/``. ``DJANGO_ENV=production`` turns on the secure defaults
and refuses to start without a secret key and allowed hosts.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url

from config.env import EnvError, env_bool, env_choice, env_int, env_list, env_str

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
    elif engine != "django.db.backends.postgresql":
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
# A submitter lands on the round that is open to them; everyone else on the home page.
LOGIN_REDIRECT_URL = "submissions:after-login"
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

# --- Celery ----------------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://localhost/")
BROKER_DIR = Path(env_str("CELERY_FILESYSTEM_BROKER_DIR", str(VAR_DIR / "broker"))).resolve()
if CELERY_BROKER_URL.startswith("filesystem://"):
    for _sub in ("queue", "control"):
        (BROKER_DIR / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
        "polling_interval": 0.05,
    }
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://", "redis+socket://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Long benchmark runs ack early; short tasks ack late and must be redelivered
        # reasonably soon after a worker dies.
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=60),
    }
    _prefix = env_str("CELERY_BROKER_PREFIX", "")
    if _prefix:
        CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] = _prefix
else:
    raise EnvError("CELERY_BROKER_URL", "only filesystem:// and redis:// brokers are supported")

CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = "control"
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ROUTES = {
    "submissions.requeue_stalled": {"queue": "control"},
    "submissions.close_unsigned_objections": {"queue": "control"},
    "submissions.*": {"queue": "validate"},
    "publishing.*": {"queue": "publish"},
}
CELERY_WORKER_QUEUES = env_list("CELERY_WORKER_QUEUES", ["control", "validate", "publish"])
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

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

# Beat sends one heartbeat per queue each minute; /healthz reports how long ago each was run.
CELERY_BEAT_SCHEDULE = {
    f"heartbeat-{queue}": {
        "task": "core.heartbeat",
        "schedule": 60.0,
        "args": [queue],
        "options": {"queue": queue, "expires": 55},
    }
    for queue in ("control", "validate", "publish")
}
# The rules close objections that nobody signs once objections are due.
CELERY_BEAT_SCHEDULE["close-unsigned-objections"] = {
    "task": "submissions.close_unsigned_objections",
    "schedule": 300.0,
    "options": {"queue": "control", "expires": 290},
}
CELERY_BEAT_SCHEDULE["requeue-stalled-validation"] = {
    "task": "submissions.requeue_stalled",
    "schedule": 120.0,
    "options": {"queue": "control", "expires": 110},
}
FILE_UPLOAD_HANDLERS = [
    "submissions.upload_handlers.CappedUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
