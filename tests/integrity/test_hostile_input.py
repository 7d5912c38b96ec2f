"""Bad, missing or hostile form values are refused next to their field and change nothing: ids
beyond a database integer, text or full-width digits in an id, unknown choices."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from hrapp.extensions import db
from hrapp.integrity.models import Check, CheckInspector, Draw, Finding
from tests.integrity import helpers

HOSTILE_IDS = [str(2**63), str(2**31), "9" * 40, "-1", "0", "１２", "²", "abc", "1e309"]


def _counts() -> tuple:
    return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(model)) for model in (Check, Draw, Finding))


def _check_form(world, **values) -> dict:
    return {
        "target_type": "officer",
        "target_officer_id": str(world.officer.id),
        "method": "observation",
        "inspector_ids": [str(world.inspector.id)],
        **values,
    }


@pytest.mark.parametrize("field", ["target_officer_id", "street_id", "inspector_ids"])
@pytest.mark.parametrize("value", HOSTILE_IDS)
def test_a_new_check_with_a_hostile_id_is_refused_on_the_form(app, world, as_role, field, value):
    plan = helpers.plan(world.inspector)
    db.session.commit()
    before = _counts()
    response = as_role("inspector").post(
        f"/integrity/plans/{plan.id}/checks/new", data=_check_form(world, **{field: value})
    )
    assert response.status_code == 200
    assert 'class="invalid-feedback' in response.get_data(as_text=True)
    assert _counts() == before


@pytest.mark.parametrize("value", ["", "bogus", str(2**63), "<script>"])
def test_a_new_check_with_an_unknown_target_type_renders_the_form_again(app, world, as_role, value):
    plan = helpers.plan(world.inspector)
    db.session.commit()
    before = _counts()
    response = as_role("inspector").post(
        f"/integrity/plans/{plan.id}/checks/new", data=_check_form(world, target_type=value)
    )
    assert response.status_code == 200 and "<script>" not in response.get_data(as_text=True)
    assert _counts() == before


@pytest.mark.parametrize("value", HOSTILE_IDS)
def test_a_draw_with_a_hostile_street_is_refused_on_the_form(app, world, as_role, value):
    db.session.commit()
    before = _counts()
    response = as_role("inspector").post(
        "/integrity/draws/new",
        data={
            "period_start": "2025-05-01",
            "period_end": "2025-05-31",
            "street_id": value,
            "random_count": "2",
            "weighted_count": "3",
        },
    )
    assert response.status_code == 200
    assert 'class="invalid-feedback' in response.get_data(as_text=True)
    assert _counts() == before


@pytest.mark.parametrize("value", HOSTILE_IDS)
def test_a_finding_with_a_hostile_person_responsible_changes_nothing(app, world, as_role, value):
    check = helpers.draft_check(world)
    db.session.commit()
    before = (_counts(), db.session.scalar(sa.select(sa.func.count()).select_from(CheckInspector)))
    response = as_role("inspector").post(
        f"/integrity/checks/{check.id}/findings", data={"code": "F01", "responsible_ids": [value]}
    )
    assert response.status_code < 500
    assert (_counts(), db.session.scalar(sa.select(sa.func.count()).select_from(CheckInspector))) == before


def test_a_draw_in_the_street_chosen_still_runs(app, world, as_role):
    db.session.commit()
    response = as_role("inspector").post(
        "/integrity/draws/new",
        data={
            "period_start": "2025-05-01",
            "period_end": "2025-05-31",
            "street_id": str(world.street.id),
            "random_count": "1",
            "weighted_count": "0",
            "seed": "5",
        },
    )
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Draw)).street_id == world.street.id
