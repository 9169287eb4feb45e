"""Django settings for hocbaso.

Every setting comes from an environment variable with a safe default; all of
them are listed in ``.env.example``. Bad configuration stops the program at
start-up (``ImproperlyConfigured``), not at the first request.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def _env_grades(name: str, default: str) -> frozenset[int]:
    raw = os.environ.get(name) or default
    try:
        grades = frozenset(int(part) for part in raw.split(",") if part.strip())
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"{name} must list grades like 1,2,3: {raw!r}"
        ) from exc
    if not grades or not grades <= set(range(1, 10)):
        raise ImproperlyConfigured(f"{name} must list grades from 1 to 9: {raw!r}")
    return grades


# Where the running system keeps its files (SQLite database, generated secret
# key, demo PKI). Outside the repository by default.
DATA_DIR = Path(
    os.environ.get("HOCBASO_DATA_DIR")
    or Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    / "hocbaso"
)

DEBUG = _env_bool("HOCBASO_DEBUG", False)


def _secret_key() -> str:
    key = os.environ.get("HOCBASO_SECRET_KEY")
    if key:
        return key
    # No key given: generate one at run time and keep it in the data directory,
    # so that sessions survive a restart and no secret is ever committed.
    path = DATA_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("HOCBASO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "hocbaso.records",
    "hocbaso.registry",
    "hocbaso.portal",
    "hocbaso.portal.citizen",
    "hocbaso.imports",
    "hocbaso.school",
    "hocbaso.rollout",
    "hocbaso.exchange",
    "hocbaso.web",
    "hocbaso.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "hocbaso.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hocbaso.web.navigation.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "hocbaso.wsgi.application"

_default_db = f"sqlite:///{DATA_DIR / 'hocbaso.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or _default_db, conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Vietnamese first, English selectable; times stored in UTC, shown in Vietnam time.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# WhiteNoise serves the static files from the apps directly (no collectstatic
# step), in the production server as well.
WHITENOISE_USE_FINDERS = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Grades that get digital transcripts (the plan's pilot: 1-4 and 6-8).
HOCBASO_PILOT_GRADES = _env_grades("HOCBASO_PILOT_GRADES", "1,2,3,4,6,7,8")

# Directory of PEM files (roots, intermediates, CRLs) that signatures are
# verified against.
HOCBASO_TRUST_STORE = Path(
    os.environ.get("HOCBASO_TRUST_STORE") or DATA_DIR / "pki" / "trust"
)

# The registry's Ed25519 ledger key (c2sp.org/signed-note private key string),
# generated at first use with mode 0600; never committed.
HOCBASO_LEDGER_KEY = Path(
    os.environ.get("HOCBASO_LEDGER_KEY") or DATA_DIR / "ledger" / "ledger.key"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": os.environ.get("HOCBASO_LOG_LEVEL", "INFO"),
    },
}
