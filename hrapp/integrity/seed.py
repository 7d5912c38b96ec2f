"""Demo data for integrity (a step of `flask seed demo`): three plans, a draw, about one check per
two officers over the last twelve months (about a third with findings), rectification notices in
every state, accountability actions, evidence photos and appeals — one pending from the demo
officer. Written through the services, as the inspector and the administrator (the second
inspector), so every row is audited and obeys the rules. Deterministic through the rng."""

from __future__ import annotations

import datetime as dt
import io
import struct
import zlib
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from hrapp.auth.models import User
from hrapp.core.dates import add_months
from hrapp.extensions import db
from hrapp.integrity import followup, risk, services
from hrapp.integrity.models import FINDING_CODES, METHODS
from hrapp.officers.models import Officer

WINDOWS = ["街道党群服务中心综合窗口", "社区工作站便民窗口", "出租屋综合管理所窗口", "网格综合服务站"]
POSTS = ["案件核查岗（城市管理）", "案件核查岗（安全生产）", "网格巡查联勤岗"]
PLACES = ["社区工作站", "街道党群服务中心", "城中村巡查路线", "网格服务站", "商业街区"]
# Findings weighted towards the everyday ones; F06–F10 are rare.
CODES = (
    ["F01"] * 4
    + ["F02"] * 5
    + ["F03"] * 5
    + ["F04"] * 3
    + ["F05"] * 3
    + ["F11"] * 3
    + ["F12"] * 3
    + [
        "F06",
        "F08",
        "F09",
        "F10",
        "F99",
    ]
)
RESULTS_WITH_FINDINGS = ["R1"] * 4 + ["R2"] * 4 + ["R3"] * 2 + ["R4"] + ["R5"]


def _png(red: int, green: int, blue: int) -> bytes:
    """A 16×16 single-colour PNG (the demo's 'photo')."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + bytes([red, green, blue]) * 16
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(row * 16))
        + chunk(b"IEND", b"")
    )


def _evidence_dir() -> Path:
    configured = current_app.config.get("EVIDENCE_DIR")
    return Path(configured) if configured else Path(current_app.config["INSTANCE_DIR"]) / "evidence"


def _local(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute)) - dt.timedelta(hours=8)  # Shanghai → UTC


def seed_integrity(rng, on: dt.date) -> None:
    inspector = db.session.scalar(sa.select(User).where(User.role == "inspector").order_by(User.id).limit(1))
    admin = db.session.scalar(sa.select(User).where(User.role == "admin").order_by(User.id).limit(1))
    officer_user = db.session.scalar(sa.select(User).where(User.role == "officer").order_by(User.id).limit(1))
    officers = list(db.session.scalars(sa.select(Officer).where(Officer.status == "active").order_by(Officer.id)))
    if inspector is None or admin is None or not officers:
        return
    year_ago = add_months(on, -12)
    plans = []
    for index, (start, mode, name) in enumerate(
        [
            (add_months(on, -12), "announced", "窗口服务作风明查"),
            (add_months(on, -6), "unannounced", "网格员履职暗访"),
            (add_months(on, -2), "cross", "街道交叉互查"),
        ]
    ):
        plans.append(
            services.create_plan(
                {
                    "name": f"{start.year}年{name}",
                    "period_start": start,
                    "period_end": on + dt.timedelta(days=30)
                    if index == 2
                    else add_months(start, 6 if index == 0 else 4),
                    "mode": mode,
                    "scope_kind": "streets",
                    "scope": "全区10个街道" if index != 2 else "园岭、南园、福田街道",
                    "lead_unit": "区纪委监委派驻纪检组",
                    "note": "",
                },
                inspector,
            )
        )
    draw = risk.run_draw(
        {
            "period_start": add_months(on, -1),
            "period_end": on + dt.timedelta(days=30),
            "random_count": min(3, len(officers)),
            "weighted_count": min(7, max(len(officers) - 3, 0)),
            "seed": 20260101,
        },
        inspector,
    )
    drawn = [pick["officer_id"] for pick in draw.picks]
    count = max(6, min(75, len(officers) // 2))
    checks = []
    for number in range(count):
        day = year_ago + dt.timedelta(days=int(number * (on - year_ago).days / count) + rng.randint(0, 3))
        day = min(day, on - dt.timedelta(days=1))
        while day.weekday() >= 5:
            day -= dt.timedelta(days=1)
        plan = next((p for p in reversed(plans) if p.period_start <= day), plans[0])
        hour, minute = rng.randint(9, 16), rng.choice([0, 10, 15, 20, 30, 40, 45, 50])
        target_kind = rng.choice(["officer"] * 6 + ["window", "post"])
        values = {
            "target_type": target_kind,
            "place": rng.choice(PLACES),
            "started_at": _local(day, hour, minute),
            "ended_at": _local(day, hour, minute) + dt.timedelta(minutes=rng.choice([20, 30, 45, 60])),
            "method": rng.choice(list(METHODS)),
            "inspector_ids": [inspector.id, admin.id],
            "declare_no_conflict": True,
            "notes": "按计划开展检查，现场记录如下。",
        }
        if target_kind == "officer":
            recent = day >= draw.period_start and drawn
            target = (
                db.session.get(Officer, drawn[number % len(drawn)])
                if recent
                else officers[rng.randrange(len(officers))]
            )
            values["target_officer_id"] = target.id
            values["outside_draw_reason"] = "" if recent else "按年度计划随机抽查"
        else:
            target = None
            values["target_label"] = rng.choice(WINDOWS if target_kind == "window" else POSTS)
            values["street_id"] = officers[rng.randrange(len(officers))].street_id
        with_findings = rng.random() < 0.38
        values["result_code"] = rng.choice(RESULTS_WITH_FINDINGS) if with_findings else "R0"
        check = services.create_check(plan, values, inspector)
        services.declare_no_conflict(check, admin)
        checklist = {str(i): "pass" for i in range(len(check.template.items))}
        if with_findings:
            responsible = target or officers[rng.randrange(len(officers))]
            code = rng.choice(CODES)
            services.add_finding(
                check,
                {
                    "code": code,
                    "responsible_ids": [responsible.id],
                    "description": f"现场发现：{FINDING_CODES[code][0]}。",
                },
                inspector,
            )
            checklist["0"] = "fail"
        check.checklist = checklist
        if number % 9 == 0:
            services.add_evidence(
                check,
                io.BytesIO(_png(rng.randint(80, 200), rng.randint(80, 200), rng.randint(80, 200))),
                f"现场照片{number + 1}.png",
                inspector,
                _evidence_dir(),
                current_app.config["EVIDENCE_MAX_BYTES"],
            )
        checks.append((check, with_findings, target))
    # The latest two stay drafts and the two before are submitted; the rest are closed.
    for index, (check, _findings, _target) in enumerate(checks):
        if index < len(checks) - 2:
            services.submit_check(check, inspector)
        if index < len(checks) - 4:
            services.close_check(check, inspector)
    _follow_up(rng, on, checks, inspector)
    _demo_officer_appeal(on, plans[-1], inspector, admin, officer_user)
    db.session.flush()


def _follow_up(rng, on: dt.date, checks, inspector) -> None:
    """Rectification for R2 and worse, re-inspections for some, accountability for R3–R5."""
    notice = 0
    for check, with_findings, target in checks:
        if not with_findings or check.status == "draft" or check.result_code in ("R0", "R1"):
            continue
        notice += 1
        local_day = (check.started_at + dt.timedelta(hours=8)).date()
        deadline = local_day + dt.timedelta(days=15)
        item = followup.create_rectification(
            check,
            {
                "notice_no": f"廉整改〔{local_day.year}〕{notice:03d}号",
                "owner_officer_id": target.id if target else None,
                "owner_unit": "" if target else (check.street.name if check.street else "街道办事处"),
                "deadline": deadline,
            },
            inspector,
        )
        if deadline < on:
            outcome = rng.random()
            if outcome < 0.7:
                followup.update_rectification(item, {"status": "awaiting_review"}, inspector)
                reinspection = _reinspection(check, inspector, min(deadline + dt.timedelta(days=3), on))
                followup.update_rectification(
                    item,
                    {
                        "status": "passed" if outcome < 0.6 else "failed",
                        "reinspection_check_id": reinspection.id,
                        "completed_on": deadline - dt.timedelta(days=rng.randint(0, 5))
                        if outcome < 0.5
                        else deadline + dt.timedelta(days=2),
                    },
                    inspector,
                )
            else:
                followup.update_rectification(item, {"status": "overdue"}, inspector)
        else:
            followup.update_rectification(item, {"status": "in_progress"}, inspector)
        if check.result_code in ("R3", "R4", "R5") and target is not None:
            kind = {"R3": "criticism", "R4": "talk", "R5": "demerit"}[check.result_code]
            followup.add_action(
                check,
                {
                    "officer_id": target.id,
                    "kind": kind,
                    "decision_no": f"纪检〔{local_day.year}〕{notice:02d}号",
                    "decided_on": min(local_day + dt.timedelta(days=10), on),
                },
                inspector,
            )


def _reinspection(check, inspector, day: dt.date):
    from hrapp.auth.models import User

    admin = db.session.scalar(sa.select(User).where(User.role == "admin").order_by(User.id).limit(1))
    values = {
        "target_type": check.target_type,
        "target_officer_id": check.target_officer_id,
        "target_label": check.target_label,
        "street_id": check.street_id,
        "place": check.place,
        "started_at": _local(day, 10, 0),
        "ended_at": _local(day, 10, 30),
        "method": "observation",
        "inspector_ids": [inspector.id, admin.id],
        "declare_no_conflict": True,
        "result_code": "R0",
        "outside_draw_reason": f"整改复查（{check.number}）",
        "notes": f"对{check.number}整改情况复查。",
    }
    again = services.create_check(check.plan, values, inspector)
    services.declare_no_conflict(again, admin)
    services.submit_check(again, inspector)
    services.close_check(again, inspector)
    return again


def _demo_officer_appeal(on: dt.date, plan, inspector, admin, officer_user) -> None:
    """The demo officer has a closed 迟到早退 result under appeal, so /me and the appeals list show one."""
    if officer_user is None or officer_user.officer_id is None:
        return
    day = on - dt.timedelta(days=20)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    check = services.create_check(
        plan,
        {
            "target_type": "officer",
            "target_officer_id": officer_user.officer_id,
            "place": "网格服务站",
            "started_at": _local(day, 8, 40),
            "ended_at": _local(day, 9, 10),
            "method": "observation",
            "inspector_ids": [inspector.id, admin.id],
            "declare_no_conflict": True,
            "result_code": "R1",
            "outside_draw_reason": "群众反映上班时间不在岗",
            "notes": "08:40 到达网格服务站，09:05 该网格员到岗。",
        },
        inspector,
    )
    services.declare_no_conflict(check, admin)
    services.add_finding(check, {"code": "F02", "description": "迟到约25分钟。"}, inspector)
    services.submit_check(check, inspector)
    services.close_check(check, inspector)
    followup.file_appeal(check, "当日上午先到社区参加疫苗接种动员会，已向社区书记报备。", officer_user)
