"""Signer roles, their slots in the packet, what each covers and the order (§6.2, §7).

Order: subject teachers (rank 0) → homeroom teacher (1) → principal or deputy (2) →
the school's seal (3). What each signature references:
- subject teacher: the DIEM_TONG_KET of every subject they teach;
- homeroom teacher: #thongtinhocba and every DIEM_TONG_KET [decision: the homeroom
  teacher compiles and vouches for the whole year's results];
- principal or deputy: #data;
- seal: #data and the issuance block #phathanh;
plus, for order, every Signature of a lower rank already present.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from lxml import etree

from hocbaso.packet import layout as L
from hocbaso.signing.algorithms import DS_NS
from hocbaso.signing.errors import SlotNotFoundError

Element = etree._Element


class Role(enum.StrEnum):
    """A signer role; its rank is its place in the signing order."""

    SUBJECT_TEACHER = "subject_teacher"
    HOMEROOM_TEACHER = "homeroom_teacher"
    LEADER = "leader"
    SEAL = "seal"

    @property
    def rank(self) -> int:
        """0 for subject teachers up to 3 for the seal."""
        return _RANKS[self]


_RANKS = {role: rank for rank, role in enumerate(Role)}


_SLOT_NAMES = {
    L.SUBJECT_TEACHER_SLOT: (Role.SUBJECT_TEACHER, L.SUBJECT_TEACHER_ATTR),
    L.HOMEROOM_SLOT: (Role.HOMEROOM_TEACHER, L.HOMEROOM_ATTR),
    L.LEADER_SLOT: (Role.LEADER, L.LEADER_ATTR),
    L.SEAL_SLOT: (Role.SEAL, L.SEAL_ATTR),
}
# Short names used in signature Ids.
_ID_STEMS = {
    Role.SUBJECT_TEACHER: "gvbm",
    Role.HOMEROOM_TEACHER: "gvcn",
    Role.LEADER: "cbql",
    Role.SEAL: "kyphathanh",
}


@dataclass(frozen=True, slots=True)
class Slot:
    """Where one signer signs: the role and the signer's identifier in the packet.

    identifier is the 12-digit personal id for people, the school code for the seal.
    """

    role: Role
    identifier: str

    def signature_id(self, n: int) -> str:
        """The Id of the n-th signature in this slot (n from 1)."""
        return f"sig-{_ID_STEMS[self.role]}-{self.identifier}-{n}"


@dataclass(frozen=True)
class PlacedSlot:
    """A slot, its element in a parsed packet, and the Ids its signature must cover."""

    slot: Slot
    element: Element
    covers: tuple[str, ...]

    def signatures(self) -> list[Element]:
        """The Signature elements already in the slot, in document order."""
        return list(self.element.iterchildren(f"{{{DS_NS}}}Signature"))


def find_slots(root: Element) -> list[PlacedSlot]:
    """Every signer slot of the packet in document order (which is signing order)."""
    subjects = _subject_rows(root)
    placed = []
    # At the schema's places only (an element of a slot's name elsewhere is no slot).
    for element in (e for path in L.SLOT_PATHS for e in root.iterfind(path)):
        role, attr = _SLOT_NAMES[element.tag.rpartition("}")[2]]  # local name
        slot = Slot(role, element.get(attr, ""))
        placed.append(PlacedSlot(slot, element, _covers(subjects, slot)))
    return placed


def find_slot(
    root: Element,
    role: Role,
    identifier: str | None = None,
    *,
    slots: list[PlacedSlot] | None = None,
) -> PlacedSlot:
    """The slot of role (and identifier, needed for a subject teacher).

    slots, if given, is find_slots(root) already computed.
    """
    for placed in find_slots(root) if slots is None else slots:
        if placed.slot.role is role and identifier in (None, placed.slot.identifier):
            return placed
    who = f" for {identifier}" if identifier else ""
    raise SlotNotFoundError(f"the packet has no {role.value} slot{who}")


def _subject_rows(root: Element) -> list[tuple[str, str | None]]:
    """(Id, subject teacher's id) of every DIEM_TONG_KET, read once per packet."""
    attr = L.q(L.SUBJECT_TEACHER_ATTR)
    table = f"{L.q(L.DATA)}/*/{L.q(L.SUBJECT)}"  # _dsbangdiem or _bangdiem
    return [(s.get(L.ID_ATTR, ""), s.findtext(attr)) for s in root.iterfind(table)]


def _covers(subjects: list[tuple[str, str | None]], slot: Slot) -> tuple[str, ...]:
    if slot.role is Role.SUBJECT_TEACHER:
        return tuple(sid for sid, teacher in subjects if teacher == slot.identifier)
    if slot.role is Role.HOMEROOM_TEACHER:
        return (L.RECORD_ID, *(sid for sid, _teacher in subjects))
    if slot.role is Role.LEADER:
        return (L.DATA_ID,)
    return (L.DATA_ID, L.ISSUANCE_ID)
