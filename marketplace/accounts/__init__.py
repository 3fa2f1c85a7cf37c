"""Accounts: registration, log in, password changes and resets."""
