"""The Streamlit side: the shell (app/), shared UI helpers (ui/) and one folder per journey
(diagnostics/, whatif/, capability/); see docs/ARCHITECTURE.md."""
