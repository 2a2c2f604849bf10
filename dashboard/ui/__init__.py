"""Shared UI helpers: the text catalog (both languages), labels, chart and table builders.
Imports scoring and the journeys' texts modules only."""
