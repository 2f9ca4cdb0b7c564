"""Tests of the Community Outreach Program: projects, shifts, volunteers, hours, feeds and reminders."""
