"""Building blocks for training tests: courses, sessions and attendance, written straight to the
session."""

from __future__ import annotations

import datetime as dt
import decimal
import itertools

from hrapp.extensions import db
from hrapp.training.models import Attendance, Course, TrainingSession

_numbers = itertools.count(1)


def course(category: str = "policy", hours=8, is_exam: bool = False, pass_score: int | None = None) -> Course:
    number = next(_numbers)
    item = Course(
        code=f"T{number:03d}",
        title=f"课程{number}",
        category=category,
        hours=decimal.Decimal(hours),
        is_exam=is_exam,
        pass_score=pass_score,
    )
    db.session.add(item)
    db.session.flush()
    return item


def session(of_course: Course, held_on: dt.date) -> TrainingSession:
    item = TrainingSession(code=f"S{next(_numbers):05d}", course_id=of_course.id, held_on=held_on)
    db.session.add(item)
    db.session.flush()
    return item


def attend(officer, at: TrainingSession, hours=None, score=None, passed=None, expires: dt.date | None = None):
    item = Attendance(
        session_id=at.id,
        officer_id=officer.id,
        hours=decimal.Decimal(hours if hours is not None else at.course.hours),
        exam_score=decimal.Decimal(score) if score is not None else None,
        passed=passed if passed is not None else (score >= (at.course.pass_score or 0) if score is not None else None),
        certificate_no=f"C{next(_numbers)}" if expires else None,
        certificate_expires=expires,
    )
    db.session.add(item)
    db.session.flush()
    return item


def trained(officer, held_on: dt.date, hours, category: str = "policy") -> Attendance:
    return attend(officer, session(course(category, hours), held_on), hours=hours)
