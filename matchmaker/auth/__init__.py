"""Accounts: logging in, partner self-registration, passwords and roles."""
