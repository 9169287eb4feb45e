"""Reading a registry's public ledger over HTTP (urllib only): the checkpoint, tiles,
a consistency proof, a lock's list. ``Fetch`` is injectable for tests."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from hocbaso.ledger import TILE_WIDTH, bundles_for, parse_entry_bundle

Fetch = Callable[[str], bytes]
_MAX = 16 * 1024 * 1024
_MAX_LISTED = 1_000_000  # submissions behind one lock: a province is far below


class FetchError(Exception):
    """The log did not answer what was asked."""


def http_fetch(url: str) -> bytes:
    if not url.startswith(("https://", "http://")):
        raise FetchError(f"not an HTTP(S) address: {url[:80]}")
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310
            return bytes(answer.read(_MAX))
    except (urllib.error.URLError, OSError) as exc:
        raise FetchError(f"{url}: {exc}") from exc


class LogClient:
    """The public ledger under ``base`` (e.g. https://hocba.example.vn/api/v1)."""

    def __init__(self, base: str, fetch: Fetch = http_fetch) -> None:
        self._base = base.rstrip("/")
        self._fetch = fetch

    def checkpoint(self) -> str:
        return self._fetch(f"{self._base}/ledger/checkpoint").decode("utf-8")

    def entries(self, start: int, end: int) -> list[bytes]:
        """Entries [start, end) of a tree of ``end`` leaves, from entry bundles."""
        found: list[bytes] = []
        for tile in bundles_for(start, end):
            data = self._fetch(f"{self._base}/ledger/{tile.path()}")
            first = tile.index * TILE_WIDTH
            bundle = parse_entry_bundle(data, tile.width)
            found.extend(bundle[max(0, start - first) :])
        return found

    def consistency(self, size1: int, size2: int) -> list[bytes]:
        query = f"size1={size1}&size2={size2}"
        answer = self._json(f"/ledger/proofs/consistency?{query}")
        return [base64.b64decode(h) for h in answer["hashes"]]

    def lock_list(self, index: int) -> list[tuple[str, str]]:
        """The (submission id, packet SHA-256) pairs behind lock entry ``index``."""
        listed: list[tuple[str, str]] = []
        while True:
            page = self._json(f"/ledger/locks/{index}?start={len(listed)}")
            rows = page["submissions"]
            listed.extend((r["submission_id"], r["packet_sha256"]) for r in rows)
            if not rows or len(listed) >= page["count"]:
                return listed
            if len(listed) > _MAX_LISTED:  # a log paging forever is not checked
                raise FetchError(f"the list of lock {index} does not end")

    def _json(self, path: str) -> Any:
        try:
            return json.loads(self._fetch(self._base + path))
        except ValueError as exc:
            raise FetchError(f"{path}: not JSON") from exc
