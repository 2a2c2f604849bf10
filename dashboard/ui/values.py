"""Data values in the user's language: declared in scoring/registry/values.py, below the
dashboard and the printed reports, which both word them."""

from scoring.registry.values import (  # noqa: F401 (the dashboard's names for them)
    FIELD_OF_COLUMN,
    VALUE_LABELS,
    column_value_label,
    value_label,
    value_labels,
)
