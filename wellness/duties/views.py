"""Duty and away-period pages (being built)."""
