"""The data layer: SQL quoting, the data-quality rules and the dataset (DuckDB views over
Parquet, validated at open). Imports registry and the foundation."""
