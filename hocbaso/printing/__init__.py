"""The official paper form of a transcript as PDF, its QR code, the signed soft copy.

No Django: the portal, the command line and the registry all call it. typst renders
the form from templates/ with the bundled Noto Serif (fonts/, SIL OFL 1.1) and no
system font; pyHanko signs the soft copy (PAdES). See docs/printing.md.

    url = check_url_for("https://hocba.example.vn/tra-cuu/", code)   # code in "#…"
    pdf = render_transcript(snapshots, lookup_code=code, check_url=url)
    seal = PdfSealSigner(KeyFileSigner.from_pkcs12(data, password))  # once
    soft = sign_pdf(pdf, seal, attachments=[("2024-2025.xml", packet)],
                    reason="Bản sao điện tử học bạ", location="Hà Nội")
    verify_pdf(soft, trust_store).status                          # Status.VALID
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
from hocbaso.printing.softcopy import PdfSealSigner, sign_pdf
from hocbaso.printing.verify import (
    PdfSignatureReport,
    PdfVerificationResult,
    attached_packets,
    verify_pdf,
)

__all__ = [
    "CheckUrlError",
    "PdfSealSigner",
    "PdfSignatureReport",
    "PdfVerificationResult",
    "PrintingError",
    "RenderError",
    "SignatureMark",
    "SoftCopyError",
    "attached_packets",
    "check_url_for",
    "content_digest",
    "qr_svg",
    "render_transcript",
    "sign_pdf",
    "snapshot_digest",
    "verify_pdf",
]
