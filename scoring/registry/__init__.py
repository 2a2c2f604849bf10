"""Declarations everything else reads: the data contract (tables, columns, types) and the KPI
registry. Imports nothing of scoring."""
