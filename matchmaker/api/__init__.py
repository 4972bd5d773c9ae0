"""The JSON API for the app's own pages (type-ahead pickers): logged-in users only."""
