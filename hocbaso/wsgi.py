"""WSGI entry point of hocbaso."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hocbaso.settings")

application = get_wsgi_application()
