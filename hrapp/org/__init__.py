"""The organisation: district ▸ street ▸ community ▸ grid, with each grid's type and 四实 counts.

Owns: District, Street, Community, Grid, and the pages to browse and edit the tree.
Depends on: core, auth.
"""
