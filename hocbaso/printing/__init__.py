"""The official paper form of a transcript as PDF, its QR code, the signed soft copy.

No Django: the portal, the command line and the registry all call it. typst renders
the form from templates/ with the bundled Noto Serif (fonts/, SIL OFL 1.1) and no
system font. See docs/printing.md.

    url = check_url_for("https://hocba.example.vn/tra-cuu/", code)   # code in "#…"
    pdf = render_transcript(snapshots, lookup_code=code, check_url=url)
"""

from hocbaso.printing.errors import (
    CheckUrlError,
    PrintingError,
    RenderError,
    SoftCopyError,
)
from hocbaso.printing.marks import SignatureMark
from hocbaso.printing.qr import check_url_for, qr_svg
from hocbaso.printing.render import content_digest, render_transcript, snapshot_digest

__all__ = [
    "CheckUrlError",
    "PrintingError",
    "RenderError",
    "SignatureMark",
    "SoftCopyError",
    "check_url_for",
    "content_digest",
    "qr_svg",
    "render_transcript",
    "snapshot_digest",
]
