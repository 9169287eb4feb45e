"""A small, safe Markdown renderer for the user guide (docs/guide/).

The project has no Markdown dependency, and the guide uses only a handful of
constructs: headings, paragraphs, ordered and bullet lists, bold, inline code,
links and images. Everything is HTML-escaped first; a link or image is kept only
when its target is a relative path inside the guide or an http(s) URL, so a
page of the guide can never carry a script, an event handler or a
``javascript:`` link, whatever its text says.
"""

from __future__ import annotations

import html
import re

_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_CODE = re.compile(r"`([^`]+)`")
_ORDERED = re.compile(r"^\d+\.\s+(.*)$")
_BULLET = re.compile(r"^[-*]\s+(.*)$")
_HEADING = re.compile(r"^(#{1,4})\s+(.*)$")
# A relative target: letters, digits, dot, dash, underscore and slashes, no
# "..", no scheme, no leading slash.
_RELATIVE = re.compile(r"^(?!.*\.\.)[A-Za-z0-9_][A-Za-z0-9_./-]*(#[A-Za-z0-9_-]+)?$")
_WEB = re.compile(r"^https?://[^\s\"'<>]+$")


def _safe_target(target: str, base: str) -> str | None:
    """The URL to write for a link or image target, or None to drop it."""
    raw = html.unescape(target)
    if _WEB.match(raw):
        return html.escape(raw, quote=True)
    if _RELATIVE.match(raw):
        if raw.endswith(".md"):  # another page of the guide
            raw = raw[: -len(".md")] + "/"
            return html.escape(base + "../" + raw, quote=True)
        return html.escape(base + raw, quote=True)
    return None


def _inline(text: str, base: str) -> str:
    """Escaped text with images, links, bold and code turned into tags."""
    out = html.escape(text, quote=True)

    def image(match: re.Match[str]) -> str:
        url = _safe_target(match.group(2), base)
        if url is None:
            return match.group(1)
        alt = match.group(1)
        # A phone-width screenshot is shown at a phone's size, not stretched.
        narrow = ' class="phone"' if url.endswith("-phone.png") else ""
        return f'<img src="{url}" alt="{alt}"{narrow} loading="lazy">'

    def link(match: re.Match[str]) -> str:
        url = _safe_target(match.group(2), base)
        if url is None:
            return match.group(1)
        return f'<a href="{url}">{match.group(1)}</a>'

    out = _IMAGE.sub(image, out)
    out = _LINK.sub(link, out)
    out = _BOLD.sub(r"<strong>\1</strong>", out)
    return _CODE.sub(r"<code>\1</code>", out)


def _blocks(lines: list[str]) -> list[tuple[str, list[str]]]:
    """Group lines into (kind, lines) blocks: heading, ol, ul, p."""
    blocks: list[tuple[str, list[str]]] = []
    for line in lines:
        stripped = line.strip()
        if not stripped:
            blocks.append(("blank", []))
            continue
        kind = (
            "heading"
            if _HEADING.match(stripped)
            else "ol"
            if _ORDERED.match(stripped)
            else "ul"
            if _BULLET.match(stripped)
            else "p"
        )
        last = blocks[-1] if blocks else None
        if last and last[0] == kind and kind != "heading":
            last[1].append(stripped)
        elif last and last[0] in ("ol", "ul") and line.startswith("   "):
            last[1][-1] += " " + stripped  # a list item's continuation line
        else:
            blocks.append((kind, [stripped]))
    return [block for block in blocks if block[0] != "blank"]


def _render_block(kind: str, lines: list[str], base: str) -> str:
    if kind == "heading":
        match = _HEADING.match(lines[0])
        assert match is not None
        # The page's own <h1> is the title; guide headings start one level down.
        level = min(len(match.group(1)) + 1, 6)
        return f"<h{level}>{_inline(match.group(2), base)}</h{level}>"
    if kind in ("ol", "ul"):
        pattern = _ORDERED if kind == "ol" else _BULLET
        items = []
        for line in lines:
            match = pattern.match(line)
            items.append(_inline(match.group(1) if match else line, base))
        body = "".join(f"<li>{item}</li>" for item in items)
        return f"<{kind}>{body}</{kind}>"
    return f"<p>{_inline(' '.join(lines), base)}</p>"


def render(text: str, base: str = "") -> tuple[str, str]:
    """(title, html) of a guide page: the first ``# heading`` is the title.

    ``base`` is the URL the page's relative targets resolve against (the
    guide's folder), so ``img/x.png`` becomes ``<base>img/x.png``.
    """
    lines = text.splitlines()
    title = ""
    if lines and lines[0].startswith("# "):
        title = lines[0][2:].strip()
        lines = lines[1:]
    body = "\n".join(_render_block(k, ls, base) for k, ls in _blocks(lines))
    return title, body
