"""ECHO Hub settings: every value comes from the environment (see .env.example)."""

import re
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = env.str(name, default=str(default)).strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env.str(name, default=default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# The product's name in emails and authenticator apps.
SITE_NAME = "ECHO Hub"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_ratelimit",
    "echo_hub.accounts",
    "echo_hub.notifications",
    "echo_hub.audit",
    "sessions.apps.SessionsConfig",
    "cases.apps.CasesConfig",
    "cpd.apps.CpdConfig",
    "zoom.apps.ZoomConfig",
    "echo_hub.site.apps.SiteConfig",
    "echo_hub.lib.apps.LibConfig",
]

MIDDLEWARE = [
    # First, so the request id and the log line cover every other middleware too.
    "echo_hub.lib.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "echo_hub.lib.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise (static files keep their caching), before sessions and CSRF (it sees the
    # cookies they set).
    "echo_hub.lib.middleware.PrivateCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Before the session limits and the MFA check: their messages speak the person's language.
    "echo_hub.accounts.middleware.UserLanguageMiddleware",
    # Idle and absolute session limits first, so an expired session never reaches the MFA check.
    "echo_hub.accounts.middleware.SessionLimitsMiddleware",
    "echo_hub.accounts.middleware.MFARequiredMiddleware",
    "echo_hub.accounts.middleware.UserTimezoneMiddleware",
]

ROOT_URLCONF = "echo_hub.urls"
WSGI_APPLICATION = "echo_hub.wsgi.application"

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
                "echo_hub.site.context_processors.navigation",
            ],
            "libraries": {"echo": "echo_hub.lib.templatetags.echo"},
            # {% url %} remembering each address it works out (the navigation's links on every page).
            "builtins": ["echo_hub.lib.templatetags.cached_url"],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Opening a PostgreSQL connection per request forks a backend: keeping it doubled the one-query
# page's requests per second in `make bench`. Ten minutes, not one: a new connection has none of
# the statements its worker prepared (below), and its first dozen pages are each planned anew,
# half as slow again (the report with unchanged data: 15-21 ms, then 10); every minute, that
# was each worker's next dozen requests. The health check replaces a reused connection the
# database dropped (restart, failover, pg_terminate_backend) at the start of the next request
# instead of failing it.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env_bool("CONN_HEALTH_CHECKS", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable database fails the request (and /readyz) in seconds instead of hanging.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options.setdefault("connect_timeout", 3)
    # Parameters sent apart from the SQL (psycopg 3's server-side binding), so that a statement
    # a connection runs again and again (every page's permission checks, navigation and lists)
    # is prepared once: PostgreSQL then skips parsing and planning it, which for a page's
    # joined lookups took longer than running them (the case page's case: 1.5 → 0.4 ms).
    # Not behind a transaction-mode PgBouncer, which cannot keep a connection's prepared
    # statements: there, set DB_PREPARE_THRESHOLD to 0 to turn preparing off.
    options.setdefault("server_side_binding", True)
    prepare_threshold = env.int("DB_PREPARE_THRESHOLD", default=5)
    if prepare_threshold < 0:
        raise ImproperlyConfigured("DB_PREPARE_THRESHOLD must be 0 (never prepare) or more.")
    options.setdefault("prepare_threshold", prepare_threshold or None)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# The device that changes (or resets) the password stays signed in; Django's session-hash check
# signs out every OTHER browser of the user at its next request.
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# allauth.usersessions records each signed-in browser at sign-in; activity is not written on
# every request (the idle limit keeps its own clock in the session, echo_hub/accounts).
USERSESSIONS_TRACK_ACTIVITY = False
ACCOUNT_SIGNUP_REDIRECT_URL = "accounts:profile"
ACCOUNT_FORMS = {"login": "echo_hub.accounts.forms.LoginForm"}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[ECHO Hub] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if not DEBUG else "http"
# allauth's messages go through the outbox (echo_hub/notifications), never from the request.
ACCOUNT_ADAPTER = "echo_hub.accounts.adapter.HubAccountAdapter"
# allauth's limits, kept in the default cache: "<count>/<period>[/<key>]", period s, m, h or d.
ACCOUNT_RATE_LIMITS = {
    # Failed logins: 10 a minute from one IP, and 5 in 5 minutes for one account from anywhere.
    "login_failed": "10/m/ip,5/5m/key",
    "login": "30/m/ip",
    # A clinic signing its staff up together shares one IP address.
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}

# Two-factor sign-in (allauth.mfa): an authenticator app plus one-time recovery codes.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="ECHO Hub")
MFA_ADAPTER = "echo_hub.accounts.mfa.HubMFAAdapter"
# Coordinators, experts, staff and superusers must set up an authenticator before anything else.
MFA_REQUIRED_FOR_HUB_ROLES = env_bool("MFA_REQUIRED_FOR_HUB_ROLES", True)
MFA_REQUIRED_RULE = "echo_hub.site.mfa.hub_staff_must_use_mfa"

# An invitation link works once, for this many days after it is sent (or sent again).
INVITATION_EXPIRY_DAYS = env.int("INVITATION_EXPIRY_DAYS", default=14)
if INVITATION_EXPIRY_DAYS < 1:
    raise ImproperlyConfigured("INVITATION_EXPIRY_DAYS must be at least 1.")

# Sessions end after this long without a request, and this long after sign-in whatever happens.
SESSION_IDLE_TIMEOUT_MINUTES = env.int("SESSION_IDLE_TIMEOUT_MINUTES", default=30)
SESSION_MAX_AGE_HOURS = env.int("SESSION_MAX_AGE_HOURS", default=12)
if SESSION_IDLE_TIMEOUT_MINUTES < 1 or SESSION_MAX_AGE_HOURS < 1:
    raise ImproperlyConfigured("SESSION_IDLE_TIMEOUT_MINUTES and SESSION_MAX_AGE_HOURS must be at least 1.")
# The cookie and the stored session never outlive the absolute limit.
SESSION_COOKIE_AGE = SESSION_MAX_AGE_HOURS * 3600

# English and Canadian French. A signed-in person's own choice (User.language) wins; others get
# the language cookie set by the switch in the navigation, else their browser's Accept-Language.
# URLs are the same in both languages.
LANGUAGE_CODE = "en-ca"
LANGUAGES = [("en-ca", "English"), ("fr-ca", "Français")]
# The project's catalogue first; then allauth's French made Canadian (« courriel »), which wins
# over allauth's own fr catalogue (regenerate with locale_allauth/build.py after an upgrade).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_allauth"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
# Dates and times in each language's own way (« jeudi 14 janvier 2027, 12 h 00 »): see
# echo_hub/lib/timefmt.py.
FORMAT_MODULE_PATH = ["echo_hub.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="America/Toronto")
try:
    ZoneInfo(TIME_ZONE)
except (ZoneInfoNotFoundError, ValueError) as exc:
    raise ImproperlyConfigured(f"TIME_ZONE {TIME_ZONE!r} is not an IANA time zone.") from exc
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_URL = "/private-media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
SLIDES_MAX_BYTES = env.int("SLIDES_MAX_BYTES", default=20 * 1024 * 1024)
if SLIDES_MAX_BYTES < 1:
    raise ImproperlyConfigured("SLIDES_MAX_BYTES must be a positive number of bytes.")


def s3_storage(*, bucket: str, endpoint_url: str, access_key: str, secret_key: str, region: str) -> dict:
    """Private S3-compatible storage: no ACL is sent (objects stay as private as the bucket,
    and AWS buckets with ACLs disabled refuse any other than the owner's), and any URL it
    makes is signed and short-lived. Downloads still go through the permission-checked views."""
    from botocore.config import Config

    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,
            "access_key": access_key or None,
            "secret_key": secret_key or None,
            "region_name": region or None,
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 60,
            # As on local disk: a name in use gets a suffix, never another row's PDF.
            "file_overwrite": False,
            "client_config": Config(
                s3={"addressing_style": "path" if endpoint_url else "auto"},
                signature_version="s3v4",
                connect_timeout=2,
                read_timeout=10,
                retries={"max_attempts": 3, "mode": "standard"},
            ),
        },
    }


S3_BUCKET = env.str("S3_BUCKET", default="")
STORAGES = {
    "default": (
        s3_storage(
            bucket=S3_BUCKET,
            endpoint_url=env.str("S3_ENDPOINT_URL", default=""),
            access_key=env.str("S3_ACCESS_KEY", default=""),
            secret_key=env.str("S3_SECRET_KEY", default=""),
            region=env.str("S3_REGION", default=""),
        )
        if S3_BUCKET
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
vars().update(EMAIL_CONFIG)
# Seconds any step of talking to the mail server may take: a server that hangs fails the
# attempt (the outbox retries later) instead of holding a worker.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
if EMAIL_TIMEOUT < 1:
    raise ImproperlyConfigured("EMAIL_TIMEOUT must be at least 1 second.")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ECHO Hub <no-reply@echo-hub.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A user's save must never wait on a dead broker: fail fast, the beat sweep resends.
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "socket_connect_timeout": 2}
CELERY_IMPORTS = ["echo_hub.site.tasks"]
CELERY_BEAT_SCHEDULE = {
    "due-messages-sweep": {
        "task": "echo_hub.sweep_due_messages",
        "schedule": 180.0,
    },
    "notifications-sweep": {
        "task": "notifications.sweep",
        "schedule": 300.0,
    },
    "certificates-sweep": {
        "task": "cpd.sweep_certificates",
        "schedule": 300.0,
    },
    "letters-sweep": {
        "task": "cases.sweep_letters",
        "schedule": 300.0,
    },
    # Meetings of upcoming sessions brought in line, reports of ended meetings a webhook missed.
    "zoom-sweep": {
        "task": "zoom.sweep",
        "schedule": 600.0,
    },
    # Each coordinator's digest goes out once a day from 07:00 in their zone: checked every
    # half hour, so it arrives by 07:30.
    "coordinator-digest": {
        "task": "echo_hub.send_coordinator_digests",
        "schedule": 1800.0,
    },
    "report-exports-sweep": {
        "task": "echo_hub.sweep_report_exports",
        "schedule": 300.0,
    },
}

# Zoom (programs that connect a Server-to-Server OAuth app in their settings). The URLs change
# only for tests; ZOOM_ENCRYPTION_KEY, when set, encrypts the apps' secrets instead of SECRET_KEY.
ZOOM_API_URL = env.str("ZOOM_API_URL", default="https://api.zoom.us/v2")
ZOOM_OAUTH_URL = env.str("ZOOM_OAUTH_URL", default="https://zoom.us/oauth/token")
ZOOM_ENCRYPTION_KEY = env.str("ZOOM_ENCRYPTION_KEY", default="")

# The shared cache (allauth's sign-in limits, computed report numbers) is the database: it
# needs no other service, so a Redis outage takes nothing away from the web processes.
# Rate-limit counters need atomic increments (django-ratelimit's requirement, which the
# database cache lacks): with a Redis they live there, and while it is unreachable the limits
# are not applied (RATELIMIT_FAIL_OPEN) rather than failing the request.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        # Created by the echo_lib migration 0001, so every environment has it.
        "LOCATION": "echo_cache",
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    },
    # One process without Redis (make run, the tests): counters in its memory.
    "ratelimit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ratelimit"},
}
if REDIS_URL:
    CACHES["ratelimit"] = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "ratelimit",
        "OPTIONS": {
            "SOCKET_CONNECT_TIMEOUT": 1,
            "SOCKET_TIMEOUT": 1,
            # An unreachable Redis reads as "no count": RATELIMIT_FAIL_OPEN lets the request on.
            "IGNORE_EXCEPTIONS": True,
        },
    }
else:
    # django-ratelimit refuses a per-process cache; without Redis there is only one process.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]
RATELIMIT_USE_CACHE = "ratelimit"
RATELIMIT_FAIL_OPEN = True
RATELIMIT_IP_META_KEY = "echo_hub.lib.client.ratelimit_ip"
# Any web process can serve any user: sessions live in the database. Not cached_db: a
# session saved or ended while Redis is down would come back stale from Redis afterwards.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    # No SECURE_PROXY_SSL_HEADER: Django would believe X-Forwarded-Proto from anyone. gunicorn
    # sets the request's scheme from it only for FORWARDED_ALLOW_IPS (gunicorn.conf.py), the
    # reverse proxy's addresses, and passes the header on from everyone else.
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host- cookies are only accepted over https, for this exact host and path /: no
    # subdomain or plain-http page can set or shadow them. The local http server keeps
    # Django's plain names, which browsers accept without Secure.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
# Load balancers and container health checks probe over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# Browser features the app never uses, turned off on every response with a Permissions-Policy
# header (echo_hub.lib.middleware.PermissionsPolicyMiddleware); a frame inherits the refusal. Only
# names Chromium knows: an unknown one puts a warning in every page's console. Sign-in uses TOTP
# codes, not passkeys: allowing WebAuthn later means taking publickey-credentials-* out.
PERMISSIONS_POLICY_OFF = (
    "accelerometer",
    "autoplay",
    "browsing-topics",
    "camera",
    "clipboard-read",
    "compute-pressure",
    "display-capture",
    "encrypted-media",
    "fullscreen",
    "gamepad",
    "geolocation",
    "gyroscope",
    "hid",
    "identity-credentials-get",
    "idle-detection",
    "local-fonts",
    "magnetometer",
    "microphone",
    "midi",
    "otp-credentials",
    "payment",
    "picture-in-picture",
    "publickey-credentials-create",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "speaker-selection",
    "storage-access",
    "usb",
    "window-management",
    "xr-spatial-tracking",
)

# Content Security Policy (django-csp): only this origin's files run or style a page; no
# inline script or style, no eval, no plugins, no framing. Pages keep their JS in static/js
# and their CSS in static/css (tests/test_pages.py). img-src allows data: for the SVG icons
# inside Bootstrap's CSS. Views whose form posts redirect to another origin (the Join button
# goes to the video platform) add that origin to form-action: echo_hub/lib/csp.py.
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

# Rate limits against enumeration and abuse (echo_hub/lib/ratelimit.py), per client IP and
# per signed-in user: "count/period", the period in seconds or with an s, m or h suffix.
RATE_LIMITS = {
    "verify": env.str("RATE_LIMIT_VERIFY", default="30/5m"),
    "join": env.str("RATE_LIMIT_JOIN", default="20/5m"),
    "evaluate": env.str("RATE_LIMIT_EVALUATE", default="30/5m"),
}
for _scope, _rate in RATE_LIMITS.items():
    if not re.fullmatch(r"\s*[1-9]\d*\s*/\s*[1-9]\d*\s*[smh]?\s*", _rate):
        raise ImproperlyConfigured(f"RATE_LIMIT_{_scope.upper()} must look like 30/5m, not {_rate!r}.")
    RATE_LIMITS[_scope] = re.sub(r"\s", "", _rate)
# Behind a reverse proxy every request comes from the proxy's address: the client's is the
# n-th address from the right of X-Forwarded-For, n being the number of proxies we run.
# allauth's rate limits and ours both read it.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Request bodies: form fields (not files) over this many bytes are refused with a 413 page
# (echo_hub.site.views.bad_request).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
# Uploaded files: one over FILE_UPLOAD_MAX_BYTES ends the request with the 413 page while it
# arrives (echo_hub/lib/uploads.py); each form then checks its own smaller limit by the file's
# size before reading it (roster 1 MB, Zoom report 2 MB, slides SLIDES_MAX_BYTES). A request up
# to FILE_UPLOAD_MAX_MEMORY_SIZE is parsed in memory; a larger one's files go to a temporary file.
FILE_UPLOAD_MAX_BYTES = env.int("FILE_UPLOAD_MAX_BYTES", default=25 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=1024 * 1024)
if FILE_UPLOAD_MAX_BYTES < SLIDES_MAX_BYTES:
    raise ImproperlyConfigured("FILE_UPLOAD_MAX_BYTES must be at least SLIDES_MAX_BYTES.")
FILE_UPLOAD_HANDLERS = [
    "echo_hub.lib.uploads.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "echo_hub.lib.observability.RequestIdFilter"}},
    "formatters": {"json": {"()": "echo_hub.lib.observability.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # WeasyPrint and fontTools narrate every render step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from echo_hub.lib.observability import init_sentry

    init_sentry(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
