"""Settings of the demo OpenID Connect provider (a separate Django project).

Read from environment variables that ``__main__`` sets before start-up.
"""

import os
from pathlib import Path

DATA_DIR = Path(os.environ["DEVPROVIDER_DATA_DIR"])
ISSUER = os.environ["DEVPROVIDER_ISSUER"]

SECRET_KEY = (DATA_DIR / "secret_key").read_text().strip()
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "hocbaso.portal.citizen.devprovider.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).resolve().parent / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "provider.sqlite3",
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
LANGUAGE_CODE = "vi"
LOGIN_URL = "/accounts/login/"
if os.environ.get("DEVPROVIDER_FAST_HASHING") == "1":  # the tests' throwaway logins
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A separate cookie name: the provider and hocbaso share the host 127.0.0.1.
SESSION_COOKIE_NAME = "devprovider_session"
CSRF_COOKIE_NAME = "devprovider_csrftoken"

OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": (DATA_DIR / "oidc.key").read_text(),
    "OIDC_ISS_ENDPOINT": ISSUER,
    "PKCE_REQUIRED": True,
    "OAUTH2_VALIDATOR_CLASS": (
        "hocbaso.portal.citizen.devprovider.validator.CitizenValidator"
    ),
    "SCOPES": {
        "openid": "OpenID Connect",
        "profile": "Họ tên và số định danh cá nhân",
    },
    "DEFAULT_SCOPES": ["openid"],
    "ACCESS_TOKEN_EXPIRE_SECONDS": 600,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"],
    # Loopback redirect URIs match on any port (RFC 8252 §7.3), "localhost" too.
    "ALLOW_LOCALHOST_LOOPBACK": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
