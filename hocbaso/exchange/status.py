"""One line per outgoing batch, for the command and the logs."""

from __future__ import annotations

from django.utils import timezone


def batch_lines(batches) -> list[str]:
    lines = []
    for b in batches:
        sent = (
            timezone.localtime(b.sent_at).strftime("%d/%m/%Y %H:%M")
            if b.sent_at
            else ""
        )
        lines.append(
            f"{b.batch_id} {b.school_year} {b.round} #{b.sequence} {b.state} "
            f"records={b.record_count} stored={b.stored_count} "
            f"already={b.duplicate_count} attempts={b.attempts} {sent}"
            + (f" error: {b.last_error}" if b.last_error and b.state != "sent" else "")
        )
    return lines
