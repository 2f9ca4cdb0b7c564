"""The deterministic demo data set."""
