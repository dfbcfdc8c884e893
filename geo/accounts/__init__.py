"""Accounts: users and roles, sign-in sessions, API tokens, district scope and the audit log."""
