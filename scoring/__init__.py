"""Service performance scoring: the domain package (no streamlit here).

Data contract and validation, DuckDB access, KPI registry, scoring, statistics, incentives.
"""
