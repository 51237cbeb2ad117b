"""Settings of the smart-water pilot portal.

Every value that differs between a laptop and the ministry's servers comes from the
environment (the README lists them). The defaults are the embedded ones: an SQLite
file, a broker in the file system, mail printed to the console, so that `make run`
works on a fresh machine with nothing else installed.
"""

import datetime
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name, default=""):
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def database_from_url(url):
    """Turn `postgres://user:pass@host:port/name` or `sqlite:///path` into a dict."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        # sqlite:///relative.db is relative to the project, sqlite:////abs.db absolute.
        name = path[1:]
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(BASE_DIR / name) if not Path(name).is_absolute() else name,
        }
    if parts.scheme in ("postgres", "postgresql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")) or "portal",
            "USER": unquote(parts.username or "postgres"),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            # A new PostgreSQL connection costs about 4.5 ms: keep them open.
            "CONN_MAX_AGE": env_int("CONN_MAX_AGE", 600),
            "CONN_HEALTH_CHECKS": True,
        }
    raise ImproperlyConfigured(f"DATABASE_URL scheme {parts.scheme!r} is not supported")


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false")
    SECRET_KEY = "insecure-development-key-only-for-debug"  # noqa: S105

# The portal's public address, for absolute links in e-mails.
PORTAL_URL = env_str("PORTAL_URL", "http://127.0.0.1:8000").rstrip("/")

# The ministry portal's chrome: who runs the site, in the header band and the footer
# (portal/chrome.py). The defaults are the demo's and say so; a deployment sets the
# real names, contact and filing numbers (备案号). An empty value hides its line.
PORTAL_OWNER = env_str("PORTAL_OWNER", "中华人民共和国水利部（演示）")
PORTAL_OWNER_EN = env_str(
    "PORTAL_OWNER_EN", "Ministry of Water Resources of the P. R. China (demo)"
)
PORTAL_SPONSOR = env_str(
    "PORTAL_SPONSOR", "水利部网络安全和信息化领导小组办公室（演示）"
)
PORTAL_SPONSOR_EN = env_str(
    "PORTAL_SPONSOR_EN",
    "Network Security and Informatization Office, Ministry of Water Resources (demo)",
)
PORTAL_ORGANISER = env_str("PORTAL_ORGANISER", "水利部信息中心（演示）")
PORTAL_ORGANISER_EN = env_str(
    "PORTAL_ORGANISER_EN", "Information Centre, Ministry of Water Resources (demo)"
)
PORTAL_CONTACT = env_str(
    "PORTAL_CONTACT", "010-00000000 · pilots@demo.invalid（演示 demo）"
)
PORTAL_ICP = env_str("PORTAL_ICP", "京ICP备00000000号（演示 demo）")
PORTAL_PSB = env_str("PORTAL_PSB", "京公网安备00000000000000号（演示 demo）")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "csp",
    "axes",
    "pilots",
    "plans",
    "reviews",
    "milestones",
    "column",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside the others: it sees the signed-in user and every response.
    "portal.headers.PortalHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.locale.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Before any view reads a form: posted text without control characters.
    "pilots.text.ControlCharactersMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A page with nothing to show answers with the page that says why.
    "pilots.programme.AnswerInsteadMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out log-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]
# Behind a reverse proxy: the addresses it connects from (IPs or networks, e.g.
# "10.0.0.5,10.0.1.0/24"); the visitor's address is then taken from the last entry
# of X-Forwarded-For for the login throttle and the messages' limit (portal/proxy.py).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "")
if TRUSTED_PROXIES:
    MIDDLEWARE.insert(0, "portal.proxy.TrustedProxyMiddleware")

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "django.template.context_processors.i18n",
                "pilots.context_processors.unread_notifications",
                "portal.chrome.chrome",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "pilots.User"
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one
# account from one address, that pair waits LOGIN_COOLOFF_MINUTES. Keyed on the pair,
# so an attacker elsewhere cannot lock a real user out.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_COOLOFF_MINUTES = env_int("LOGIN_COOLOFF_MINUTES", 15)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "portal.lockout.locked_out"
AXES_VERBOSE = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "milestones:home"
LOGOUT_REDIRECT_URL = "column:index"

# Chinese first, with a complete English translation.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files a browser asks for at the site's root (/favicon.ico), served by WhiteNoise.
WHITENOISE_ROOT = BASE_DIR / "portal" / "root"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))


def _s3_client_config(addressing_style):
    """botocore's settings for the object store. Given a config, django-storages
    takes the addressing style from it alone."""
    from botocore.config import Config

    return Config(
        s3={"addressing_style": addressing_style},
        connect_timeout=5,
        read_timeout=60,
        retries={"max_attempts": 2},
    )


def file_storages():
    """Where uploaded and generated files live: "default" (news images) and
    "private" (attachments, check evidence, achievement files, plan PDFs). The
    file system (MEDIA_ROOT and VAR_DIR/private) unless FILE_STORAGE=s3: then one
    bucket of an S3-compatible object store, under the prefixes media/ and
    private/ (pilots/objectstore.py)."""
    kind = env_str("FILE_STORAGE", "filesystem")
    if kind == "filesystem":
        return {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "private": {"BACKEND": "pilots.files.PrivateStorage"},
        }
    if kind != "s3":
        raise ImproperlyConfigured(
            f"FILE_STORAGE {kind!r} is not supported (filesystem or s3)"
        )
    bucket = env_str("S3_BUCKET")
    if not bucket:
        raise ImproperlyConfigured("S3_BUCKET must be set when FILE_STORAGE is s3")
    options = {
        "bucket_name": bucket,
        # Unset: Amazon S3 itself, and boto3's own search for credentials.
        "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
        "region_name": env_str("S3_REGION") or None,
        "access_key": env_str("S3_ACCESS_KEY_ID") or None,
        "secret_key": env_str("S3_SECRET_ACCESS_KEY") or None,
        # MinIO and most self-hosted stores name the bucket in the path, not in a
        # host name of its own.
        # A store that does not answer fails a request in seconds, not minutes.
        "client_config": _s3_client_config(env_str("S3_ADDRESSING_STYLE", "path")),
    }
    backend = "pilots.objectstore.ObjectStorage"
    return {
        "default": {"BACKEND": backend, "OPTIONS": {**options, "location": "media"}},
        "private": {"BACKEND": backend, "OPTIONS": {**options, "location": "private"}},
    }


STORAGES = {
    **file_storages(),
    "staticfiles": {
        # Hashed names let browsers cache assets for a year; needs collectstatic.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A cache that does not answer must not hold a page up (column/cache.py
            # then serves it uncached).
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: Redis in production; without REDIS_URL a broker in the file system, which
# needs no server. A short polling interval: about 50 ms a task instead of 1 s.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery"
    # The transport does not create its folders; without them every enqueue fails.
    for _folder in ("queue", "processed", "control"):
        (_queue_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "queue"),
        "data_folder_out": str(_queue_dir / "queue"),
        "processed_folder": str(_queue_dir / "processed"),
        # Else kombu writes its exchange table to ./control in the working directory.
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
        "polling_interval": 0.05,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Periodic tasks are added by the apps that own them (milestones: reminders, digest).
CELERY_BEAT_SCHEDULE = {
    # The outbox is also drained on commit; this catches what a broker outage missed.
    "drain-outbox": {"task": "pilots.drain_outbox", "schedule": 60.0},
    # A PDF whose worker died or whose task message was lost is never stuck.
    "recover-stalled-pdfs": {"task": "plans.recover_stalled_pdfs", "schedule": 60.0},
    # The same for every app's exports; exports older than a week are deleted.
    "recover-stalled-exports": {
        "task": "pilots.recover_stalled_exports",
        "schedule": 60.0,
    },
    # A Word upload left waiting for its confirmation is not kept for ever.
    "delete-stale-imports": {"task": "plans.delete_stale_imports", "schedule": 3600.0},
    "deadline-reminders": {
        "task": "milestones.send_due_reminders",
        "schedule": crontab(hour=8, minute=0),  # CELERY_TIMEZONE: Asia/Shanghai
    },
    "weekly-digest": {
        "task": "milestones.send_weekly_digest",
        # Mondays at 08:00 Asia/Shanghai; once per ISO week whatever runs it.
        "schedule": crontab(hour=8, minute=0, day_of_week="mon"),
    },
}

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env_str(
    "DEFAULT_FROM_EMAIL", "智慧水利先行先试 <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# No inline script or style anywhere, so the policy can stay this strict.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:"],
        "script-src": [SELF],
        "style-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # A load balancer polls the nodes over plain HTTP, behind the TLS it ends.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Uploads: attachments are checked by content and size in the apps that take them.
MAX_UPLOAD_MB = env_int("MAX_UPLOAD_MB", 20)
# Public pages for anonymous readers are cached this long at most (column/cache.py);
# content changes drop them at once. 0 turns the cache off.
PUBLIC_CACHE_SECONDS = env_int("PUBLIC_CACHE_SECONDS", 60)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every layout step at INFO, django-axes every successful
    # log-in; a worker's or server's log needs neither. Lockouts are WARNING.
    "loggers": {
        "weasyprint.progress": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
