"""In headless Chromium: a button the page hides with [hidden] (the signing
panel's "Retry the refused classes" while nothing was refused) stays hidden,
though the site's stylesheet gives every button a display of its own."""

from __future__ import annotations

import pytest

# Page behaviour in the browser: run once, in the SQLite half of `make test`.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.once]

PANEL = """
<div id="batch-progress">
  <button type="button" class="secondary" id="batch-retry" hidden>Retry</button>
  <button type="button" id="shown">Shown</button>
</div>
"""


def test_a_button_hidden_by_the_attribute_is_not_displayed(page):
    page.goto("/login/")
    assert page.evaluate(
        "() => [...document.styleSheets].some(s => (s.href || '').includes('site'))"
    )
    page.evaluate(
        "html => document.querySelector('main').insertAdjacentHTML('beforeend', html)",
        PANEL,
    )
    assert page.locator("#shown").is_visible()  # the button style applies
    assert page.locator("#batch-retry").is_hidden()
    display = page.eval_on_selector("#batch-retry", "e => getComputedStyle(e).display")
    assert display == "none"
    page.eval_on_selector("#batch-retry", "e => { e.hidden = false; }")
    assert page.locator("#batch-retry").is_visible()  # shown when the page says so
