"""Demo data for certification (a step of `flask seed demo`): default tiers and rules, a course
catalogue with sessions since 2012, and for every officer a tier history consistent with the hire
date (probation, then junior with yearly steps, some promoted), annual grades and training, so the
candidates page has real candidates and near-misses. Deterministic through the rng passed in;
bulk inserts keep it quick at 20,000 officers (seed rows carry no audit events)."""

from __future__ import annotations

import datetime as dt
import decimal
import random

import sqlalchemy as sa

from hrapp.certification.models import AnnualResult, Tier, TierRecord, course_mandatory_tiers
from hrapp.certification.services import ensure_defaults
from hrapp.core.dates import add_months, add_years
from hrapp.core.db import utcnow
from hrapp.extensions import db
from hrapp.officers.models import Officer
from hrapp.training.models import Attendance, Course, TrainingSession

FIRST_YEAR = 2012
# code, title, category, hours, is_exam, pass score, certificate months, mandatory tier codes
COURSES = [
    ("IND-01", "网格员岗前培训（理论）", "induction", 24, False, None, None, ("probation",)),
    ("IND-02", "网格员岗前培训（实务跟岗）", "induction", 16, False, None, None, ("probation",)),
    ("IND-EX", "网格员入职考试", "induction", 2, True, 60, None, ("probation",)),
    ("POL-01", "基层治理政策法规", "policy", 8, False, None, None, ("junior", "intermediate", "senior")),
    ("COL-01", "四实信息采集规范", "collection", 8, False, None, None, ("junior", "intermediate", "senior")),
    ("MED-01", "矛盾纠纷排查调解技巧", "mediation", 8, False, None, None, ("intermediate", "senior")),
    ("SAF-01", "安全隐患排查与上报", "safety", 8, True, 60, 24, ("junior", "intermediate", "senior")),
    ("DIG-01", "网格通移动终端与数字化工具", "digital", 6, False, None, None, ()),
    ("INT-01", "党风廉政与纪律教育", "integrity", 4, False, None, None, ("junior", "intermediate", "senior")),
    ("FA-01", "应急救护（急救员证）", "safety", 8, True, 70, 36, ()),
    ("SKL-04", "网格员职业技能（四级）考核", "policy", 4, True, 60, 36, ("intermediate",)),
]
PLACES = ["区党群服务中心", "区委党校", "街道办事处会议室", "区网格管理中心培训室"]
TRAINERS = ["刘老师", "陈老师", "黄老师", "周老师", "吴老师", "林老师"]
GRADE_WEIGHTS = ([4, 3, 2, 1], [15, 68, 13, 4])
BATCH = 5000


def _insert(model_or_table, rows: list[dict]) -> None:
    """Bulk INSERT, one executemany per batch. Every row carries the same keys (None where there
    is no value): an executemany needs homogeneous rows, and the ORM's bulk insert, which drops
    None values and groups rows by their key set, sent mixed rows one statement at a time. The
    Core insert on the table skips that per-row ORM bookkeeping as well."""
    if not rows:
        return
    keys = rows[0].keys()
    if any(row.keys() != keys for row in rows):
        raise ValueError(f"bulk rows for {model_or_table} do not all have the same keys")
    statement = sa.insert(getattr(model_or_table, "__table__", model_or_table))
    connection = db.session.connection()
    for start in range(0, len(rows), BATCH):
        connection.execute(statement, rows[start : start + BATCH])


def seed_certification(rng: random.Random, on: dt.date) -> None:
    ensure_defaults()
    tiers = {tier.code: tier for tier in db.session.scalars(sa.select(Tier))}
    now = utcnow()
    course_rows = [
        {
            "code": code,
            "title": title,
            "category": category,
            "hours": decimal.Decimal(hours),
            "is_exam": is_exam,
            "pass_score": pass_score,
            "certificate_months": months,
            "active": True,
            "created_at": now,
            "updated_at": now,
        }
        for code, title, category, hours, is_exam, pass_score, months, _tiers in COURSES
    ]
    _insert(Course, course_rows)
    courses = {course.code: course for course in db.session.scalars(sa.select(Course))}
    _insert(
        course_mandatory_tiers,
        [
            {"course_id": courses[code].id, "tier_id": tiers[tier_code].id}
            for code, *_rest, mandatory in COURSES
            for tier_code in mandatory
        ],
    )
    sessions = _seed_sessions(rng, courses, on)
    officers = db.session.execute(sa.select(Officer.id, Officer.hire_date).order_by(Officer.id)).all()
    for start in range(0, len(officers), 1000):  # in chunks, so memory stays flat at any scale
        records, results, attendance = [], [], []
        for officer_id, hire in officers[start : start + 1000]:
            grades = _grades(rng, hire, on)
            results += [
                {
                    "officer_id": officer_id,
                    "year": year,
                    "grade": grade,
                    "note": "",
                    "created_at": now,
                    "updated_at": now,
                }
                for year, grade in grades.items()
            ]
            records += _tier_history(rng, officer_id, hire, on, grades, tiers, now)
            attendance += _attendance(rng, officer_id, hire, on, sessions, courses, now)
        _insert(AnnualResult, results)
        _insert(TierRecord, records)
        _insert(Attendance, attendance)
    db.session.flush()


def _seed_sessions(rng, courses, on: dt.date) -> dict:
    """Induction every month; each other course five times a year. Returns
    {'induction': {(year, month): {code: (id, date)}}, 'regular': {year: [(id, code, date)]}}."""
    rows = []
    for year in range(FIRST_YEAR, on.year + 1):
        for month in range(1, 13):
            for code, day in (("IND-01", 5), ("IND-02", 12), ("IND-EX", 20)):
                held = dt.date(year, month, day)
                if held <= on:
                    rows.append((code, held, f"{code}-{held:%Y%m%d}"))
        for code in courses:
            if code.startswith("IND"):
                continue
            for month in (1, 3, 6, 9, 11):
                held = dt.date(year, month, 10 + sorted(courses).index(code))
                if held <= on:
                    rows.append((code, held, f"{code}-{held:%Y%m%d}"))
    now = utcnow()
    _insert(
        TrainingSession,
        [
            {
                "code": session_code,
                "course_id": courses[code].id,
                "held_on": held,
                "place": rng.choice(PLACES),
                "trainer": rng.choice(TRAINERS),
                "capacity": None,
                "created_at": now,
                "updated_at": now,
            }
            for code, held, session_code in rows
        ],
    )
    ids = dict(db.session.execute(sa.select(TrainingSession.code, TrainingSession.id)).all())
    induction: dict = {}
    regular: dict = {}
    for code, held, session_code in rows:
        if code.startswith("IND"):
            induction.setdefault((held.year, held.month), {})[code] = (ids[session_code], held)
        else:
            regular.setdefault(held.year, []).append((ids[session_code], code, held))
    return {"induction": induction, "regular": regular}


def _grades(rng, hire: dt.date, on: dt.date) -> dict[int, int]:
    grades = {}
    for year in range(hire.year, on.year):
        if hire <= dt.date(year, 10, 1):
            grades[year] = rng.choices(*GRADE_WEIGHTS)[0]
    return grades


def _tier_history(rng, officer_id, hire, on, grades, tiers, now) -> list[dict]:
    """Probation for 3–6 months, then junior step 1; a step each 1 January after a year graded
    合格 or better (the current year's step is left to the annual run); some promotions after
    the default tenure with good grades, a minority left eligible but not yet promoted."""
    periods: list[list] = []  # [tier code, step, start, reason, step_year]

    def begin(code, step, start, reason, step_year=None):
        periods.append([code, step, start, reason, step_year])

    begin("probation", 1, hire, "hire")
    probation_end = add_months(hire, rng.choice([3, 4, 6]))
    if probation_end <= on and rng.random() < 0.97:
        begin("junior", 1, probation_end, "promotion")
        tier_since = probation_end
        for year in range(probation_end.year + 1, on.year + 1):
            code, step = periods[-1][0], periods[-1][1]
            jan1 = dt.date(year, 1, 1)
            last = grades.get(year - 1)
            if year < on.year and last is not None and last >= 3 and step < 8 and jan1 > periods[-1][2]:
                begin(code, step + 1, jan1, "annual_step", year - 1)
            promote_on = dt.date(year, 7, 1)
            if promote_on > on or code == "senior":
                continue
            recent = [grades.get(year - 1), grades.get(year - 2), grades.get(year - 3)]
            if code == "junior":
                due = add_years(tier_since, 4) <= promote_on or add_years(hire, 6) <= promote_on
                good = all(g is not None and g >= 3 for g in recent[:2])
                target = "intermediate"
            else:
                due = add_years(tier_since, 5) <= promote_on
                good = any(g == 4 for g in recent)
                target = "senior"
            if due and good and rng.random() < 0.6:
                begin(target, 1, promote_on, "promotion")
                tier_since = promote_on
    rows = []
    for index, (code, step, start, reason, step_year) in enumerate(periods):
        end = periods[index + 1][2] if index + 1 < len(periods) else None
        rows.append(
            {
                "officer_id": officer_id,
                "tier_id": tiers[code].id,
                "step": step,
                "reason": reason,
                "step_year": step_year,
                "effective_from": start,
                "effective_to": end,
                "note": "",
                "created_at": now,
                "updated_at": now,
            }
        )
    return rows


def _attendance(rng, officer_id, hire, on, sessions, courses, now) -> list[dict]:
    rows = []

    def attend(session_id, code, held, *, score=None):
        course = courses[code]
        row = {
            "session_id": session_id,
            "officer_id": officer_id,
            "hours": course.hours,
            "exam_score": None,
            "passed": None,
            "certificate_no": None,
            "certificate_expires": None,
            "created_at": now,
            "updated_at": now,
        }
        if course.is_exam:
            score = score if score is not None else rng.randint(48, 99)
            row["exam_score"] = decimal.Decimal(score)
            row["passed"] = score >= (course.pass_score or 0)
            if row["passed"] and course.certificate_months:
                row["certificate_no"] = f"{code}-{held:%Y}-{officer_id:06d}"
                row["certificate_expires"] = add_months(held, course.certificate_months)
        rows.append(row)

    # Induction in the month after hiring (a few skip the practical part: near-misses).
    month = add_months(hire.replace(day=1), 1)
    induction = sessions["induction"].get((month.year, month.month), {})
    for code, (session_id, held) in sorted(induction.items()):
        if code == "IND-02" and rng.random() < 0.1:
            continue
        attend(session_id, code, held)
    # Regular training over the last three years: 3–9 sessions a year after the hire date.
    for year in range(max(hire.year, on.year - 2), on.year + 1):
        offered = [s for s in sessions["regular"].get(year, []) if s[2] > hire]
        for session_id, code, held in rng.sample(offered, min(len(offered), rng.randint(3, 9))):
            attend(session_id, code, held)
    return rows
