"""Accounts, roles, login and the user preference for language.

Owns: User, password hashing, login throttling and account lock, the admin page for users.
Depends on: core. (User rows point at streets and officers by foreign key only.)
"""
