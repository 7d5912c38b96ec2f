"""Accounts, roles, login and the user preference for language.

Owns: User, password hashing, login throttling (throttle.py) and the record of attempts, sessions
that end at logout and password change, the admin pages for users and login attempts.
Depends on: core. (User rows point at streets and officers by foreign key only.)
"""
