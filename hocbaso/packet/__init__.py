"""hocbaso.packet."""
