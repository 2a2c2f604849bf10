"""Analyses built on the scorecard: diagnostics and capability. Imports engine and below."""
