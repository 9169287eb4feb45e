"""gunicorn's settings for hocbaso: ``gunicorn -c python:hocbaso.portal.gunicorn_conf
hocbaso.wsgi``. Its own logs (the access log and the error log) go through the
same filter as Django's (logfilter.MaskLookupCodes), so a lookup code that reaches
a request line by mistake (a query string) is masked there too."""

import os

bind = os.environ.get("HOCBASO_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("HOCBASO_WORKERS", "2"))
accesslog = os.environ.get("HOCBASO_ACCESS_LOG", "-")
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
# Whether a request came over HTTPS, and from whom, is Django's decision
# (HOCBASO_TRUSTED_PROXIES, hocbaso.portal.clients): gunicorn must not turn a
# client's own X-Forwarded-Proto into wsgi.url_scheme=https on the way.
secure_scheme_headers: dict[str, str] = {}

_FILTERS = {"mask_lookup_codes": {"()": "hocbaso.portal.logfilter.MaskLookupCodes"}}
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": _FILTERS,
    "formatters": {
        "generic": {
            "format": "%(asctime)s [%(process)d] [%(levelname)s] %(message)s",
            "datefmt": "[%Y-%m-%d %H:%M:%S %z]",
        },
        "access": {"format": "%(message)s"},
    },
    "handlers": {
        "error_console": {
            "class": "logging.StreamHandler",
            "formatter": "generic",
            "filters": ["mask_lookup_codes"],
            "stream": "ext://sys.stderr",
        },
        "access_console": {
            "class": "logging.StreamHandler",
            "formatter": "access",
            "filters": ["mask_lookup_codes"],
            "stream": "ext://sys.stdout",
        },
    },
    "root": {"level": "INFO", "handlers": ["error_console"]},
    "loggers": {
        "gunicorn.error": {
            "level": "INFO",
            "handlers": ["error_console"],
            "propagate": False,
        },
        "gunicorn.access": {
            "level": "INFO",
            "handlers": ["access_console"],
            "propagate": False,
        },
    },
}
