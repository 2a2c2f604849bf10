"""Appraisal periods and My results (考核周期, 我的考核)."""
