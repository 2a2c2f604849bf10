"""What users save (SQLite): improvement actions, scenarios, the access log. Imports engine and
below."""
