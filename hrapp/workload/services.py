"""Workload reference data: the default categories, sources, source system and working calendar.
Defaults are data: `ensure_defaults` adds what is missing and never overwrites an edited row."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from hrapp.extensions import db
from hrapp.workload.models import CalendarDay, CaseCategory, CaseSource, SourceSystem

SOURCE_SYSTEM = ("FT-DISPATCH", "福田区统一分拨平台")
# code, name, found by the officer themself
SOURCES = [
    ("patrol", "巡查发现", True),
    ("report", "群众举报", False),
    ("snapshot", "随手拍", False),
    ("assigned", "上级交办", False),
    ("hotline", "热线", False),
]
# Fourteen top-level classes, each with second-level categories: (code, name, limit, unit).
CATEGORIES = [
    ("01", "市容环境", [("01-01", "暴露垃圾", 24, "hours"), ("01-02", "乱堆物料", 2, "days")]),
    ("02", "宣传广告", [("02-01", "违规张贴", 2, "days"), ("02-02", "破损广告牌", 5, "days")]),
    ("03", "施工管理", [("03-01", "施工扰民", 8, "hours"), ("03-02", "无围挡施工", 3, "days")]),
    ("04", "街面秩序", [("04-01", "占道经营", 4, "hours"), ("04-02", "流动摊贩", 4, "hours")]),
    ("05", "突发事件", [("05-01", "道路塌陷", 2, "hours"), ("05-02", "管道破裂", 2, "hours")]),
    ("06", "交通管理", [("06-01", "乱停放", 8, "hours"), ("06-02", "共享单车堆积", 1, "days")]),
    ("07", "市政设施", [("07-01", "井盖缺失", 4, "hours"), ("07-02", "路灯损坏", 3, "days")]),
    ("08", "园林绿化", [("08-01", "绿地损毁", 5, "days"), ("08-02", "树木倒伏", 8, "hours")]),
    ("09", "环境保护", [("09-01", "污水排放", 1, "days"), ("09-02", "噪声污染", 1, "days")]),
    ("10", "安全隐患", [("10-01", "电动车违规充电", 8, "hours"), ("10-02", "危房", 2, "days")]),
    ("11", "矛盾纠纷", [("11-01", "邻里纠纷", 5, "days"), ("11-02", "劳资纠纷", 10, "days")]),
    ("12", "消防安全", [("12-01", "消防通道堵塞", 4, "hours"), ("12-02", "消防设施损坏", 2, "days")]),
    ("13", "治安防控", [("13-01", "可疑人员", 2, "hours"), ("13-02", "出租屋隐患", 3, "days")]),
    ("14", "其他", [("14-01", "其他事项", 5, "days")]),
]
# Public holidays on weekdays and make-up workdays (State Council notices for 2025 and 2026).
HOLIDAYS = {
    2025: (
        [
            "01-01",
            "01-28",
            "01-29",
            "01-30",
            "01-31",
            "02-03",
            "02-04",
            "04-04",
            "05-01",
            "05-02",
            "05-05",
            "06-02",
            "10-01",
            "10-02",
            "10-03",
            "10-06",
            "10-07",
            "10-08",
        ],
        ["01-26", "02-08", "04-27", "09-28", "10-11"],
    ),
    2026: (
        [
            "01-01",
            "01-02",
            "02-16",
            "02-17",
            "02-18",
            "02-19",
            "02-20",
            "02-23",
            "04-06",
            "05-01",
            "05-04",
            "05-05",
            "06-19",
            "09-25",
            "10-01",
            "10-02",
            "10-05",
            "10-06",
            "10-07",
        ],
        ["01-04", "02-14", "02-28", "05-09", "09-20", "10-10"],
    ),
}


def ensure_defaults() -> None:
    """Add the default source system, sources, categories and calendar days that are missing."""
    if db.session.scalar(sa.select(SourceSystem.id).where(SourceSystem.code == SOURCE_SYSTEM[0])) is None:
        db.session.add(SourceSystem(code=SOURCE_SYSTEM[0], name=SOURCE_SYSTEM[1]))
    known = set(db.session.scalars(sa.select(CaseSource.code)))
    for code, name, own in SOURCES:
        if code not in known:
            db.session.add(CaseSource(code=code, name=name, officer_found=own))
    categories = {c.code: c for c in db.session.scalars(sa.select(CaseCategory))}
    for code, name, children in CATEGORIES:
        parent = categories.get(code)
        if parent is None:
            parent = CaseCategory(code=code, name=name)
            db.session.add(parent)
            db.session.flush()
        for child_code, child_name, value, unit in children:
            if child_code not in categories:
                db.session.add(
                    CaseCategory(
                        parent_id=parent.id, code=child_code, name=child_name, limit_value=value, limit_unit=unit
                    )
                )
    days = set(db.session.scalars(sa.select(CalendarDay.day)))
    for year, (holidays, workdays) in HOLIDAYS.items():
        for kind, dates in (("holiday", holidays), ("workday", workdays)):
            for month_day in dates:
                day = dt.date.fromisoformat(f"{year}-{month_day}")
                if day not in days:
                    db.session.add(CalendarDay(day=day, kind=kind))
    db.session.flush()


def import_case_records(records: list[dict], source_system_id: int, *, dry_run: bool = False):
    """Upsert a batch of cases given as dicts keyed by import column (the API's items): the same
    parsers and set-based checks as a file, but item by item — good items are written, bad ones
    reported. Row numbers in the report are item index + 2 (a file's first data row)."""
    from hrapp.core.staged_import import rows_from_records, run_staged
    from hrapp.workload.importing import case_import_spec

    spec = case_import_spec(source_system_id, db.session)
    return run_staged(spec, rows_from_records(spec.columns, records), dry_run=dry_run, partial=True, per_row=True)
