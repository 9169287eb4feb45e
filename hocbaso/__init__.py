"""hocbaso: digital school transcripts (học bạ số) for Vietnamese schools."""

__version__ = "0.1.0"
