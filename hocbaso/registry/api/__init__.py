"""The registry's versioned JSON API, ``/api/v1/`` (docs/api.md).

A thin layer over ``hocbaso.registry.actions``: each view validates its input,
calls one action and shapes the answer. The OpenAPI document is at
``/api/v1/openapi.json``, the interactive docs at ``/api/v1/docs``. Schools send
``Authorization: Bearer <token>`` (tokens.py), staff use their session (auth.py);
every error is ``{"error": …, "code": …}`` (errors.py).
"""

from __future__ import annotations

from django.urls import URLPattern
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from hocbaso.registry.api import (
    errors,
    public,
    routes_ledger,
    routes_rounds,
    routes_submissions,
    routes_transfers,
    routes_witness,
)


class RegistryAPI(NinjaAPI):
    """NinjaAPI whose wrong methods and unknown addresses answer the envelope too."""

    @property
    def urls(self):
        patterns, app_name, namespace = super().urls
        shaped = [
            public.public_pattern(errors.with_json_405(self, p), routes_ledger.CACHING)
            if isinstance(p, URLPattern)
            else p
            for p in patterns
        ]
        return [*shaped, errors.not_found_pattern(self)], app_name, namespace


class Utf8JSONRenderer(JSONRenderer):
    """JSON with Vietnamese as written (ensure_ascii=False), not as \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


def build_api() -> NinjaAPI:
    api = RegistryAPI(
        title="hocbaso registry API",
        version="1",
        description=__doc__ or "",
        urls_namespace="api-v1",
        renderer=Utf8JSONRenderer(),
    )
    errors.install(api)
    api.add_router("/", routes_submissions.router)
    api.add_router("/", routes_rounds.router)
    api.add_router("/", routes_transfers.router)
    api.add_router("/", routes_ledger.router)
    api.add_router("/", routes_witness.router)
    return api


api = build_api()

__all__ = ["api", "build_api"]
