"""Statistical methods (docs/METHODS.md): shrinkage, normalisation, grading, incentives, Kano
and other tests. Imports measures (KPI declarations) at most."""
