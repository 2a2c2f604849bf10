"""Service performance scoring: the domain package (no streamlit here).

Folders by layer, each importing only itself and the layers below (docs/ARCHITECTURE.md,
checked by tests/test_import_rules.py): registry → data → measures → methods → engine →
analyses → stores → cli; synthetic holds the sample generator. The foundation modules here
(settings, scope, access, export) import nothing of the layers.
"""
