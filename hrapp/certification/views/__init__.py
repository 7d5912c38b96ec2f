"""Certification pages: candidates, cases, tier records, annual results, rules, annual steps and
mandatory course completion (per street, against each tier's mandatory courses). One blueprint
(`common.bp`); its routes live in `officers`, `cases` and `ladder`, imported here to register them.

404 means the record does not exist or lies outside the user's scope (no existence leak); 403
means the user may see it but not do this to it."""

from hrapp.certification.views import cases, ladder, officers  # noqa: F401 (register their routes)
from hrapp.certification.views.common import bp

__all__ = ["bp"]
