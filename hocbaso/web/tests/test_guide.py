"""The user guide's pages: each role's link, the safe renderer, the screenshots."""

from __future__ import annotations

import pytest

from hocbaso.web import guide_markdown
from hocbaso.web.guide import PAGES, guide_dir


def test_every_role_has_a_guide_page_in_vietnamese(client, db):
    for name in PAGES:
        response = client.get(f"/guide/{name}/")
        assert response.status_code == 200, name
        assert "Hướng dẫn" in response.content.decode()


def test_each_reader_gets_the_guide_of_their_role(
    client, staff_client, db, clerk, principal, unit_officer, homeroom_teacher
):
    assert 'href="/guide/organisation/"' in client.get("/").content.decode()
    for user, name in (
        (clerk, "clerk"),
        (principal, "principal"),
        (unit_officer, "unit-officer"),
        (homeroom_teacher, "homeroom-teacher"),
    ):
        page = staff_client(user).get("/").content.decode()
        assert f'href="/guide/{name}/"' in page, name


def test_the_guide_s_address_leads_each_reader_to_their_page(
    client, staff_client, db, principal
):
    assert client.get("/guide/")["Location"] == "/guide/organisation/"
    assert staff_client(principal).get("/guide/")["Location"] == "/guide/principal/"


def test_an_unknown_page_or_a_path_is_not_found(client, db):
    assert client.get("/guide/secrets/").status_code == 404
    assert client.get("/guide/clerk/img/..%2F..%2Fsettings.py").status_code == 404
    assert client.get("/guide/clerk/img/missing.png").status_code == 404


def test_the_screenshots_are_served_as_png(client, db):
    shot = next((guide_dir() / "img").glob("*.png"))
    response = client.get(f"/guide/clerk/img/{shot.name}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "[bấm](javascript:alert(1))",
        '![x" onerror="alert(1)](img/a.png)',
        "![x](//evil.example/a.png)",
        "[x](../../settings.py)",
    ],
)
def test_the_renderer_writes_no_script_and_no_foreign_target(text):
    _, body = guide_markdown.render(text, base="/guide/clerk/")
    assert "<script" not in body and "javascript:" not in body
    assert 'onerror="' not in body and "//evil" not in body
    assert "../" not in body


def test_the_renderer_keeps_headings_lists_images_and_links():
    text = (
        "# Tiêu đề\n\n## Bước\n\n1. Mở **trang**\n2. Bấm `Ký`\n\n"
        "![Trang](img/a-desktop.png)\n\n[Phụ huynh](parent.md)\n"
    )
    title, body = guide_markdown.render(text, base="/guide/clerk/")
    assert title == "Tiêu đề"
    assert "<h3>Bước</h3>" in body
    assert (
        "<ol><li>Mở <strong>trang</strong></li><li>Bấm <code>Ký</code></li></ol>"
        in body
    )
    assert '<img src="/guide/clerk/img/a-desktop.png" alt="Trang"' in body
    assert '<a href="/guide/clerk/../parent/">Phụ huynh</a>' in body
