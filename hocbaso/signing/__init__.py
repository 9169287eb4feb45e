"""hocbaso.signing."""
