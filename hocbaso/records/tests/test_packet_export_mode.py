"""An exported packet is written owner-only, whatever the umask."""

from __future__ import annotations

import importlib
import os
import stat

from django.core.management import call_command


def test_an_exported_packet_is_owner_only(world, tmp_path, monkeypatch):
    """The packet itself is stood in for: only where and how it is written counts."""
    command = importlib.import_module("hocbaso.records.management.commands.packet")
    monkeypatch.setattr(
        command, "_packet_of", lambda record, unsigned: (b"<?xml?><hocba/>", "preview")
    )
    out = tmp_path / "hocba.xml"
    old = os.umask(0o022)
    try:
        call_command(
            "packet",
            "export",
            world.a.transcript.lookup_code,
            "--year",
            world.a.record.school_year.name,
            "--unsigned",
            "-o",
            str(out),
        )
    finally:
        os.umask(old)
    assert out.read_bytes().startswith(b"<?xml")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
