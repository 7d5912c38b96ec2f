"""Every domain's models, imported so that Alembic and `flask shell` see the whole schema."""

from hrapp.api.models import ApiToken  # noqa: F401
from hrapp.auth.models import User  # noqa: F401
from hrapp.certification.models import Attendance, Course, PromotionCase, Tier, TierRecord  # noqa: F401
from hrapp.core.audit import AuditEvent  # noqa: F401
from hrapp.core.locks import JobLock  # noqa: F401
from hrapp.officers.models import Officer, Posting  # noqa: F401
from hrapp.org.models import Community, District, Grid, Street  # noqa: F401
from hrapp.workload.models import CalendarDay, Case, CaseCategory, CaseSource, SourceSystem, WorkRecord  # noqa: F401
