"""Snapshot → packet XML (domain.md §6.2), empty signer slots included."""

from __future__ import annotations

from typing import Any

from lxml import etree

from hocbaso.packet import _columns as c
from hocbaso.packet import layout as L
from hocbaso.packet._rules import check_snapshot
from hocbaso.packet.errors import PacketContentError
from hocbaso.packet.snapshot import (
    PrimaryResults,
    RecordSnapshot,
    SecondaryResults,
)

Element = etree._Element


def build_packet(snapshot: RecordSnapshot) -> bytes:
    """Serialise the snapshot as a UTF-8 packet with empty signature slots.

    Raises PacketContentError listing every invalid field of the snapshot; the output
    is checked against the XSD schema before it is returned.
    """
    problems = check_snapshot(snapshot)
    if problems:
        raise PacketContentError("invalid snapshot: " + "; ".join(problems))
    root = build_tree(snapshot)
    etree.indent(root, space="  ")
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    # Late import: parse imports this module's names.
    from hocbaso.packet.parse import validate_tree

    validate_tree(root)
    return data + b"\n"


def build_tree(snapshot: RecordSnapshot) -> Element:
    """The packet's element tree, not indented and not validated."""
    nsmap: Any = {None: L.NAMESPACE}  # lxml-stubs do not allow the default prefix
    root = etree.Element(L.q(L.ROOT), nsmap=nsmap)
    root.set("version", version_of(snapshot))
    data = _sub(root, L.DATA, Id=L.DATA_ID)
    _write_record(_sub(data, L.RECORD, Id=L.RECORD_ID), snapshot)
    _write_subjects(data, snapshot.results)
    _write_slots(root, snapshot)
    return root


def version_of(snapshot: RecordSnapshot) -> str:
    """The lowest packet version that carries the snapshot (docs/packet.md)."""
    return L.PACKET_VERSION if snapshot.needs_version_1_1 else L.FIRST_VERSION


def _sub(parent: Element, name: str, **attrs: str) -> Element:
    return etree.SubElement(parent, L.q(name), attrs)


def write_columns(parent: Element, obj: Any, columns: tuple[c.Column, ...]) -> None:
    """Append one element per column whose value is present, in the table's order."""
    for column in columns:
        value = getattr(obj, column.attr)
        if value is not None:
            _sub(parent, column.name).text = column.codec.to_text(value)


def _write_record(record: Element, s: RecordSnapshot) -> None:
    write_columns(record, s, c.HEAD)
    _sub(record, "macaphoc").text = s.level.value
    write_columns(record, s.school, c.SCHOOL)
    write_columns(record, s, c.CLASS)
    write_columns(record, s.student, c.STUDENT)
    if isinstance(s.results, PrimaryResults):
        write_columns(record, s.results, c.PRIMARY_RESULTS)
        _write_ratings(record, s.results)
    else:
        write_columns(record, s.results, c.SECONDARY_RESULTS)
    write_columns(record, s, c.TAIL + c.TAIL_1_1)
    write_columns(record, s.homeroom_teacher, c.HOMEROOM)
    write_columns(record, s.leader, c.LEADER)
    history = _sub(record, L.HISTORY)
    for row in s.history:
        write_columns(_sub(history, L.HISTORY_ROW), row, c.HISTORY_ROW)
    if s.certificates:
        table = _sub(record, L.CERTIFICATES)
        for cert in s.certificates:
            write_columns(_sub(table, L.CERTIFICATE_ROW), cert, c.CERTIFICATE_ROW)


def _write_ratings(record: Element, results: PrimaryResults) -> None:
    """Qualities then competencies: a level column, then its "nxet" comment column."""
    pairs = [(r, c.QUALITY_COLUMNS[r.code]) for r in results.qualities]
    pairs += [(r, c.COMPETENCY_COLUMNS[r.code]) for r in results.competencies]
    for rating, column in pairs:
        _sub(record, column).text = rating.level
        if rating.comment is not None:
            _sub(record, c.COMMENT_PREFIX + column).text = rating.comment


def _write_subjects(data: Element, results: PrimaryResults | SecondaryResults) -> None:
    if isinstance(results, PrimaryResults):
        table = _sub(data, L.PRIMARY_SUBJECTS)
        for p in results.subjects:
            write_columns(
                _sub(table, L.SUBJECT, Id=L.subject_id(p.code)), p, c.PRIMARY_SUBJECT
            )
        return
    table = _sub(data, L.SECONDARY_SUBJECTS)
    for s in results.subjects:
        row = _sub(table, L.SUBJECT, Id=L.subject_id(s.code))
        write_columns(row, s, c.SECONDARY_SUBJECT)
        if s.teacher is not None:
            write_columns(row, s.teacher, c.SUBJECT_TEACHER)


def _write_slots(root: Element, s: RecordSnapshot) -> None:
    """The empty signer slots, each naming who may sign there (§6.2)."""
    signers = _sub(root, L.SIGNER_LIST)
    teachers = _sub(signers, L.SUBJECT_TEACHER_LIST)
    for teacher in s.subject_teachers():
        _sub(
            teachers,
            L.SUBJECT_TEACHER_SLOT,
            **{L.SUBJECT_TEACHER_ATTR: teacher.personal_id},
        )
    _sub(signers, L.HOMEROOM_SLOT, **{L.HOMEROOM_ATTR: s.homeroom_teacher.personal_id})
    issue = _sub(root, L.ISSUE)
    if s.issuance is not None:
        write_columns(_sub(issue, L.ISSUANCE, Id=L.ISSUANCE_ID), s.issuance, c.ISSUANCE)
    _sub(issue, L.LEADER_SLOT, **{L.LEADER_ATTR: s.leader.personal_id})
    _sub(issue, L.SEAL_SLOT, **{L.SEAL_ATTR: s.school.code})
