"""Officer profiles and their postings to grids.

Owns: Officer (profile, ID number, employment status, version counter), Posting (effective-dated,
"one grid, one officer"), the officer directory, import and export.
Depends on: core, auth, org.
"""
