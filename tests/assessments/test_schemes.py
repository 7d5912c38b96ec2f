"""The scheme rules (one check, `scoring.validate_definition`) and the scheme editor pages: a draft
copied from the approved rules, edited through the form, refused with every problem next to its
field and nothing lost, approved after a confirmation (then locked), deleted after one."""

import copy
import datetime as dt
import html
import re

import pytest
import sqlalchemy as sa

from hrapp.assessments import scoring, services, sources
from hrapp.assessments.models import AssessmentScheme
from hrapp.core.audit import AuditEvent, reset_actor, set_actor
from hrapp.errors import DomainError
from hrapp.extensions import db
from tests.assessments.helpers import default_scheme

MEASURES = sources.INDICATOR_MEASURES


def problems(definition):
    return {(p.path, p.message) for p in scoring.validate_definition(definition, MEASURES, sources.finding_codes())}


def paths(definition):
    return {path for path, _message in problems(definition)}


def changed(**changes):
    definition = copy.deepcopy(scoring.DEFAULT_DEFINITION)
    definition.update(changes)
    return definition


# --- the rules -----------------------------------------------------------------------------------


def test_the_default_definition_is_sound(app):
    assert problems(scoring.DEFAULT_DEFINITION) == set()


def test_weights_must_sum_to_100(app):
    definition = changed()
    definition["indicators"][0]["weight"] = "25"
    found = problems(definition)
    assert (("weights",), "The weights sum to %(total)s; they must sum to 100.") in found
    assert [p.params for p in scoring.validate_definition(definition, MEASURES) if p.path == ("weights",)] == [
        {"total": "105"}
    ]


@pytest.mark.parametrize(
    ("bands", "where"),
    [
        ([["80", 4], ["90", 3], ["60", 2], ["0", 1]], ("grade_bands", 1)),  # overlapping
        ([["90", 4], ["80", 3], ["80", 2], ["0", 1]], ("grade_bands", 2)),  # an empty band
        ([["90", 4], ["80", 3], ["60", 2], ["10", 1]], ("grade_bands", 3)),  # scores below 10 without a grade
        ([["101", 4], ["80", 3], ["60", 2], ["0", 1]], ("grade_bands", 0)),  # beyond the scale
        ([["90", 3], ["80", 4], ["60", 2], ["0", 1]], ("grade_bands", 0)),  # grades out of order
        ([["90", 4], ["80", 3], ["0", 1]], ("grade_bands",)),  # a grade missing
    ],
)
def test_grade_bands_are_ordered_without_overlap_from_zero(app, bands, where):
    assert where in paths(changed(grade_bands=bands))


def test_an_unknown_measure_and_bad_indicator_fields_are_named(app):
    definition = changed()
    definition["indicators"][1].update(measure="bribes", code="Patrol!", weight="abc", direction="sideways")
    definition["indicators"][2]["thresholds"] = [["0.6", "0.5"], ["0.8", "0.8"]]  # easiest first
    definition["indicators"][3]["thresholds"] = [["1", "1.5"]]  # more than the weight
    definition["indicators"][4]["code"] = "collection"  # twice
    found = paths(definition)
    for field in ("measure", "code", "weight", "direction"):
        assert ("indicators", 1, field) in found
    assert ("indicators", 2, "thresholds") in found and ("indicators", 3, "thresholds") in found
    assert ("indicators", 4, "code") in found
    assert "workload_index" not in MEASURES  # it normalises, it is not scored


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"veto_codes": ["F77"]}, ("veto_codes",)),
        ({"veto_severity": 9}, ("veto_severity",)),
        ({"excellent_cap_percent": "120"}, ("excellent_cap_percent",)),
        ({"annual": {"monthly_share": "70", "review_share": "40"}}, ("annual",)),
        ({"indicators": []}, ("indicators",)),
    ],
)
def test_veto_cap_and_annual_formula_are_checked(app, change, where):
    assert where in paths(changed(**change))


def test_the_service_refuses_what_the_rules_refuse(world):
    with pytest.raises(services.SchemeInvalid) as refused:
        services.create_scheme("坏方案", dt.date(2030, 1, 1), changed(veto_codes=["F77"]))
    assert refused.value.problems[0][0] == ("veto_codes",)
    draft = services.create_scheme("草案", dt.date(2030, 1, 1))
    with pytest.raises(DomainError):
        services.update_scheme(draft, changed(grade_bands=[["80", 4], ["90", 3], ["60", 2], ["0", 1]]))
    assert db.session.get(AssessmentScheme, draft.id).definition["grade_bands"][0] == ["90", 4]


def test_a_new_draft_copies_the_approved_rules_in_force(world):
    token = set_actor(None, "test")
    try:
        approved = services.create_scheme("v1", dt.date(2020, 1, 1), changed(excellent_cap_percent="15"))
        services.approve_scheme(approved)
        draft = services.new_draft("v2 草案", dt.date(2030, 1, 1))
    finally:
        reset_actor(token)
    assert draft.status == "draft" and draft.version == approved.version + 1
    assert draft.definition["excellent_cap_percent"] == "15" and draft.definition["annual"]["monthly_share"] == "70"


# --- the pages -----------------------------------------------------------------------------------


def _approved(world):
    token = set_actor(None, "test")
    try:
        scheme = default_scheme()
        db.session.commit()
    finally:
        reset_actor(token)
    return scheme


def _fields(page: str) -> dict:
    """The values the edit form renders (inputs, selected options, checked boxes)."""
    values: dict = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or 'type="submit"' in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        if 'type="checkbox"' in tag:
            if "checked" in tag:
                values.setdefault(name.group(1), []).append(value.group(1) if value else "y")
            continue
        values[name.group(1)] = html.unescape(value.group(1)) if value else ""
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        selected = re.findall(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', body)
        first = re.search(r'<option[^>]*value="([^"]*)"', body)
        if selected or first:  # a browser sends the first option when none is selected
            values[name] = [a or b for a, b in selected][0] if selected else first.group(1)
    return values


def _new_draft(client) -> int:
    response = client.post("/assessments/schemes/new", data={"name": "2031 修订", "effective_from": "2031-01-01"})
    assert response.status_code == 302
    return int(re.search(r"/schemes/(\d+)/edit", response.headers["Location"]).group(1))


def test_an_admin_creates_edits_and_approves_a_draft(world, as_role):
    base = _approved(world)
    admin = as_role("admin")
    assert "默认考核方案 v1" in admin.get("/assessments/schemes/new").get_data(as_text=True)  # the copy's source
    scheme_id = _new_draft(admin)
    page = admin.get(f"/assessments/schemes/{scheme_id}/edit").get_data(as_text=True)
    data = _fields(page)
    assert data["indicators-0-code"] == "collection" and data["indicators-0-weight"] == "20"
    assert data["grade_bands-0-bound"] == "90" and data["veto_severity"] == "3"
    data.update({"indicators-0-weight": "25", "indicators-1-weight": "10", "excellent_cap_percent": "",
                 "indicators-0-thresholds-3-bound": "0.4", "indicators-0-thresholds-3-earned": "0.2",
                 "veto_codes": ["F08", "F06"], "monthly_share": "60", "review_share": "40"})  # fmt: skip
    response = admin.post(f"/assessments/schemes/{scheme_id}/edit", data=data)
    assert response.status_code == 302, _errors(response)
    scheme = db.session.get(AssessmentScheme, scheme_id)
    db.session.refresh(scheme)
    first = scheme.definition["indicators"][0]
    assert (first["weight"], scheme.definition["indicators"][1]["weight"]) == ("25", "10")
    assert first["thresholds"][-1] == ["0.4", "0.2"] and len(first["thresholds"]) == 4
    assert scheme.definition["excellent_cap_percent"] is None
    assert sorted(scheme.definition["veto_codes"]) == ["F06", "F08"]
    assert scheme.definition["annual"] == {"monthly_share": "60", "review_share": "40"}
    assert db.session.get(AssessmentScheme, base.id).definition == base.definition  # the approved one untouched
    audit = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.entity == "assessment_schemes", AuditEvent.entity_id == str(scheme_id))
    ).all()
    assert [event.action for event in audit] == ["create", "update"] and audit[-1].actor_name == "admin"

    confirm = admin.get(f"/assessments/schemes/{scheme_id}/approve")
    assert confirm.status_code == 200 and 'data-testid="confirm-approve"' in confirm.get_data(as_text=True)
    assert db.session.get(AssessmentScheme, scheme_id).status == "draft"  # the confirmation page changes nothing
    assert admin.post(f"/assessments/schemes/{scheme_id}/approve").status_code == 302
    db.session.refresh(scheme)
    assert scheme.status == "approved" and scheme.approved_by == "admin"


def _errors(response) -> list[str]:
    return re.findall(r'class="(?:invalid-feedback|text-danger small)">([^<]+)<', response.get_data(as_text=True))


def test_a_refused_edit_shows_every_problem_and_keeps_what_was_typed(world, as_role):
    _approved(world)
    world.admin.locale = "en"
    db.session.commit()
    admin = as_role("admin")
    scheme_id = _new_draft(admin)
    before = copy.deepcopy(db.session.get(AssessmentScheme, scheme_id).definition)
    data = _fields(admin.get(f"/assessments/schemes/{scheme_id}/edit").get_data(as_text=True))
    data.update({"indicators-0-weight": "33", "indicators-2-measure": "bribes", "grade_bands-1-bound": "95",
                 "indicators-3-name": "上报（新）"})  # fmt: skip
    response = admin.post(f"/assessments/schemes/{scheme_id}/edit", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The weights sum to 113; they must sum to 100." in page
    assert "Unknown measure: choose one of the registered measures." in _errors(response)
    assert "Each grade starts below the one above it: the bands may not overlap." in _errors(response)
    kept = _fields(page)
    assert kept["indicators-0-weight"] == "33" and kept["grade_bands-1-bound"] == "95"
    assert kept["indicators-3-name"] == "上报（新）"
    db.session.expire_all()
    assert db.session.get(AssessmentScheme, scheme_id).definition == before


def test_rows_are_added_and_removed_without_saving(world, as_role):
    _approved(world)
    admin = as_role("admin")
    scheme_id = _new_draft(admin)
    data = _fields(admin.get(f"/assessments/schemes/{scheme_id}/edit").get_data(as_text=True))
    added = admin.post(f"/assessments/schemes/{scheme_id}/edit", data={**data, "action": "add"})
    assert added.status_code == 200 and "indicators-8-code" in added.get_data(as_text=True)
    data = _fields(added.get_data(as_text=True))
    data.update({"indicators-8-code": "meetings", "indicators-8-name": "例会", "indicators-8-measure": "patrol",
                 "indicators-8-weight": "5", "indicators-8-thresholds-0-bound": "1",
                 "indicators-8-thresholds-0-earned": "1", "indicators-1-weight": "10"})  # fmt: skip
    removed = admin.post(f"/assessments/schemes/{scheme_id}/edit", data={**data, "action": "remove-2"})
    assert removed.status_code == 200 and "入户走访覆盖" not in removed.get_data(as_text=True)
    data = _fields(removed.get_data(as_text=True))
    data["indicators-0-weight"] = "30"  # the removed visits' 10 points
    saved = admin.post(f"/assessments/schemes/{scheme_id}/edit", data=data)
    assert saved.status_code == 302, _errors(saved) + re.findall(r"<li>([^<]+)<", saved.get_data(as_text=True))
    codes = [i["code"] for i in db.session.get(AssessmentScheme, scheme_id).definition["indicators"]]
    assert "visits" not in codes and codes[-1] == "meetings"


def test_an_approved_scheme_cannot_be_edited_or_deleted(world, as_role):
    scheme = _approved(world)
    admin = as_role("admin")
    before = copy.deepcopy(scheme.definition)
    data = {"name": "改", "effective_from": "2020-01-01", "indicators-0-weight": "99"}
    assert admin.post(f"/assessments/schemes/{scheme.id}/edit", data=data).status_code == 409
    assert admin.get(f"/assessments/schemes/{scheme.id}/edit").status_code == 302  # to the read-only page
    assert admin.post(f"/assessments/schemes/{scheme.id}/delete").status_code == 409
    db.session.expire_all()
    kept = db.session.get(AssessmentScheme, scheme.id)
    assert (kept.name, kept.definition, kept.status) == ("默认考核方案", before, "approved")
    page = admin.get(f"/assessments/schemes/{scheme.id}").get_data(as_text=True)
    assert "信息采集" in page and f"/assessments/schemes/{scheme.id}/edit" not in page


def test_a_draft_is_deleted_after_confirmation(world, as_role):
    _approved(world)
    admin = as_role("admin")
    scheme_id = _new_draft(admin)
    assert 'data-testid="confirm-delete"' in admin.get(f"/assessments/schemes/{scheme_id}/delete").get_data(
        as_text=True
    )
    assert db.session.get(AssessmentScheme, scheme_id) is not None
    assert admin.post(f"/assessments/schemes/{scheme_id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.get(AssessmentScheme, scheme_id) is None
    assert db.session.scalar(
        sa.select(AuditEvent.action).where(AuditEvent.entity == "assessment_schemes", AuditEvent.entity_id == str(scheme_id))
        .order_by(AuditEvent.id.desc()).limit(1)
    ) == "delete"  # fmt: skip


def test_hr_reads_schemes_but_does_not_edit_them(world, as_role):
    _approved(world)
    admin = as_role("admin")
    scheme_id = _new_draft(admin)
    hr = as_role("hr_clerk")
    assert hr.get(f"/assessments/schemes/{scheme_id}").status_code == 200
    assert hr.get(f"/assessments/schemes/{scheme_id}/edit").status_code == 403
    assert hr.post(f"/assessments/schemes/{scheme_id}/approve").status_code == 403
    assert hr.post(f"/assessments/schemes/{scheme_id}/delete").status_code == 403
    assert db.session.get(AssessmentScheme, scheme_id).status == "draft"


def test_an_unknown_scheme_is_404_on_every_page(world, as_role):
    admin = as_role("admin")
    for path in ("", "/edit", "/approve", "/delete"):
        assert admin.get(f"/assessments/schemes/987654{path}").status_code == 404, path
    assert admin.post("/assessments/schemes/987654/edit", data={"name": "x"}).status_code == 404


def test_hostile_row_indexes_and_actions_change_nothing(world, as_role):
    _approved(world)
    admin = as_role("admin")
    scheme_id = _new_draft(admin)
    before = copy.deepcopy(db.session.get(AssessmentScheme, scheme_id).definition)
    base = {"name": "x", "effective_from": "2030-01-01"}
    for data in [
        {**base, "indicators-99999999999999999999-code": "a", "action": "add"},
        {**base, "indicators-5-thresholds-99-bound": "1"},
        {**base, "action": "remove-99999999999999999999999"},
        {**base, "action": "remove-٣"},
        {**base, "veto_severity": "٣", "grade_bands-7-bound": "5"},
        {**base, **{f"indicators-{i}-code": "c" for i in range(40)}},  # beyond the 30 rows a scheme may hold
    ]:
        assert admin.post(f"/assessments/schemes/{scheme_id}/edit", data=data).status_code in (200, 400), data
    db.session.expire_all()
    assert db.session.get(AssessmentScheme, scheme_id).definition == before
