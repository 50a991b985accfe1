"""Signals records sends for the apps above it (records never imports disposal)."""

from django.dispatch import Signal

# Sent with ``record=`` after something that decides its retention changed (approval, outcome,
# consent withdrawal); disposal recomputes the file's keep-until date.
retention_inputs_changed = Signal()
