"""Pay and funding pages: monthly roster (screen, XLSX, close), scales and allowance rules, an
officer's pay, the what-if, funding standards and the annual funding report (screen, XLSX, PDF).

404 means the record does not exist or lies outside the user's scope (no existence leak); 403
means the user may see it but not do this to it. HR clerks see pay within their scope; only
administrators approve scales and rules and close months; officers see only their own pay (on
their page and /pay/officers/<own id>); the inspector sees none of it.
"""

from hrapp.pay.views import funding, roster, scales  # noqa: F401 (register their routes)
from hrapp.pay.views.common import bp

__all__ = ["bp"]
