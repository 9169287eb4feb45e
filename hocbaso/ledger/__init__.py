"""hocbaso.ledger."""
