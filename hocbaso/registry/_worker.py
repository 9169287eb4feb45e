"""What a verification worker process runs (verification.PoolVerifier).

Kept apart and free of Django imports at module level: a spawned worker imports this
module before Django is set up, then the initializer sets it up.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

_verifier: Any = None


def start(settings_module: str) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    django.setup()
    from hocbaso.registry.verification import InProcessVerifier

    global _verifier
    _verifier = InProcessVerifier()


def verify_chunk(packets: list[bytes], at: datetime) -> list[Any]:
    """The results the registry reads: status, failed checks, snapshot.

    The checks that passed (about ten per signature) and the signature reports are
    left out: the storing process would only unpickle them to throw them away.
    """
    assert _verifier is not None, "the worker was not started"
    from hocbaso.signing import VerificationResult

    return [
        VerificationResult(r.status, r.failures, (), r.snapshot)
        for r in _verifier.verify(packets, at)
    ]
