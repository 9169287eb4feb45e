"""E-mail notices to families, earlier readers and staff (docs/notices.md)."""
