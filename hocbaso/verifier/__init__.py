"""hocbaso-verify: a transcript packet or soft copy checked offline, without Django.

For admissions offices and anyone handed a copy: the same checks and reasons as the
portal's verify page (docs/verifier.md), from the pure cores only (hocbaso.packet,
hocbaso.signing; hocbaso.printing for a soft copy), with a trust store on disk. The
registry's status of the record is not known offline: look the code up on the portal.

    report = verify_file(data, TrustStore.from_directory("trust/"))
    report.status            # Status.VALID / INVALID / INDETERMINATE
"""

from hocbaso.verifier.report import (
    FileReport,
    PacketReport,
    UnusableFileError,
    verify_file,
)

__all__ = ["FileReport", "PacketReport", "UnusableFileError", "verify_file"]
