"""Demo implementation plans (演示数据) for seed_demo, in several states.

The demo programme is in its implementation phase (plans were due 240 days ago):
Fujian and six more units have approved plans (their submission and approval
back-dated to before the deadline, so they are not shown as late); Zhejiang's plan
is complete and submitted, Shenzhen's returned with a section comment, Guangdong's
a half-written draft: these three have an office-granted extension of the plan
deadline (演示：延期), so their reminders are pending; Ningxia has not started.
Idempotent: a unit that already has a plan in the batch is left alone.
"""

import datetime

from django.utils import timezone

from pilots.history import history_of
from pilots.models import DeadlineKind, Extension, User

from . import services
from .models import (
    Contact,
    Deliverable,
    Plan,
    PlanSection,
    PlanVersion,
    ScheduleItem,
    SectionKey,
    Status,
)

DEMO = "（演示数据）"
APPROVED = ("fujian", "changjiang", "huanghe", "taihu", "guizhou", "ningbo", "suzhou")
# Units behind with their plan: days from today the office extended them to.
EXTENDED = {"zhejiang": 10, "shenzhen": 10, "guangdong": 5}

TEXTS = {
    SectionKey.STATUS_QUO: (
        "{unit}已建成覆盖主要江河的水文监测站网，但感知手段单一、数据分散。\n\n"
        "主要问题：\n- 监测覆盖不足，山区小流域存在盲区\n"
        "- 业务系统各自建设，数据难以共享"
    ),
    SectionKey.BUSINESS_GOALS: "围绕先行先试任务，提升预报、预警、预演、预案能力。",
    SectionKey.FUNCTIONAL_NEEDS: (
        "1. 实时监测与告警\n2. 模型预报与情景预演\n3. 移动端协同"
    ),
    SectionKey.DATA_NEEDS: "整合水文、气象、工程运行等数据，统一数据标准与共享接口。",
    SectionKey.OBJECTIVES: "到实施期末，建成数字化平台并在全域推广应用。",
    SectionKey.CONTENT: "- 感知网络补短板\n- 数据底板建设\n- 业务应用开发",
    SectionKey.TECHNICAL: "采用物联网、大数据和人工智能技术，与业务流程深度融合。",
    SectionKey.SAFEGUARDS: (
        "成立领导小组，明确牵头部门、业务主管部门、实施部门和技术支撑部门；"
        "落实资金，加强人才队伍建设。"
    ),
    SectionKey.HIGHLIGHTS: "重点：数据共享；难点：模型精度；亮点：全域协同。",
}


def _person(name, post):
    return {
        "name": f"{name}（演示）",
        "post": post,
        "phone": "13800000000",
        "email": "demo@demo.invalid",
    }


def _fill(plan, *, complete=True):
    unit = plan.unit
    keys = list(SectionKey) if complete else [SectionKey.STATUS_QUO]
    for key in keys:
        PlanSection.objects.update_or_create(
            plan=plan,
            key=key,
            defaults={"text": TEXTS[key].format(unit=unit.short_name) + DEMO},
        )
    if not complete:
        return
    batch = plan.batch
    Contact.objects.create(
        plan=plan, role=Contact.Role.RESPONSIBLE, **_person("总体负责人", "副厅长")
    )
    Contact.objects.create(
        plan=plan, role=Contact.Role.CONTACT, **_person("总体联系人", "处长")
    )
    for n, task in enumerate(unit.tasks.all()):
        for role, post in (
            (Contact.Role.RESPONSIBLE, "处长"),
            (Contact.Role.CONTACT, "科长"),
        ):
            Contact.objects.create(
                plan=plan, task=task, role=role, **_person(f"任务{n + 1}", post)
            )
        start = batch.implementation_start + datetime.timedelta(days=30 * n)
        ScheduleItem.objects.create(
            plan=plan,
            task=task,
            title=f"{task.title}：需求调研与设计",
            start=start,
            end=start + datetime.timedelta(days=90),
        )
        ScheduleItem.objects.create(
            plan=plan,
            task=task,
            title=f"{task.title}：建设与试运行",
            start=start + datetime.timedelta(days=91),
            end=batch.implementation_end,
        )
        Deliverable.objects.create(
            plan=plan,
            task=task,
            title=f"{task.title}（演示成果）",
            kind=Deliverable.Kind.PRODUCT,
            due=batch.implementation_end,
        )


def _extend(batch, office):
    today = timezone.localdate()
    for slug, days in EXTENDED.items():
        unit = batch.units.filter(slug=slug).first()
        if unit is None:
            continue
        Extension.objects.get_or_create(
            batch=batch,
            unit=unit,
            kind=DeadlineKind.PLAN,
            defaults={
                "due": today + datetime.timedelta(days=days),
                "reason": "演示：延期",
                "granted_by": office,
            },
        )


def _backdate(plan, batch):
    """An approved demo plan was submitted before the deadline and approved soon
    after: the services stamp today, so move the history back (demo data only)."""
    submitted = (
        timezone.now()
        - (timezone.localdate() - batch.plan_due)
        - (datetime.timedelta(days=5))
    )
    approved = submitted + datetime.timedelta(days=30)
    PlanVersion.objects.filter(plan=plan).update(
        submitted_at=submitted, due=batch.plan_due, is_late=False, days_late=0
    )
    history_of(plan).filter(to_state=Status.SUBMITTED).update(at=submitted)
    history_of(plan).filter(to_state=Status.APPROVED).update(at=approved)
    Plan.objects.filter(pk=plan.pk).update(status_changed_at=approved)


def seed(batch, stdout):
    office = User.objects.get(username="office")
    department = User.objects.get(username="department")
    _extend(batch, office)
    plans = {}
    for slug in ("zhejiang", "shenzhen", "guangdong", *APPROVED):
        unit = batch.units.filter(slug=slug).first()
        if unit is None or Plan.objects.filter(batch=batch, unit=unit).exists():
            continue
        plans[slug] = Plan.objects.create(batch=batch, unit=unit, is_demo=True)
    for slug, plan in plans.items():
        member = User.objects.get(username=f"unit-{slug}")
        _fill(plan, complete=slug != "guangdong")
        if slug == "guangdong":
            continue
        services.submit_plan(plan=plan, expected=Status.DRAFT, user=member)
        if slug in APPROVED:
            services.approve_plan(
                plan=plan, expected=Status.SUBMITTED, user=office, comment="同意。"
            )
            _backdate(plan, batch)
        elif slug == "shenzhen":
            services.add_comment(
                plan=plan,
                section=SectionKey.TECHNICAL,
                body="技术路线需进一步细化，说明与业务的融合方式。" + DEMO,
                user=department,
            )
            services.return_plan(
                plan=plan,
                expected=Status.SUBMITTED,
                user=office,
                comment="请根据意见修改技术方案。" + DEMO,
            )
    stdout.write(f"Demo implementation plans: {len(plans)} created.")
