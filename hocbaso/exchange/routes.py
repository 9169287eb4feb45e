"""Adds the exchange's router to the registry's API (imported by hocbaso.urls)."""

from hocbaso.exchange.api import router
from hocbaso.registry.api import api

api.add_router("/", router)
