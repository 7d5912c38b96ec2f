"""Every domain's models, imported so that Alembic and `flask shell` see the whole schema."""

from hrapp.api.models import ApiToken  # noqa: F401
from hrapp.assessments.models import Assessment, AssessmentAppeal, AssessmentDocument, AssessmentScheme  # noqa: F401
from hrapp.auth.models import User  # noqa: F401
from hrapp.certification.models import PromotionCase, Tier, TierRecord  # noqa: F401
from hrapp.core.audit import AuditEvent  # noqa: F401
from hrapp.core.locks import JobLock  # noqa: F401
from hrapp.integrity.models import Check, CheckPlan, Draw, Evidence, Finding  # noqa: F401
from hrapp.notifications.models import Notification  # noqa: F401
from hrapp.officers.models import Officer, Posting  # noqa: F401
from hrapp.org.models import Community, District, Grid, Street  # noqa: F401
from hrapp.pay.models import (  # noqa: F401
    AllowanceRuleSet,
    FundingAllocation,
    FundingStandard,
    PayMonth,
    PayRosterLine,
    PayScale,
    PayScaleCell,
)
from hrapp.tasks.models import JobRun, TaskRun  # noqa: F401
from hrapp.training.models import Attendance, Course, TrainingSession  # noqa: F401
from hrapp.workload.models import CalendarDay, Case, CaseCategory, CaseSource, SourceSystem, WorkRecord  # noqa: F401
