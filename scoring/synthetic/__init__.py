"""The synthetic dataset generator and its planted bad rows. Imports registry."""
