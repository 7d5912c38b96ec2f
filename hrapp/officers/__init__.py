"""Officer profiles and their postings to grids.

Owns: Officer (profile, ID number, employment status, version counter), Posting (effective-dated,
"one grid, one officer"), the officer directory, import and export; the hooks later domains
register (`panels.py`: profile cards; `hooks.py`: what a new officer starts with, the tier column).
Depends on: core, auth, org.
"""
