"""Retreats: agendas of sessions with facilitators, seat limits and eligibility, and session sign-ups."""
