"""The exceptions of the packet core: one base class, a subclass per failure."""

from __future__ import annotations


class PacketError(Exception):
    """Base class: the bytes are not an acceptable transcript packet."""


class PacketTooLargeError(PacketError):
    """The document is larger than the size limit; it was not parsed."""


class PacketSyntaxError(PacketError):
    """The document is not well-formed XML (for example a truncated file)."""


class PacketForbiddenError(PacketError):
    """The document uses a forbidden construct: a DTD, an entity, a comment, a
    processing instruction or more namespace declarations than a packet makes.

    ``code`` is stable ("DOCTYPE", "ENTITY", "COMMENT", "PROCESSING_INSTRUCTION",
    "NAMESPACES"),
    ``line`` where it was found (None when unknown), for a boundary to word it.
    """

    def __init__(
        self, message: str, *, code: str = "DOCTYPE", line: int | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.line = line


class PacketSchemaError(PacketError):
    """The document does not follow the packet's XSD schema."""


class PacketContentError(PacketError):
    """A value breaks a rule the schema cannot express, or a snapshot is invalid."""


class PacketVersionError(PacketError):
    """The packet declares a version this code does not read."""
