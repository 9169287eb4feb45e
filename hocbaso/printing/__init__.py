"""hocbaso.printing."""
