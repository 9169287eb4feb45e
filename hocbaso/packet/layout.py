"""Names and Ids of the packet's elements (domain.md §6.2), for packet and signing.

HOC_BA version="1.0"|"1.1"                    root, namespace NAMESPACE
  DU_LIEU_HOC_BA Id="data"                    all the data (principal, seal)
    THONG_TIN_HOC_BA Id="thongtinhocba"       the year record (homeroom teacher)
    _dsbangdiem | _bangdiem                   primary | lower-secondary results
      DIEM_TONG_KET Id="diemtongket-TOAN"     one per subject (subject teacher)
  DANH_SACH_THONG_TIN_KY                      signer slots, outside the data
    DANH_SACH_GVBM / GVBM soddcngvbm=…        one per subject teacher
    GVCN soddcngvcn=…                         homeroom teacher
  PHAT_HANH_HOC_BA
    THONG_TIN_PHAT_HANH Id="phathanh"         issuance block (seal), when issued
    CBQL soddcngiamhieu=…                     principal or deputy
    KY_PHAT_HANH matruong=…                   the school's seal
"""

from __future__ import annotations

NAMESPACE = "urn:hocbaso:packet:1"
PACKET_VERSION = "1.1"
# Every version this software reads; a packet is written in the lowest one that
# carries its snapshot, so a record without the 1.1 fields stays byte-for-byte 1.0.
PACKET_VERSIONS = ("1.0", "1.1")
FIRST_VERSION = "1.0"

ROOT = "HOC_BA"
DATA = "DU_LIEU_HOC_BA"
RECORD = "THONG_TIN_HOC_BA"
PRIMARY_SUBJECTS = "_dsbangdiem"
SECONDARY_SUBJECTS = "_bangdiem"
SUBJECT = "DIEM_TONG_KET"
HISTORY = "_quatrinhhoctap"
HISTORY_ROW = "QUA_TRINH"
CERTIFICATES = "_chungchi"  # version 1.1
CERTIFICATE_ROW = "CHUNG_CHI"
SIGNER_LIST = "DANH_SACH_THONG_TIN_KY"
SUBJECT_TEACHER_LIST = "DANH_SACH_GVBM"
SUBJECT_TEACHER_SLOT = "GVBM"
HOMEROOM_SLOT = "GVCN"
ISSUE = "PHAT_HANH_HOC_BA"
ISSUANCE = "THONG_TIN_PHAT_HANH"
LEADER_SLOT = "CBQL"
SEAL_SLOT = "KY_PHAT_HANH"

# Slot attributes: who may sign there (the same values sit, signed, in the data).
SUBJECT_TEACHER_ATTR = "soddcngvbm"
HOMEROOM_ATTR = "soddcngvcn"
LEADER_ATTR = "soddcngiamhieu"
SEAL_ATTR = "matruong"

ID_ATTR = "Id"
DATA_ID = "data"
RECORD_ID = "thongtinhocba"
ISSUANCE_ID = "phathanh"
SUBJECT_ID_PREFIX = "diemtongket-"

# Every element that carries an Id attribute (for xmlsec1's --id-attr, and for lookups).
ID_ELEMENTS = (DATA, RECORD, SUBJECT, ISSUANCE)


def q(name: str) -> str:
    """The Clark name {namespace}name of a packet element."""
    return f"{{{NAMESPACE}}}{name}"


def subject_id(code: str) -> str:
    """The Id of a subject's DIEM_TONG_KET element."""
    return SUBJECT_ID_PREFIX + code


# Where the schema places the signer slots, from the root, in document order (which
# is signing order). Readers look for slots there only: the schema lets a slot hold
# any ds:* content without looking inside (lax), so an element of a slot's name may
# sit elsewhere.
SLOT_PATHS = tuple(
    "/".join(q(name) for name in path)
    for path in (
        (SIGNER_LIST, SUBJECT_TEACHER_LIST, SUBJECT_TEACHER_SLOT),
        (SIGNER_LIST, HOMEROOM_SLOT),
        (ISSUE, LEADER_SLOT),
        (ISSUE, SEAL_SLOT),
    )
)
