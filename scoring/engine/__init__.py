"""Scoring: the policy record, the scorecard, weight schemes and the what-if engine. Imports
methods, measures, data."""
