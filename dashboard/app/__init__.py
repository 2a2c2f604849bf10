"""The shell every page runs in: settings, the session's grant, the sidebar and URL state, the
access log, and the cache boundary (cache.py). Imports ui and scoring."""
