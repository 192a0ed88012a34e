"""Signals the register sends, for the apps above it to act on without the register importing them.

`record_changed` is sent inside the transaction of every write to a record (create, update,
submit, amend, withdraw, review, an import's revision), after the write and its ledger event. It
is sent with `send`, not `send_robust`: a receiver that fails rolls the whole write back.
"""

from django.dispatch import Signal

# sender: the record's model; record: the record as stored now
record_changed = Signal()
