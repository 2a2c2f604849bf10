"""Importing exports: readers, mapping, presets, writing.

The ingest layer sits right above `scoring.data`: it may import `scoring.registry`,
`scoring.data` and the foundation modules (settings, scope, access, export), and nothing
above them (tests/test_import_rules.py).
"""
