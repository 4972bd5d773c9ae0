"""Partners: local businesses and village offices, their profiles, members and offers."""
