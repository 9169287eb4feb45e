"""hocbaso.registry."""
