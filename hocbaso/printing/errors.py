"""The exceptions of the printing package: one base class, a subclass per failure."""

from __future__ import annotations


class PrintingError(Exception):
    """Base class: a transcript could not be printed, signed or read back."""


class RenderError(PrintingError):
    """The pages or the options cannot make a printout (mixed transcripts, no page)."""


class CheckUrlError(RenderError):
    """The check URL is unusable: not http(s), or it carries the lookup code where
    servers log it (path or query) instead of the fragment (domain.md §9)."""


class SoftCopyError(PrintingError):
    """The PDF could not be signed, or its attachments are unacceptable."""
