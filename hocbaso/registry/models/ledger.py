"""The ledger's tables (hocbaso.ledger's storage protocol over the database).

- ``LedgerHead``: one row; every appending transaction locks it first, so appends
  are serialised and the lock and submissions never interleave (docs/registry.md).
- ``LedgerEntry``: the canonical bytes of each entry, by index.
- ``LedgerNode``: the hash of every perfect subtree, named (level, index) as in
  hocbaso.ledger.merkle; the key packs both into one integer.
- ``LedgerCheckpoint``: the signed tree heads (c2sp.org/tlog-checkpoint).
Entries, nodes and checkpoints are append-only in the database.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

LEVEL_SHIFT = 48  # 2**48 leaves per level is far beyond any province


def node_key(level: int, index: int) -> int:
    """The primary key of subtree (level, index)."""
    return (level << LEVEL_SHIFT) | index


class LedgerHead(models.Model):
    """The single row that serialises appends."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    size = models.BigIntegerField(_("tree size"), default=0)

    class Meta:
        verbose_name = _("ledger head")
        verbose_name_plural = _("ledger head")

    def __str__(self) -> str:
        return str(self.size)


class LedgerEntry(models.Model):
    index = models.BigIntegerField(_("index"), primary_key=True)
    data = models.BinaryField(_("entry"))

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["index"]

    def __str__(self) -> str:
        return str(self.index)


class LedgerNode(models.Model):
    key = models.BigIntegerField(primary_key=True)
    level = models.PositiveSmallIntegerField(_("level"))
    index = models.BigIntegerField(_("index"))
    hash = models.BinaryField(_("hash"))

    class Meta:
        verbose_name = _("ledger subtree hash")
        verbose_name_plural = _("ledger subtree hashes")
        ordering = ["level", "index"]

    def __str__(self) -> str:
        return f"({self.level}, {self.index})"


class LedgerCheckpoint(models.Model):
    size = models.BigIntegerField(_("tree size"), primary_key=True)
    root = models.BinaryField(_("root hash"))
    note = models.TextField(_("signed checkpoint"))
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("ledger checkpoint")
        verbose_name_plural = _("ledger checkpoints")
        ordering = ["-size"]

    def __str__(self) -> str:
        return str(self.size)
