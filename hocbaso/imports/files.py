"""Refusing files before any spreadsheet parser reads them.

An uploaded workbook is a zip of XML parts. Before openpyxl opens one, the
bytes are checked in this order, each refusal a sentence a clerk can act on:

1. size: at most ``HOCBASO_IMPORT_MAX_BYTES``;
2. kind: a zip holding ``[Content_Types].xml`` and ``xl/workbook.xml`` (an old
   .xls, a CSV, a PDF… are named as such);
3. zip bombs: the members' declared sizes (which bound what zipfile will
   inflate) at most ``HOCBASO_IMPORT_MAX_UNCOMPRESSED_BYTES`` in total, at most
   ``MAX_MEMBERS`` members, no member inflating more than ``MAX_RATIO`` times;
4. macros and active content: no ``vbaProject.bin``, no macro-enabled content
   type, no ActiveX, OLE embeddings, external links or data connections;
5. XML entities: no part starts with a document type declaration (openpyxl
   also parses through defusedxml, which refuses them).

Formulas are refused while the sheets are read (``reading.py``).
"""

from __future__ import annotations

import io
import zipfile
import zlib

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hocbaso.imports.errors import RefusedFileError

MAX_MEMBERS = 2000
MAX_RATIO = 200
_PROLOG_BYTES = 2048
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ACTIVE_PARTS = (
    ("vbaproject.bin", gettext_noop("macros")),
    ("xl/activex/", gettext_noop("ActiveX controls")),
    ("xl/embeddings/", gettext_noop("embedded objects")),
    ("xl/externallinks/", gettext_noop("links to other files")),
    ("xl/connections.xml", gettext_noop("data connections")),
    ("xl/querytables/", gettext_noop("data connections")),
)
_DAMAGED = (
    zipfile.BadZipFile,
    NotImplementedError,
    RuntimeError,
    EOFError,
    OSError,
    zlib.error,
)
_MACRO_TYPES = (b"macroEnabled", b"vbaProject", b"application/vnd.ms-office.vba")


def check_file(data: bytes, name: str = "") -> None:
    """Raise ``RefusedFileError`` unless ``data`` is a plain .xlsx workbook."""
    _check_size(data)
    _check_name(name)
    archive = _open_zip(data)
    try:
        with archive:
            members = archive.infolist()
            _check_members(members)
            _check_active_content(archive, members)
            _check_prologs(archive, members)
    except _DAMAGED:
        # A damaged member, a compression method zipfile lacks, an encrypted one.
        raise RefusedFileError(
            _("The file is damaged or uses features the import does not read.")
        ) from None


def _check_size(data: bytes) -> None:
    limit = settings.HOCBASO_IMPORT_MAX_BYTES
    if not data:
        raise RefusedFileError(_("The file is empty."))
    if len(data) > limit:
        raise RefusedFileError(
            _("The file is too large: %(size)s MB, at most %(limit)s MB.")
            % {"size": _mb(len(data)), "limit": _mb(limit)}
        )


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f}".replace(".", ",")


def _check_name(name: str) -> None:
    lowered = name.lower()
    if lowered.endswith((".xlsm", ".xltm", ".xlam")):
        raise RefusedFileError(
            _("Macro-enabled workbooks (%(ext)s) are refused: save it as .xlsx.")
            % {"ext": lowered.rsplit(".", 1)[-1]}
        )


def _open_zip(data: bytes) -> zipfile.ZipFile:
    if data.startswith(_OLE_MAGIC):
        raise RefusedFileError(
            _(
                "This is an old Excel 97-2003 file (.xls): open it in Excel and "
                "save it as an Excel Workbook (.xlsx)."
            )
        )
    not_a_workbook = RefusedFileError(
        _("The file is not an Excel workbook (.xlsx); download a template and use it.")
    )
    if not data.startswith(b"PK\x03\x04"):
        raise not_a_workbook
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise not_a_workbook from None
    if not {"[Content_Types].xml", "xl/workbook.xml"} <= names:
        archive.close()
        raise not_a_workbook
    return archive


def _check_members(members: list[zipfile.ZipInfo]) -> None:
    limit = settings.HOCBASO_IMPORT_MAX_UNCOMPRESSED_BYTES
    total = sum(m.file_size for m in members)
    bomb = RefusedFileError(
        _(
            "The file is refused: its contents would expand to more than the "
            "import accepts (a compressed “zip bomb”, or a workbook far too large)."
        )
    )
    if len(members) > MAX_MEMBERS or total > limit:
        raise bomb
    for member in members:
        if member.flag_bits & 0x1:
            raise RefusedFileError(
                _("Encrypted or password-protected workbooks are refused.")
            )
        if member.file_size > 1_000_000 and (
            member.file_size > MAX_RATIO * max(member.compress_size, 1)
        ):
            raise bomb


def _check_active_content(
    archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]
) -> None:
    for member in members:
        lowered = member.filename.lower()
        for part, what in _ACTIVE_PARTS:
            if part in lowered:
                raise RefusedFileError(
                    _(
                        "The workbook carries %(what)s, which the import refuses: "
                        "copy the data into a template and save it as .xlsx."
                    )
                    % {"what": _(what)}
                )
    content_types = archive.read("[Content_Types].xml")
    if any(marker in content_types for marker in _MACRO_TYPES):
        raise RefusedFileError(
            _("Macro-enabled workbooks are refused: save it as .xlsx without macros.")
        )


def _check_prologs(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> None:
    # A DOCTYPE (where entities are declared) can only come before the root
    # element, so the start of each part is enough.
    for member in members:
        if not member.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        with archive.open(member) as part:
            head = part.read(_PROLOG_BYTES)
        if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
            raise RefusedFileError(
                _(
                    "The file is refused: it declares XML entities, which no "
                    "spreadsheet program writes."
                )
            )
