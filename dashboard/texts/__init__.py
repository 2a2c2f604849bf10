"""Page-specific parts of the UI catalog, one module per page, merged by dashboard/i18n.py."""
