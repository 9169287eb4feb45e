"""The department's root registry (domain.md §7, R2, R10-R15, R19).

It accepts signed packets as bytes, keeps every submission, locks rounds, records
transfers and unit reports, and appends every change to the ledger. The public
operations are the functions of ``hocbaso.registry.actions``; docs/registry.md
describes them, the package format and the ledger entries.
"""
