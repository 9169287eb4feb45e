"""Django's messages, with their storage made only when a message is read or
added.

``MessageMiddleware`` builds a ``FallbackStorage`` (a cookie storage and a
session storage) for every request, and stores it back on every response. Most
requests never touch it: the public lookup, static pages, the API. Here the
storage is a lazy object: made at the first read (``{% if messages %}``,
``get_messages``) or add (``messages.success``); a response whose storage was
never made stores nothing, which is what ``FallbackStorage.update`` does for a
storage that was neither read nor added to (a message waiting in a cookie stays
there until a page shows it).
"""

from __future__ import annotations

from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.http import HttpRequest, HttpResponseBase
from django.utils.functional import SimpleLazyObject, empty


class LazyMessageMiddleware(MessageMiddleware):
    """``MessageMiddleware`` (a subclass: the admin's check asks for it) with a
    storage made on first use."""

    def process_request(self, request: HttpRequest) -> None:
        request._messages = SimpleLazyObject(lambda: default_storage(request))

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if is_untouched(request):
            return response
        return super().process_response(request, response)


def is_untouched(request: HttpRequest) -> bool:
    """Whether nothing read or added a message during this request."""
    storage = getattr(request, "_messages", None)
    return isinstance(storage, SimpleLazyObject) and storage._wrapped is empty
