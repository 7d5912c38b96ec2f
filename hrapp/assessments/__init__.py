"""Assessments (考核): versioned schemes, the computation of a period for a street or the district,
the review → issue → appeal lifecycle, the issued PDF archived with its hash and the public
verification page. Depends on core, org, officers, certification (training hours, tiers, annual
results — read through `sources.py` only) and integrity (closed findings); the workload domain
registers its measures with `sources.register_workload_measures_source`."""
