"""The start page for every role and an officer's view of their own records.

Owns no tables. Depends on: every domain above it (read side only).
"""
