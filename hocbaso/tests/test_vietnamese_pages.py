"""Pages in Vietnamese: what a reader sees carries no English sentence.

The detector flags whole English words that only a sentence of English UI
would carry; terms the project chose to keep in English (API, PDF, XML,
names of formats) are allowed. The public pages are crawled from the home
page, following same-site GET links up to a bound.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.utils import translation

from hocbaso.portal import purposes
from hocbaso.portal.models import AccessEvent

ENGLISH = frozenset(
    "the is are not missing of must signed valid invalid unchanged required "
    "given should cannot your with from this that which".split()
)
MAX_PAGES = 40
SKIP = ("/static/", "/admin/", "/api/", "/i18n/", "/logout/")


class _Text(HTMLParser):
    """The visible text and the same-site links of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)


def english_in(text: str) -> set[str]:
    """The English UI words found in ``text`` (whole words, any case)."""
    return {w for w in re.findall(r"[A-Za-z]+", text) if w.lower() in ENGLISH}


def crawl(client: Client, start: str) -> dict[str, set[str]]:
    """Every page reached from ``start`` with the English words it shows."""
    seen, queue, found = set(), [start], {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        page = client.get(url)
        if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
            continue
        parser = _Text()
        parser.feed(page.content.decode())
        found[url] = english_in(" ".join(parser.text))
        for href in parser.links:
            target = urlsplit(urljoin(url, href))
            if target.netloc or not target.path.startswith("/"):
                continue
            if not target.path.startswith(SKIP):
                queue.append(target.path)
    return found


def test_the_detector_flags_an_english_sentence_and_not_a_chosen_term():
    assert english_in("integrity (HocBaSo): the signed bytes are unchanged")
    assert english_in("TV: missing, a compulsory subject of grade 1")
    assert not english_in("Tệp PDF và gói XML; API; mã tra cứu")


@pytest.mark.django_db
def test_the_public_pages_show_no_english_to_an_english_browser():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    pages = crawl(client, "/")
    for start in ("/verify/", "/ledger/"):
        pages.update(crawl(client, start))
    assert len(pages) >= 3
    assert {url: words for url, words in pages.items() if words} == {}


def test_a_system_purpose_is_shown_by_its_label():
    event = AccessEvent(
        purpose=purposes.CLASS_REVIEW, detail={"purpose": purposes.CLASS_REVIEW}
    )
    with translation.override("vi"):
        assert event.purpose_label == "xem trang lớp của trường"


def test_a_typed_purpose_that_looks_like_a_code_is_shown_as_typed():
    # someone stating the purpose "school:class-review" in a lookup does not
    # pass for the school's own page in the family's access list
    event = AccessEvent(purpose=purposes.CLASS_REVIEW, detail={})
    with translation.override("vi"):
        assert event.purpose_label == purposes.CLASS_REVIEW
