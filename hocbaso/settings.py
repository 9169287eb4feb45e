"""Django settings for hocbaso.

Every setting comes from an environment variable with a safe default; all of
them are listed in ``.env.example``. Bad configuration stops the program at
start-up (``ImproperlyConfigured``), not at the first request.
"""

import ipaddress
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from hocbaso.files import keep_sqlite_private, write_private_once

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
    return kept_secret(DATA_DIR / "secret_key")


def kept_secret(path: Path) -> str:
    """The secret kept in ``path``, made on first use. Processes starting at once
    on a new data directory (a web server's and task workers') all get the one
    kept first (hocbaso/files.py, write_private_once)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_private_once(path, secrets.token_urlsafe(50).encode("ascii"))
    return path.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("HOCBASO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "hocbaso.web.admin_config.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # the API's docs page (/api/v1/docs) with django-ninja's own copy of its
    # script, served from static files, not from a CDN
    "ninja",
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
    "hocbaso.operations",
    # background work: Django's tasks API (backport) on the database backend
    "django_tasks",
    "django_tasks_db",
    "hocbaso.season",
    "hocbaso.notices",
]

MIDDLEWARE = [
    "hocbaso.portal.clients.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # the language cookie, else Vietnamese, never Accept-Language (web/language.py)
    "hocbaso.web.language.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Django's messages, the storage made only when a message is read or added
    "hocbaso.web.lazy_messages.LazyMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # runs before any view reads the body (CsrfViewMiddleware reads it in
    # process_view, after every middleware's __call__ has begun)
    "hocbaso.portal.limits.UploadLimitMiddleware",
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
    # Every pupil's data: owner-only whatever the umask, before SQLite opens it.
    if DATABASES["default"]["NAME"] != ":memory:":
        keep_sqlite_private(DATABASES["default"]["NAME"])
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

# What the registry's holdings derive (parsed packets, verified ledger proofs) is
# cached under keys that change with the registry (docs/portal.md): in each
# process's memory by default; a deployment with several servers shares one cache
# (HOCBASO_CACHE_BACKEND and HOCBASO_CACHE_LOCATION, e.g. Django's database cache
# after `manage.py createcachetable`, or Redis).
_CACHE_BACKEND = (
    os.environ.get("HOCBASO_CACHE_BACKEND")
    or "django.core.cache.backends.locmem.LocMemCache"
)
CACHES = {
    "default": {
        "BACKEND": _CACHE_BACKEND,
        "LOCATION": os.environ.get("HOCBASO_CACHE_LOCATION") or "hocbaso",
    }
}
if _CACHE_BACKEND.endswith(("LocMemCache", "DatabaseCache")):
    # a transcript and each of its packets is an entry: a district's worth
    CACHES["default"]["OPTIONS"] = {"MAX_ENTRIES": 20000}

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
LOGIN_REDIRECT_URL = "work"  # staff land on their work page (hocbaso.web.views)
LOGOUT_REDIRECT_URL = "/"

# Students and parents log in through an OpenID Connect provider (the national
# citizen app VNeID works this way; `make demo` runs a local one): authorization
# code flow with PKCE, nonce and state, the ID token's RS256 signature checked
# against the provider's JWKS, its issuer and audience checked. Staff keep the
# password login at /login/. Empty values switch citizen login off.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "hocbaso.portal.citizen.auth.CitizenOIDCBackend",
]
OIDC_OP_ISSUER = os.environ.get("HOCBASO_OIDC_ISSUER", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("HOCBASO_OIDC_AUTHORIZATION_URL", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("HOCBASO_OIDC_TOKEN_URL", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("HOCBASO_OIDC_USERINFO_URL", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("HOCBASO_OIDC_JWKS_URL", "")
OIDC_RP_CLIENT_ID = os.environ.get("HOCBASO_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("HOCBASO_OIDC_CLIENT_SECRET", "")
OIDC_RP_SCOPES = os.environ.get("HOCBASO_OIDC_SCOPES", "openid profile")
# The claim that carries the citizen's 12-digit personal identification number.
HOCBASO_OIDC_ID_CLAIM = os.environ.get("HOCBASO_OIDC_ID_CLAIM", "personal_id")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "citizen:oidc_callback"
OIDC_STORE_ACCESS_TOKEN = False
OIDC_STORE_ID_TOKEN = False
if OIDC_RP_CLIENT_ID:
    _missing_oidc = [
        env
        for env, value in (
            ("HOCBASO_OIDC_ISSUER", OIDC_OP_ISSUER),
            ("HOCBASO_OIDC_AUTHORIZATION_URL", OIDC_OP_AUTHORIZATION_ENDPOINT),
            ("HOCBASO_OIDC_TOKEN_URL", OIDC_OP_TOKEN_ENDPOINT),
            ("HOCBASO_OIDC_USERINFO_URL", OIDC_OP_USER_ENDPOINT),
            ("HOCBASO_OIDC_JWKS_URL", OIDC_OP_JWKS_ENDPOINT),
            ("HOCBASO_OIDC_CLIENT_SECRET", OIDC_RP_CLIENT_SECRET),
        )
        if not value
    ]
    if _missing_oidc:
        raise ImproperlyConfigured(
            "HOCBASO_OIDC_CLIENT_ID is set but these are empty: "
            + ", ".join(_missing_oidc)
        )

# Grades that get digital transcripts (the plan's pilot: 1-4 and 6-8).
HOCBASO_PILOT_GRADES = _env_grades("HOCBASO_PILOT_GRADES", "1,2,3,4,6,7,8")

# Directory of PEM files (roots, intermediates, CRLs) that signatures are
# verified against.
HOCBASO_TRUST_STORE = Path(
    os.environ.get("HOCBASO_TRUST_STORE") or DATA_DIR / "pki" / "trust"
)

# An RFC 3161 timestamp authority (a licensed CA's): when set, soft copies are
# PAdES B-LTA (the trust store's revocation data and a document timestamp, so they
# verify for decades, docs/printing.md); unset, B-B. HOCBASO_ARCHIVE_DIR holds the
# soft copies kept for years, re-timestamped daily by the worker.
HOCBASO_TSA_URL = os.environ.get("HOCBASO_TSA_URL", "").strip()
if HOCBASO_TSA_URL and (
    urlsplit(HOCBASO_TSA_URL).scheme not in ("http", "https")
    or not urlsplit(HOCBASO_TSA_URL).netloc
):
    raise ImproperlyConfigured(
        f"HOCBASO_TSA_URL must be an http or https URL: {HOCBASO_TSA_URL!r}"
    )
HOCBASO_ARCHIVE_DIR = Path(
    os.environ.get("HOCBASO_ARCHIVE_DIR") or DATA_DIR / "archive"
)

# The school pages offer "sign with the demo key" (the server-held keys of
# `hocbaso pki demo` under DATA_DIR/pki) besides the signing agent: the demo only.
HOCBASO_DEMO_SIGNING = _env_bool("HOCBASO_DEMO_SIGNING", False)

# The registry's Ed25519 ledger key (c2sp.org/signed-note private key string),
# generated at first use with mode 0600; never committed.
HOCBASO_LEDGER_KEY = Path(
    os.environ.get("HOCBASO_LEDGER_KEY") or DATA_DIR / "ledger" / "ledger.key"
)


def _ledger_origin() -> str:
    from hocbaso.ledger import NoteFormatError, check_origin, origin_from_url

    raw = os.environ.get("HOCBASO_LEDGER_ORIGIN", "").strip()
    url = os.environ.get("HOCBASO_PUBLIC_URL", "").strip()
    try:
        if raw:
            return check_origin(raw)
        return origin_from_url(url) if url else "hocbaso/registry"
    except NoteFormatError as exc:
        name = "HOCBASO_LEDGER_ORIGIN" if raw else "HOCBASO_PUBLIC_URL"
        raise ImproperlyConfigured(f"{name}: {exc}") from exc


# The ledger's name: the first line of its checkpoints and its key's name
# (c2sp.org/tlog-checkpoint), this log's public host and path. Default: the host
# and path of HOCBASO_PUBLIC_URL then /ledger; without one, hocbaso/registry.
HOCBASO_LEDGER_ORIGIN = _ledger_origin()

# What this installation is (docs/exchange.md): a department's registry (the default) or
# the national repository that receives every department's locked records.
HOCBASO_ROLE = os.environ.get("HOCBASO_ROLE") or "department"
if HOCBASO_ROLE not in {"department", "national"}:
    raise ImproperlyConfigured(
        f"HOCBASO_ROLE must be department or national, not {HOCBASO_ROLE!r}"
    )

# Who approves a correction after the lock (docs/decisions.md): the department
# (the default) or the management unit of the school.
HOCBASO_CORRECTION_APPROVER = os.environ.get("HOCBASO_CORRECTION_APPROVER") or (
    "department"
)
if HOCBASO_CORRECTION_APPROVER not in {"department", "unit"}:
    raise ImproperlyConfigured(
        "HOCBASO_CORRECTION_APPROVER must be department or unit, not "
        f"{HOCBASO_CORRECTION_APPROVER!r}"
    )


def _env_positive_int(name: str, default: int) -> int:
    raw = os.environ.get(name) or str(default)
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number: {raw!r}") from exc
    if value <= 0:
        raise ImproperlyConfigured(f"{name} must be more than 0: {raw!r}")
    return value


def _env_days(name: str, default: str) -> tuple[int, ...]:
    raw = os.environ.get(name)
    raw = default if raw is None else raw
    try:
        days = {int(part) for part in raw.split(",") if part.strip()}
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must list days like 7,1: {raw!r}") from exc
    if not all(1 <= day <= 60 for day in days):
        raise ImproperlyConfigured(f"{name} must list days from 1 to 60: {raw!r}")
    return tuple(sorted(days, reverse=True))


# Spreadsheet import: the largest file accepted, in bytes, and the largest total
# its zip members may expand to (a guard against zip bombs).
HOCBASO_IMPORT_MAX_BYTES = _env_positive_int("HOCBASO_IMPORT_MAX_BYTES", 10_000_000)
HOCBASO_IMPORT_MAX_UNCOMPRESSED_BYTES = _env_positive_int(
    "HOCBASO_IMPORT_MAX_UNCOMPRESSED_BYTES", 200_000_000
)


def _remote_signing() -> tuple[str, str, str]:
    """The CSC service's URL, client id and secret (the secret or a file holding
    it); all empty when remote signing is off, else all required."""
    url = os.environ.get("HOCBASO_CSC_URL", "").strip()
    client_id = os.environ.get("HOCBASO_CSC_CLIENT_ID", "").strip()
    secret = os.environ.get("HOCBASO_CSC_CLIENT_SECRET", "")
    secret_file = os.environ.get("HOCBASO_CSC_CLIENT_SECRET_FILE", "")
    if not url:
        return "", "", ""
    if secret_file:
        try:
            secret = Path(secret_file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(
                f"HOCBASO_CSC_CLIENT_SECRET_FILE: {exc}"
            ) from exc
    if not client_id or not secret:
        raise ImproperlyConfigured(
            "HOCBASO_CSC_URL is set: HOCBASO_CSC_CLIENT_ID and the client secret"
            " (HOCBASO_CSC_CLIENT_SECRET or _FILE) are required"
        )
    from hocbaso.signing.csc import RemoteSigningError, check_service_url

    try:
        return check_service_url(url), client_id, secret
    except RemoteSigningError as exc:
        raise ImproperlyConfigured(
            f"HOCBASO_CSC_URL must be https (http only on a loopback address): {url!r}"
        ) from exc


# Remote signing (docs/signing.md, "Remote signing"): a CSC API v2 service where
# teachers' keys live; empty URL: off.
HOCBASO_CSC_URL, HOCBASO_CSC_CLIENT_ID, HOCBASO_CSC_CLIENT_SECRET = _remote_signing()
HOCBASO_CSC_TIMEOUT_SECONDS = _env_positive_int("HOCBASO_CSC_TIMEOUT_SECONDS", 15)

# Lookup codes are credentials (domain.md §9): every handler masks any run of 32
# hex digits (hocbaso.portal.logfilter); Django's own loggers (django.request,
# django.server) and gunicorn's are routed to the same filtered handler.
_LOG_LEVEL = os.environ.get("HOCBASO_LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "mask_lookup_codes": {"()": "hocbaso.portal.logfilter.MaskLookupCodes"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["mask_lookup_codes"],
        }
    },
    "root": {"handlers": ["console"], "level": _LOG_LEVEL},
    "loggers": {
        name: {"handlers": ["console"], "level": _LOG_LEVEL, "propagate": False}
        for name in ("django", "gunicorn.error", "gunicorn.access")
    }
    # fontTools logs every glyph table it subsets at INFO: hundreds of lines
    # per printed form that nobody reads.
    | {"fontTools": {"level": "WARNING"}},
}

# Guessing lookup codes (hocbaso.portal.throttle): a client (keyed hash of its
# address) has this many failed lookups free within the window; each further
# failure opens a wait of the delay doubled per failure beyond, at most the
# maximum, during which the client gets HTTP 429 (docs/security.md).
HOCBASO_LOOKUP_FAILURE_LIMIT = _env_positive_int("HOCBASO_LOOKUP_FAILURE_LIMIT", 10)
HOCBASO_LOOKUP_WINDOW_SECONDS = _env_positive_int("HOCBASO_LOOKUP_WINDOW_SECONDS", 3600)
HOCBASO_LOOKUP_DELAY_SECONDS = _env_positive_int("HOCBASO_LOOKUP_DELAY_SECONDS", 2)
HOCBASO_LOOKUP_MAX_DELAY_SECONDS = _env_positive_int(
    "HOCBASO_LOOKUP_MAX_DELAY_SECONDS", 300
)


def _env_proxies(name: str) -> tuple[str, ...]:
    """Addresses or CIDRs of the reverse proxies whose X-Forwarded-For is believed
    (``unix``: an empty REMOTE_ADDR, gunicorn on a unix socket)."""
    entries = tuple(e.strip() for e in os.environ.get(name, "").split(",") if e.strip())
    for entry in entries:
        try:
            if entry != "unix":
                ipaddress.ip_network(entry, strict=False)
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"{name} must list addresses or networks (CIDR) or unix: {entry!r}"
            ) from exc
    return entries


# The client's address (hocbaso.portal.clients): X-Forwarded-For and
# X-Forwarded-Proto only from these peers; empty: REMOTE_ADDR is the client.
HOCBASO_TRUSTED_PROXIES = _env_proxies("HOCBASO_TRUSTED_PROXIES")

# HTTPS (docs/operations.md). Production serves HTTPS through its reverse proxy:
# cookies are Secure and browsers are told to keep to HTTPS (HSTS, sent only on
# HTTPS responses). `make demo` serves http://127.0.0.1 and sets
# HOCBASO_HTTPS=false. The redirect from http is the proxy's or, with
# HOCBASO_SSL_REDIRECT, Django's; the proxy's X-Forwarded-Proto is believed only
# when proxies are configured (and only from them: clients.TrustedProxyMiddleware).
HOCBASO_HTTPS = _env_bool("HOCBASO_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HOCBASO_HTTPS
SECURE_HSTS_SECONDS = (
    _env_positive_int("HOCBASO_HSTS_SECONDS", 31_536_000) if HOCBASO_HTTPS else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("HOCBASO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = _env_bool("HOCBASO_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = _env_bool("HOCBASO_SSL_REDIRECT", False)
if HOCBASO_TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Preloading is the department domain's decision (hstspreload.org), not the app's.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Bodies are read into memory up to these sizes (Django's defaults, stated); an
# upload to the verify page or API is refused by size before it is read
# (hocbaso.portal.limits).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Background work (docs/architecture.md, "Background work"): Django's tasks API
# (the django-tasks backport) on the database backend, run by `hocbaso worker`
# processes on any machine that reaches the database. HOCBASO_TASKS_BACKEND=immediate
# runs every task inline where it is enqueued (the test suite's default; deadline
# tasks are then not scheduled, since they wait for their time).
HOCBASO_TASKS_BACKEND = os.environ.get("HOCBASO_TASKS_BACKEND") or "database"
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if HOCBASO_TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"HOCBASO_TASKS_BACKEND must be database or immediate, not "
        f"{HOCBASO_TASKS_BACKEND!r}"
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[HOCBASO_TASKS_BACKEND]}}
# A task left running by a worker with no heartbeat for this long goes back to the
# queue (its worker died); workers beat every third of it.
HOCBASO_WORKER_LEASE_SECONDS = _env_positive_int("HOCBASO_WORKER_LEASE_SECONDS", 60)
# Days before a lock deadline on which schools with missing records are reminded.
HOCBASO_REMINDER_DAYS = _env_days("HOCBASO_REMINDER_DAYS", "7,1")
# Retention (docs/privacy.md): years the access trail is kept (at least 5, which
# the database enforces), days a share code is kept after it expired or was revoked.
HOCBASO_ACCESS_RETENTION_YEARS = _env_positive_int("HOCBASO_ACCESS_RETENTION_YEARS", 5)
HOCBASO_SHARE_GRACE_DAYS = _env_positive_int("HOCBASO_SHARE_GRACE_DAYS", 30)

# E-mail: reminders to schools and notices to families and staff (docs/notices.md),
# sent by the workers through Django's mail API. Without HOCBASO_EMAIL_HOST they
# are written to the console (the demo); with it, to that SMTP server, STARTTLS by
# default (HOCBASO_EMAIL_SSL for implicit TLS, port 465). The timeout keeps a mail
# server that does not answer from holding a worker.
EMAIL_HOST = os.environ.get("HOCBASO_EMAIL_HOST", "").strip()
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = _env_positive_int("HOCBASO_EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("HOCBASO_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("HOCBASO_EMAIL_PASSWORD", "")
if os.environ.get("HOCBASO_EMAIL_PASSWORD_FILE"):
    try:
        EMAIL_HOST_PASSWORD = (
            Path(os.environ["HOCBASO_EMAIL_PASSWORD_FILE"]).read_text("utf-8").strip()
        )
    except OSError as exc:
        raise ImproperlyConfigured(f"HOCBASO_EMAIL_PASSWORD_FILE: {exc}") from exc
EMAIL_USE_SSL = _env_bool("HOCBASO_EMAIL_SSL", False)
EMAIL_USE_TLS = _env_bool("HOCBASO_EMAIL_STARTTLS", not EMAIL_USE_SSL)
if EMAIL_USE_SSL and EMAIL_USE_TLS:
    raise ImproperlyConfigured(
        "HOCBASO_EMAIL_SSL and HOCBASO_EMAIL_STARTTLS cannot both be true"
    )
EMAIL_TIMEOUT = _env_positive_int("HOCBASO_EMAIL_TIMEOUT_SECONDS", 20)
DEFAULT_FROM_EMAIL = os.environ.get("HOCBASO_EMAIL_FROM") or "hocbaso@localhost"
# The public address of the site, for the links in e-mails (no link without it).
HOCBASO_PUBLIC_URL = os.environ.get("HOCBASO_PUBLIC_URL", "").strip().rstrip("/")
