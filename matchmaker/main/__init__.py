"""The front door: each role's home page."""
