"""The site's look in a real headless Chromium: the web font, keyboard focus, the
progress bar, tables on a phone, and the admin wearing the site's colours."""

from __future__ import annotations

import base64
import secrets

import pytest
from django.utils import timezone

from hocbaso.portal.tests.append_only import append_only_cleanup
from hocbaso.season.models import Job
from hocbaso.tests.journeys.browse import (
    DESKTOP,
    PHONE,
    assert_no_sideways_scroll,
    check_accessibility,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.once]

BRAND = (139, 26, 26)  # --brand in hocbaso/web/static/hocbaso/site.css


@pytest.fixture(autouse=True)
def _clean(request):
    yield from append_only_cleanup(request)  # staff pages write the access trail


def _background(page, selector: str) -> str:
    return page.eval_on_selector(selector, "el => getComputedStyle(el).backgroundColor")


def _near(pixel, colour, slack: int = 12) -> bool:
    return all(abs(a - b) <= slack for a, b in zip(pixel[:3], colour, strict=True))


# Reads two pixels of a PNG (the middle and nine tenths across, half-way down) in a
# blank tab, where the site's content security policy does not apply.
_PIXELS = """async (b64) => {
    const img = new Image(); img.src = 'data:image/png;base64,' + b64;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.width; canvas.height = img.height;
    const ctx = canvas.getContext('2d'); ctx.drawImage(img, 0, 0);
    const y = Math.floor(img.height / 2);
    return [0.5, 0.9].map(f => Array.from(
        ctx.getImageData(Math.floor(img.width * f), y, 1, 1).data));
}"""


def _pixels(page, png: bytes):
    blank = page.context.new_page()
    try:
        return blank.evaluate(_PIXELS, base64.b64encode(png).decode())
    finally:
        blank.close()


def test_the_web_font_loads_its_vietnamese_letters(page):
    page.goto("/")
    loaded = page.evaluate(
        """async () => { await document.fonts.ready;
        return [...document.fonts].filter(f => f.family.includes('Noto Sans')
            && f.status === 'loaded').map(f => f.unicodeRange); }"""
    )
    assert any("U+1EA0-1EF9" in r for r in loaded), loaded  # ạ…ỹ: Vietnamese subset
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith(
        '"Noto Sans"'
    )


def test_keyboard_focus_shows_a_thick_outline(page):
    page.goto("/")
    page.keyboard.press("Tab")
    style = page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
        return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"""
    )
    assert style[0] == "solid" and style[1] >= 3, style


def test_a_task_progress_bar_is_filled_in_the_brand_colour(
    page, browser_login, principal
):
    job = Job.objects.create(
        public_id=secrets.token_hex(16),
        kind=Job.Kind.EXPORT,
        state=Job.State.RUNNING,
        done=3,
        total=4,
        user=principal,
        created_at=timezone.now(),
    )
    browser_login(principal)
    page.goto(f"/jobs/{job.public_id}/")
    half, nine_tenths = _pixels(page, page.locator("#job-progress").screenshot())
    assert _near(half, BRAND) and not _near(nine_tenths, BRAND), (half, nine_tenths)


def test_a_task_page_follows_its_progress_in_place_and_passes_axe(
    page, browser_login, principal
):
    job = Job.objects.create(
        public_id=secrets.token_hex(16),
        kind=Job.Kind.EXPORT,
        state=Job.State.RUNNING,
        done=1,
        total=4,
        user=principal,
        created_at=timezone.now(),
    )
    browser_login(principal)
    page.goto(f"/jobs/{job.public_id}/")
    assert not page.locator('meta[http-equiv="refresh"]').count()
    check_accessibility(page)  # axe refuses a page that reloads by itself
    assert page.locator("#job-reload").is_hidden()  # the script follows it
    page.evaluate("window.__same_page = true")
    Job.objects.filter(pk=job.pk).update(done=4, state=Job.State.DONE)
    page.wait_for_function(
        "document.getElementById('job-progress').value === 4", timeout=15000
    )
    assert page.evaluate("window.__same_page") is True  # updated, not reloaded
    assert not page.locator("#job[data-refresh]").count()


def test_on_a_phone_a_class_list_scrolls_with_its_first_column_kept(
    page, browser_login, principal, world
):
    browser_login(principal)
    page.set_viewport_size(PHONE)
    page.goto(f"/school/class/{world.class_a.pk}/")
    assert_no_sideways_scroll(page)
    table = page.locator("main table").first
    first = table.locator("tbody tr td, tbody tr th").first
    before = first.bounding_box()["x"]
    table.evaluate("el => { el.scrollLeft = 200; }")
    assert table.evaluate("el => el.scrollLeft") > 0  # it does scroll, inside itself
    assert first.bounding_box()["x"] == pytest.approx(before, abs=1)
    check_accessibility(page)


def test_the_admin_wears_the_site_colours_at_both_widths(
    page, browser_login, department_admin
):
    browser_login(department_admin, password="x")  # records/tests/personas.py
    page.goto("/")
    site_header = _background(page, ".site-header")
    page.goto("/admin/records/school/")
    assert page.locator("#result_list").is_visible()  # the list, not the login
    assert _background(page, "#header") == site_header == "rgb(139, 26, 26)"
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert font.startswith('"Noto Sans"'), font
    assert not page.locator(".theme-toggle").is_visible()  # light only, as the site
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        assert_no_sideways_scroll(page)
        check_accessibility(page)


_PARTICULARS = """() => {
    const css = document.createElement('link');
    css.rel = 'stylesheet'; css.href = '/static/portal/portal.css';
    document.head.append(css);
    document.querySelector('main').innerHTML = `<table class="identity">
      <tr><th>Họ và tên</th><td>Nguyễn Gia Thắng</td><th>Giới tính</th><td>Nam</td></tr>
    </table>`;
    return new Promise(done => { css.onload = done; });
}"""


def test_on_a_phone_the_particulars_read_one_label_and_value_a_line(page):
    page.set_viewport_size(PHONE)
    page.goto("/")
    page.evaluate(_PARTICULARS)  # the markup of portal/_transcript.html
    boxes = [
        page.locator(f".identity :is(th, td):nth-child({n})").bounding_box()
        for n in (1, 2, 3, 4)
    ]
    label, value, next_label, _ = boxes
    assert label["y"] == pytest.approx(value["y"], abs=1)  # side by side
    assert next_label["y"] >= label["y"] + label["height"] - 1  # then a new line
    assert next_label["x"] == pytest.approx(label["x"], abs=1)
    assert_no_sideways_scroll(page)
