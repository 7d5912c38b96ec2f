"""What the certification pages share: the blueprint, list pagination, lookups and choices, the
`tier_label` template filter."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash
from flask_login import current_user
from flask_sqlalchemy.pagination import Pagination

from hrapp.certification import queries
from hrapp.certification.models import TIER_LABELS
from hrapp.core.forms import select_choices
from hrapp.core.permissions import Role

bp = Blueprint("certification", __name__, url_prefix="/certification")
ADMIN = (Role.ADMIN,)


class ListPagination(Pagination):
    """db.paginate's page object over a list already computed (the candidates)."""

    def __init__(self, items: list, page: int | None, per_page: int):
        self._all = items
        super().__init__(page=page, per_page=per_page, max_per_page=None, error_out=False)

    def _query_items(self) -> list:
        return self._all[self._query_offset : self._query_offset + self.per_page]

    def _query_count(self) -> int:
        return len(self._all)


def _page_size() -> int:
    return current_app.config["PAGE_SIZE"]


def _case_or_404(case_id: int):
    case = queries.visible_case(current_user, case_id)
    if case is None:
        abort(404)
    return case


def _flash_form_errors(form) -> None:
    for errors in form.errors.values():
        for message in errors:
            flash(message, "danger")


def _tier_choices(exclude_probation: bool = False) -> list[tuple[int, str]]:
    return select_choices(
        (tier.id, tier.label) for tier in queries.tiers() if not (exclude_probation and tier.ordinal == 0)
    )


@bp.app_template_filter("tier_label")
def tier_label(code: str | None) -> str:
    return str(TIER_LABELS.get(code, code or "—"))
