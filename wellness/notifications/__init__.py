"""Notifications: e-mail sending (and, later, the outbox and in-app notices)."""
