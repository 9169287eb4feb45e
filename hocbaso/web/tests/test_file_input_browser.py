"""File inputs in the page's language in headless Chromium (whose only locale is
en-US, so its own button reads "Choose File"): the drawn button and state line of
hocbaso/web/static/hocbaso/fileinput.js, the native input still the control that
is focused and submitted, and the native input alone without JavaScript."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hocbaso.portal.tests.append_only import append_only_cleanup
from hocbaso.tests.journeys.browse import (
    DESKTOP,
    PHONE,
    assert_no_sideways_scroll,
    check_accessibility,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.once]

NATIVE = ("Choose File", "No file chosen", "Choose Files", "No file selected")


@pytest.fixture(autouse=True)
def _clean(request):
    yield from append_only_cleanup(request)  # the verify page writes the trail


def _file(name: str, body: bytes = b"<a/>") -> dict:
    return {"name": name, "mimeType": "application/octet-stream", "buffer": body}


def _assert_drawn_in_vietnamese(page) -> None:
    box = page.locator("main .file-input")
    assert box.count() == 1
    assert box.locator(".file-input-button").inner_text() == "Chọn tệp"
    assert box.locator(".file-input-state").inner_text() == "Chưa chọn tệp"
    text = page.locator("main").inner_text()
    assert not any(words in text for words in NATIVE), text
    native = box.locator("input[type=file]")
    assert native.evaluate("el => getComputedStyle(el).opacity") == "0"
    # The transparent input covers the drawn box inside its dashed border: a
    # click or a drop lands on it.
    outer, inner = box.bounding_box(), native.bounding_box()
    for side in ("x", "y", "width", "height"):
        assert inner[side] == pytest.approx(outer[side], abs=5), (side, outer, inner)


def _tab_to(page, selector: str) -> None:
    page.locator("h1").click()  # start from the page, not the address bar
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def _outline(page, selector: str) -> tuple[str, float]:
    style = page.eval_on_selector(
        selector,
        "el => { const s = getComputedStyle(el);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }",
    )
    return style[0], style[1]


def test_the_verify_page_file_input_speaks_vietnamese_and_names_the_file(page):
    page.goto(reverse("portal:verify"))
    _assert_drawn_in_vietnamese(page)
    assert page.locator("label[for=id_file]").count() == 1  # the label still points
    page.set_input_files("#id_file", [_file("bản sao học bạ.xml")])
    assert page.locator(".file-input-state").inner_text() == "bản sao học bạ.xml"
    assert "chosen" in page.locator(".file-input").get_attribute("class")
    page.evaluate("document.querySelector('main form').reset()")
    page.wait_for_function(
        "document.querySelector('.file-input-state').textContent === 'Chưa chọn tệp'"
    )
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        check_accessibility(page)


def test_a_file_name_is_shown_as_text_without_its_direction_marks(page):
    page.set_viewport_size(PHONE)
    page.goto(reverse("portal:verify"))
    hostile = "<img src=x onerror=alert(1)>" + "a" * 120 + "\u202efdp.exe"
    page.set_input_files("#id_file", [_file(hostile)])
    state = page.locator(".file-input-state")
    assert state.inner_text() == hostile.replace("\u202e", "\ufffd")
    assert state.locator("img").count() == 0  # a name is never markup
    assert_no_sideways_scroll(page)  # a long name wraps inside the box
    button = page.locator(".file-input-button").bounding_box()
    assert state.bounding_box()["x"] > button["x"] + button["width"]  # beside it


def test_several_files_are_counted_in_the_page_language(page):
    page.goto(reverse("portal:verify"))
    page.eval_on_selector("#id_file", "el => { el.multiple = true; }")
    page.set_input_files("#id_file", [_file("a.xml"), _file("b.xml"), _file("c.xml")])
    assert page.locator(".file-input-state").inner_text() == "3 tệp"


def test_the_words_come_from_the_page_in_its_language(page, live_server, settings):
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
    )
    page.goto(reverse("portal:verify"))
    assert page.locator(".file-input-button").inner_text() == "Choose a file"
    assert page.locator(".file-input-state").inner_text() == "No file chosen"


def test_tab_reaches_the_file_input_and_its_button_shows_the_focus_outline(page):
    page.goto(reverse("portal:verify"))
    button = ".file-input-button"
    assert _outline(page, button)[0] == "none"
    _tab_to(page, "#id_file")
    style, width = _outline(page, button)
    assert style == "solid" and width >= 3, (style, width)


def test_the_verify_form_still_sends_the_chosen_file(page, settings, tmp_path):
    settings.HOCBASO_TRUST_STORE = tmp_path  # an empty store: nothing is trusted
    page.goto(reverse("portal:verify"))
    page.set_input_files("#id_file", [_file("not-a-packet.xml", b"<a/>")])
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    # The server read the file and judged it: a verdict, not "choose a file".
    assert page.locator("#verdict").inner_text() == "không hợp lệ"
    _assert_drawn_in_vietnamese(page)  # the page it answered with is drawn again


def test_the_import_page_file_input_speaks_vietnamese_and_keeps_its_checks(
    page, browser_login, principal
):
    browser_login(principal)
    page.goto("/import/")
    _assert_drawn_in_vietnamese(page)
    native = page.locator("#id_file")
    assert native.get_attribute("accept") == ".xlsx"
    assert native.evaluate("el => el.required && !el.checkValidity()")
    page.set_input_files("#id_file", [_file("lop-1A.xlsx", b"PK")])
    assert page.locator(".file-input-state").inner_text() == "lop-1A.xlsx"
    _tab_to(page, "#id_file")
    assert _outline(page, ".file-input-button")[0] == "solid"
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        assert_no_sideways_scroll(page)
        check_accessibility(page)


def test_without_javascript_the_native_input_is_left_as_it_is(
    chromium_browser, live_server
):
    context = chromium_browser.new_context(
        base_url=live_server.url, java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.goto(reverse("portal:verify"))
        assert page.locator(".file-input").count() == 0
        native = page.locator("#id_file")
        assert native.is_visible()
        assert native.evaluate("el => getComputedStyle(el).opacity") == "1"
    finally:
        context.close()


def _centre(page, selector: str) -> tuple[float, float]:
    box = page.locator(selector).bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_a_click_on_the_drawn_button_lands_on_the_native_input(page):
    page.goto(reverse("portal:verify"))
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready.then(() => true)")  # no shift after
    x, y = _centre(page, ".file-input-button")
    # the drawn button only shows through the input: a click there is the
    # input's own, which opens the browser's chooser as any file input does
    hit = page.evaluate(f"document.elementFromPoint({x}, {y}).id")
    assert hit == "id_file"
    page.set_input_files("#id_file", [_file("hocba.pdf", b"%PDF-")])
    assert page.locator(".file-input-state").inner_text() == "hocba.pdf"
    # the keyboard reaches the native input itself, whose Space and Enter are
    # the browser's own (the focus outline is checked by the Tab test above)
    _tab_to(page, "#id_file")
