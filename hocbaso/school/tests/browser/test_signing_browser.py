"""In headless Chromium: a homeroom teacher signs the class with the local signing
agent backed by a SoftHSM2 token; the principal signs, seals and submits; the class
shows as accepted."""

from __future__ import annotations

import pytest

from hocbaso.portal.tests.append_only import empty_append_only_tables
from hocbaso.records.models import RecordStatus
from hocbaso.records.signers import signers_of
from hocbaso.registry.models import Submission
from hocbaso.school import clock
from hocbaso.school.tests.agent_process import PAIRING, running_agent
from hocbaso.school.tests.district import build
from hocbaso.school.tests.token import add_person_key, add_seal_key, make_token

# Page behaviour in the browser: run once, in the SQLite half of `make test`
# (hocbaso/portal/tests/test_portal_browser.py proves the live server on
# PostgreSQL).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.once]
PASSWORD = "demo password for tests"


@pytest.fixture
def append_only_rows_removed(transactional_db):
    """Empty the append-only tables before SQLite's flush (see append_only)."""
    yield
    empty_append_only_tables()


@pytest.fixture
def district(append_only_rows_removed, tmp_path, settings):
    built = build(tmp_path / "district")
    settings.DATA_DIR = built.root
    settings.HOCBASO_TRUST_STORE = built.trust_dir
    settings.HOCBASO_LEDGER_KEY = tmp_path / "ledger.key"
    clock.freeze(built.now)
    yield built
    clock.freeze(None)


def _use_agent(page, agent_url):
    page.fill("#agent-port", agent_url.rsplit(":", 1)[-1])
    page.fill("#agent-token", PAIRING)


def test_homeroom_signs_with_the_token_then_the_principal_seals_and_submits(
    page, browser_login, live_server, district, tmp_path
):
    cls = district.primary
    signers = signers_of(cls)
    token = make_token(tmp_path / "token")
    at = district.now
    add_person_key(token, district.keys, signers.homeroom, "homeroom", "01", at)
    add_person_key(token, district.keys, signers.leader, "leader", "02", at)
    add_seal_key(token, district.keys, cls.school, "seal", "03", at)
    pin_file = tmp_path / "pin"
    pin_file.write_text(token.pin)
    records = district.records(cls)
    assert records.count() == 3

    with running_agent(token, live_server.url, pin_file, personal="homeroom") as url:
        browser_login(signers.homeroom.user, password=PASSWORD)
        page.goto(f"/school/class/{cls.pk}/")
        assert (
            page.locator("tr.record-row").count()
            == district.records(cls).count()
            + cls.yearly_records.filter(status=RecordStatus.DRAFT).count()
        )
        _use_agent(page, url)
        page.click("#sign-agent")
        page.wait_for_selector("tr.batch-item.state-signed")
        assert page.locator("#batch-error").inner_text() == ""
    assert set(records.values_list("status", flat=True)) == {RecordStatus.SIGNING}

    page.context.clear_cookies()
    with running_agent(
        token, live_server.url, pin_file, personal="leader", seal="seal"
    ) as url:
        browser_login(signers.leader.user, password=PASSWORD)
        page.goto(f"/school/year/{district.year.pk}/school/{cls.school.pk}/")
        page.check(f"#choose-{cls.pk}")
        _use_agent(page, url)
        page.click("#sign-agent")
        page.wait_for_selector("tr.batch-item.state-submitted")
        assert page.locator("#batch-error").inner_text() == ""
    assert set(records.values_list("status", flat=True)) == {RecordStatus.SUBMITTED}
    assert (
        Submission.objects.filter(
            record__school_class=cls, state=Submission.State.ACCEPTED
        ).count()
        == 3
    )
    page.reload()
    accepted = page.locator(f"tr.class-row[data-class='{cls.pk}'] td.accepted")
    assert accepted.inner_text() == "3"
