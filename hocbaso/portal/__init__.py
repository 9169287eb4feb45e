"""hocbaso.portal."""
