"""hocbaso.imports."""
