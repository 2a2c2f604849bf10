"""KPI figures: the one query builder (ticket rows, scopes, periods, survey and 360 joins) and
the KPI façade over the dataset. Imports data and below."""
