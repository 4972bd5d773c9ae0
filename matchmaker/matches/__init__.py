"""Matches: proposals linking KPM households to partner offers."""
