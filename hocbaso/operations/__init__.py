"""Operations: ``hocbaso backup`` and ``hocbaso restore`` (docs/operations.md)."""
