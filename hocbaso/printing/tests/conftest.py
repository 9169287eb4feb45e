"""Rendered sample transcripts and a test PKI, built once per run (no key committed)."""

from __future__ import annotations

import pytest

from hocbaso.printing import samples
from hocbaso.printing.tests.helpers import NOW, Rendered, render
from hocbaso.signing import KeyFileSigner
from hocbaso.signing.pki import Credential, DemoPki, create_demo_pki


@pytest.fixture(scope="session")
def primary() -> Rendered:
    return render(samples.primary_transcript())


@pytest.fixture(scope="session")
def secondary() -> Rendered:
    return render(samples.secondary_transcript())


@pytest.fixture(scope="session")
def pki() -> DemoPki:
    return create_demo_pki(now=NOW)


@pytest.fixture(scope="session")
def seal_credential(pki: DemoPki) -> Credential:
    return pki.organisation("Sở Giáo dục và Đào tạo Hà Nội", "01")


@pytest.fixture(scope="session")
def seal(seal_credential: Credential) -> KeyFileSigner:
    return KeyFileSigner(seal_credential.key, seal_credential.chain)
