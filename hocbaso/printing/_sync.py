"""Run pyHanko's coroutines from synchronous code, even where this thread already
runs an event loop (an ASGI server, a browser driver in the tests): then the
coroutine gets a fresh loop in a short-lived thread instead of failing."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run(
    function: Callable[..., Coroutine[Any, Any, T]], *args: Any, **kwargs: Any
) -> T:
    """``asyncio.run(function(*args, **kwargs))``, on a fresh thread if need be."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(function(*args, **kwargs))
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(function(*args, **kwargs))).result()
