"""One settings module, read from environment variables, with defaults that run a fresh clone.

With nothing set: SQLite (WAL) in ./var, DEBUG on. `DATABASE_URL=postgres://…` switches to
PostgreSQL. `ZHICUN_ENV=production` refuses to start with unsafe defaults.
"""

import base64
import datetime
import hashlib
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.getenv("ZHICUN_VAR_DIR", BASE_DIR / "var"))


def envbool(name: str, default: str) -> bool:
    return os.getenv(name, default).strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: str) -> int:
    return int(os.getenv(name, default))


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


DEFAULT_SECRET_KEY = "zhicun-development-key-do-not-use-in-production"

ENV = os.getenv("ZHICUN_ENV", "development")
PRODUCTION = ENV == "production"
DEBUG = envbool("DEBUG", "false" if PRODUCTION else "true")
SECRET_KEY = os.getenv("SECRET_KEY", DEFAULT_SECRET_KEY)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
# Reverse proxies (addresses or networks) whose X-Forwarded-For names the client (zhicun/proxy.py).
ZHICUN_TRUSTED_PROXIES = envlist("ZHICUN_TRUSTED_PROXIES", "127.0.0.1,::1")

# Encryption at rest of ID numbers and phones (zhicun/lib/crypto.py). Development derives keys
# from SECRET_KEY; production must set its own (see README, "Keys").
ZHICUN_CIPHER = os.getenv("ZHICUN_CIPHER", "aes")
_dev_key = base64.b64encode(hashlib.sha256(b"data:" + SECRET_KEY.encode()).digest()).decode()
ZHICUN_DATA_KEYS = envlist("ZHICUN_DATA_KEYS", "" if PRODUCTION else f"dev:{_dev_key}")
ZHICUN_INDEX_KEY = os.getenv("ZHICUN_INDEX_KEY", "" if PRODUCTION else "index:" + SECRET_KEY)

if PRODUCTION:
    if not ZHICUN_DATA_KEYS or not ZHICUN_INDEX_KEY:
        raise ImproperlyConfigured("生产模式必须设置 ZHICUN_DATA_KEYS 与 ZHICUN_INDEX_KEY")
    if ZHICUN_CIPHER not in ("aes", "sm4"):
        raise ImproperlyConfigured("ZHICUN_CIPHER 只能是 aes 或 sm4")
    if DEBUG:
        raise ImproperlyConfigured("生产模式不能开启 DEBUG（请设置 DEBUG=false）")
    if SECRET_KEY == DEFAULT_SECRET_KEY or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured("生产模式必须设置至少 32 位的 SECRET_KEY")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("生产模式必须设置 ALLOWED_HOSTS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ninja",
    "zhicun.units",
    "zhicun.accounts",
    "zhicun.audit",
    "zhicun.registry",
    "zhicun.exports",
    "zhicun.notify",
    "zhicun.cases",
    "zhicun.errands",
    "zhicun.support",
    "zhicun.jobs",
    "zhicun.api",
    "zhicun.disclosure",
    "zhicun.portal",
    "zhicun.ops",
    "zhicun.dashboard",
    "zhicun.demo",
]

MIDDLEWARE = [
    "zhicun.proxy.ForwardedForMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "zhicun.accounts.sessions.SessionPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "zhicun.audit.middleware.AuditContextMiddleware",
    # Last, as django-axes requires: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zhicun.urls"
WSGI_APPLICATION = "zhicun.wsgi.application"

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
                "zhicun.accounts.context_processors.navigation",
            ],
        },
    },
]


def database(url: str, **options) -> dict:
    return dj_database_url.parse(
        url,
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", "60"),
        conn_health_checks=True,
        # PgBouncer in transaction mode cannot keep the server-side cursors of .iterator().
        disable_server_side_cursors=envbool("DATABASE_DISABLE_SERVER_SIDE_CURSORS", "false"),
        **options,
    )


DATABASE_URL = os.getenv("DATABASE_URL", "")
DATABASE_REPLICA_URL = os.getenv("DATABASE_REPLICA_URL", "")
if DATABASE_URL:
    DATABASES = {"default": database(DATABASE_URL)}
    if DATABASE_REPLICA_URL:
        # A streaming replica for the dashboards' reads (zhicun/replica.py).
        DATABASES["replica"] = database(DATABASE_REPLICA_URL, test_options={"MIRROR": "default"})
        DATABASE_ROUTERS = ["zhicun.replica.ReplicaRouter"]
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.getenv("ZHICUN_SQLITE", VAR_DIR / "zhicun.sqlite3"),
            "OPTIONS": {
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
        }
    }

# Cache: Redis when configured (one cache shared by every process), otherwise local memory in
# each process. Lockouts, sign-up limits and OTP throttling live in the database, not here.
CACHE_URL = os.getenv("ZHICUN_CACHE_URL") or os.getenv("REDIS_URL", "")
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("ZHICUN_CACHE_URL / REDIS_URL 须为 redis:// 或 rediss:// 地址")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "zhicun",
            # A hung Redis must not hang requests or the readiness probe.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "zhicun.accounts.passwords.ComplexityValidator"},
    {"NAME": "zhicun.accounts.passwords.NotUsernameValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "zhicun.accounts.passwords.HistoryValidator"},
]
# Account and session policy (等保 level 3). Demo mode relaxes the password age only.
ZHICUN_PASSWORD_MAX_AGE_DAYS = envint("ZHICUN_PASSWORD_MAX_AGE_DAYS", "90" if PRODUCTION else "0")
ZHICUN_IDLE_TIMEOUT_SECONDS = envint("ZHICUN_IDLE_TIMEOUT_MINUTES", "30") * 60
ZHICUN_SESSION_MAX_SECONDS = envint("ZHICUN_SESSION_MAX_HOURS", "12") * 3600
ZHICUN_REQUIRE_2FA = envbool("ZHICUN_REQUIRE_2FA", "true" if PRODUCTION else "false")
OTP_TOTP_ISSUER = "智村"
# Lockout: 5 failures lock the account, and separately the client address, for 15 minutes.
AXES_FAILURE_LIMIT = envint("ZHICUN_LOCKOUT_FAILURES", "5")
AXES_COOLOFF_TIME = datetime.timedelta(minutes=envint("ZHICUN_LOCKOUT_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "zhicun.accounts.lockout.lockout_response"
AXES_USERNAME_CALLABLE = "zhicun.accounts.lockout.client_username"
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Front-end packages fetched from the npm registry at install time (manage.py fetch_assets).
ASSETS_DIR = Path(os.getenv("ZHICUN_ASSETS_DIR", BASE_DIR / "assets"))
STATICFILES_DIRS = [BASE_DIR / "static", ("npm", ASSETS_DIR)]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = Path(os.getenv("ZHICUN_MEDIA_ROOT", VAR_DIR / "media"))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = ZHICUN_SESSION_MAX_SECONDS
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "true")
    # Probes call gunicorn directly over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Notifications (SPEC §10): channels in use, the WeCom group robot, e-mail and the SMS gateway.
ZHICUN_NOTIFY_CHANNELS = envlist("ZHICUN_NOTIFY_CHANNELS", "log")
ZHICUN_WECOM_WEBHOOK_URL = os.getenv("ZHICUN_WECOM_WEBHOOK_URL", "")
ZHICUN_SMS_GATEWAY = os.getenv("ZHICUN_SMS_GATEWAY", "zhicun.notify.channels.LogSmsGateway")
ZHICUN_NOTIFY_TIMEOUT = envint("ZHICUN_NOTIFY_TIMEOUT", "10")
ZHICUN_NOTIFY_MAX_ATTEMPTS = envint("ZHICUN_NOTIFY_MAX_ATTEMPTS", "8")
ZHICUN_NOTIFY_BACKOFF_SECONDS = envint("ZHICUN_NOTIFY_BACKOFF_SECONDS", "30")
ZHICUN_WORKER_INTERVAL = envint("ZHICUN_WORKER_INTERVAL", "15")
ZHICUN_CASE_PHOTO_MAX_BYTES = envint("ZHICUN_CASE_PHOTO_MAX_BYTES", str(5 * 1024 * 1024))
# Exports of more rows than this need approval; an approved one downloads once within N hours.
ZHICUN_EXPORT_APPROVAL_ROWS = envint("ZHICUN_EXPORT_APPROVAL_ROWS", "5000")
ZHICUN_EXPORT_DOWNLOAD_HOURS = envint("ZHICUN_EXPORT_DOWNLOAD_HOURS", "24")
EMAIL_BACKEND = os.getenv("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.getenv("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "false")
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "zhicun@localhost")

# Content-Security-Policy: scripts only from our own static files, never inline.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/django-admin/"],
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
    },
}

# Key of the audit trail's hash chain (HMAC-SHA256). Keep it apart from SECRET_KEY in production.
AUDIT_HMAC_KEY = os.getenv("AUDIT_HMAC_KEY", "audit:" + SECRET_KEY)
# Audit events younger than this many days can never be purged.
AUDIT_RETENTION_DAYS = max(envint("AUDIT_RETENTION_DAYS", "184"), 184)

# Demo accounts share this password; seed_demo refuses to run in production.
DEMO_PASSWORD = "Zhicun@2026"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
