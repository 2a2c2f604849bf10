"""The command line (python -m scoring): generate, validate, score, docs. May import every
scoring layer."""
