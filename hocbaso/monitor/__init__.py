"""``hocbaso-monitor``: anyone's watch over a registry's ledger, without Django.

It pins a log's verifier key and origin, keeps what it has seen in a state
directory, reads each new checkpoint and the new entries (from the log's tiles,
c2sp.org/tlog-tiles), proves the new checkpoint extends the old one by recomputing
its root from the kept compact range and the new entries, and checks the entries
against the rules a registry must keep (``rules.py``). Two signed checkpoints that
cannot both be true are a fork: both notes are written to an evidence file and the
exit status is 2. See docs/ledger.md, "Monitor", and docs/operations.md.
"""
