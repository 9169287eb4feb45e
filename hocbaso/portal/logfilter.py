"""Lookup codes never reach a log (domain.md §9).

``MaskLookupCodes`` rewrites every log record that passes through a handler: any run
of 32 hexadecimal digits (a lookup code as people write it, or inside a longer hex
string), and the same code written as a UUID with hyphens, becomes ``[code]``. It is
installed on every handler of settings.LOGGING and on gunicorn's (gunicorn.conf.py
of this package), so Django's request log, tracebacks and the access log are masked
alike. It imports nothing from Django: logging is configured before the apps load.
"""

from __future__ import annotations

import logging
import re

MASK = "[code]"
_CODE = re.compile(
    r"[0-9a-fA-F]{32,}"
    r"|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)


def mask(text: str) -> str:
    """text with every 32-hex run (and every hyphenated UUID) replaced by [code]."""
    return _CODE.sub(MASK, text)


class MaskLookupCodes(logging.Filter):
    """A handler filter that masks lookup codes in the message and the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep the raw text
            message = str(record.msg)
        record.msg, record.args = mask(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return True
