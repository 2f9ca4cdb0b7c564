"""Community Outreach Program: projects residents propose and run, shifts, volunteers, hours and totals."""
