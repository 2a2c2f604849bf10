"""Streamlit-side helpers shared by the pages: text catalog, URL state, cached data, charts."""
