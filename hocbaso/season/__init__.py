"""The season runs by itself: background work on Django's tasks API.

Receipts answered by workers, the lock deadlines and reminders scheduled when a
school year's calendar is set, the recovery of work whose worker died
(docs/architecture.md, "Background work").
"""
