"""What every journey does to a page: screenshots for the guide, an axe check.

``shoot`` saves the viewport (never the full page, to keep the files small) at
the desktop and the phone width into docs/guide/img/, overwriting last run's
files, so the user guide shows the pages as they are (docs/guide/README.md).
``check_accessibility`` runs the vendored axe-core in the page and fails on any
serious or critical violation, naming the rule and the elements.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

DESKTOP = {"width": 1280, "height": 760}
PHONE = {"width": 390, "height": 760}
AXE = (
    Path(settings.BASE_DIR)
    / "hocbaso"
    / "web"
    / "static"
    / "vendor"
    / "axe-core"
    / "axe.min.js"
)
IMAGES = Path(settings.BASE_DIR) / "docs" / "guide" / "img"
SERIOUS = {"serious", "critical"}


def shoot(page, name: str, at: str | None = None) -> None:
    """docs/guide/img/<name>-desktop.png and <name>-phone.png of the page, from
    its top or with the element ``at`` (a CSS selector) scrolled into view."""
    IMAGES.mkdir(parents=True, exist_ok=True)
    for suffix, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        if at:
            page.locator(at).first.evaluate("el => el.scrollIntoView()")
        else:
            page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=IMAGES / f"{name}-{suffix}.png", full_page=False)
        if suffix == "phone":
            assert_no_sideways_scroll(page)
            check_accessibility(page)  # scrolling boxes appear at this width
    page.set_viewport_size(DESKTOP)


def assert_no_sideways_scroll(page) -> None:
    """At the phone width the page itself never scrolls sideways: wide tables
    scroll inside their own container."""
    wide = page.evaluate(
        """() => document.documentElement.scrollWidth - window.innerWidth"""
    )
    culprits = page.evaluate(_OVERFLOWING) if wide > 0 else []
    assert wide <= 0, f"{page.url} is {wide}px wider than the screen: {culprits}"


# The outermost elements sticking out on the right, to name them in the failure.
_OVERFLOWING = """() => {
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
        if (el.getBoundingClientRect().right <= window.innerWidth + 1) continue;
        if (out.some(o => o.contains(el))) continue;
        out.push(el);
    }
    return out.slice(0, 5).map(el => el.tagName.toLowerCase()
        + (el.id ? '#' + el.id : '') + (el.className ? '.' + el.className : ''));
}"""


def violations(page) -> list[str]:
    """The page's serious and critical axe-core violations, one line each."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
            }));
        }"""
    )
    return [
        f"{v['id']} ({v['impact']}): {', '.join(v['nodes'])}"
        for v in found
        if v["impact"] in SERIOUS
    ]


def check_accessibility(page) -> None:
    """Fail with the list of serious or critical violations, if any."""
    problems = violations(page)
    assert not problems, f"{page.url}:\n" + "\n".join(problems)


def visit(page, url: str, name: str | None = None) -> None:
    """Open ``url``, check it with axe and save its screenshots."""
    response = page.goto(url)
    assert response is not None and response.ok, (
        f"{url}: {response and response.status}"
    )
    check_accessibility(page)
    if name:
        shoot(page, name)
