"""A national-scale synthetic programme (合成数据) for the command seed_scale.

Everything is written with `bulk_create`, a table at a time: no service runs per
row, so no notification, e-mail or per-row signal is sent (the page cache is
invalidated once at the end, the search index rebuilt once). The states are
written as the services would leave them, with the History rows the pages read.
What a row would look like after the services ran is the only rule here; where
the services have a home for a shape (a plan version's content) the builder
follows it and the tests compare.

Every unit, user and slug starts with SLUG_PREFIX; names say 合成 and the texts
end with MARK; every row whose model has `is_demo` has it set.
"""

import dataclasses
import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from milestones.achievements import State as AchievementState
from milestones.models import (
    Achievement,
    AchievementKind,
    CheckKind,
    CheckMaterial,
    ProgressReport,
    TaskProgress,
)
from milestones.progress import report_periods
from pilots import batches
from pilots.models import (
    Batch,
    BusinessDomain,
    Department,
    History,
    PilotUnit,
    Task,
    TechnologyDomain,
    User,
)
from plans import archive as plan_archive
from plans import services as plan_services
from plans.models import (
    Contact,
    Deliverable,
    Plan,
    PlanSection,
    PlanVersion,
    ScheduleItem,
    SectionKey,
    Status,
)
from reviews import services as review_services
from reviews.models import (
    Assignment,
    Decision,
    Round,
    Score,
    ScoreSheet,
    SheetStatus,
    Stage,
    StageRecord,
    Submission,
)

from . import cache, search_index
from .models import NewsPost, PublicMessage, PublicNotice

BATCH_SLUG = "scale"
SLUG_PREFIX = "scale-"
MARK = "（合成数据）"
TASKS_PER_UNIT = 10
EXPERTS_PER_SUBMISSION = 3
BATCH_SIZE = 2000
# Unusable: hashing thousands of real passwords would take most of the run, and
# nobody should sign in to a synthetic account anyway.
NO_PASSWORD = "!"  # noqa: S105

# The plan of the n-th unit is in PLAN_STATES[n % 10] (None: not started), so any
# 10 consecutive units cover every state: 40 % approved, 10 % each of the rest.
PLAN_STATES = [
    Status.APPROVED,
    Status.UNDER_REVIEW,
    Status.APPROVED,
    Status.SUBMITTED,
    Status.APPROVED,
    Status.RETURNED,
    Status.APPROVED,
    Status.DRAFT,
    Status.REJECTED,
    None,
]
# The states a plan went through on its way to its own, after draft.
PATHS = {
    Status.DRAFT: [],
    Status.SUBMITTED: [Status.SUBMITTED],
    Status.UNDER_REVIEW: [Status.SUBMITTED, Status.UNDER_REVIEW],
    Status.RETURNED: [Status.SUBMITTED, Status.RETURNED],
    Status.APPROVED: [Status.SUBMITTED, Status.UNDER_REVIEW, Status.APPROVED],
    Status.REJECTED: [Status.SUBMITTED, Status.UNDER_REVIEW, Status.REJECTED],
}
REVIEWED = (Status.UNDER_REVIEW, Status.APPROVED, Status.REJECTED)
DAY = datetime.timedelta(days=1)


@dataclasses.dataclass
class Programme:
    """What the builders hand on to one another."""

    batch: Batch
    office: User
    units: list = dataclasses.field(default_factory=list)
    tasks_of: dict = dataclasses.field(default_factory=dict)  # unit pk -> tasks
    members: dict = dataclasses.field(default_factory=dict)  # unit pk -> user
    departments: list = dataclasses.field(default_factory=list)
    experts: list = dataclasses.field(default_factory=list)
    plans: list = dataclasses.field(default_factory=list)
    latest_version: dict = dataclasses.field(default_factory=dict)  # plan pk -> v
    counts: dict = dataclasses.field(default_factory=dict)
    history: list = dataclasses.field(default_factory=list)

    def made(self, model, rows):
        rows = list(rows)
        label = model._meta.label
        self.counts[label] = self.counts.get(label, 0) + len(rows)
        return model.objects.bulk_create(rows, batch_size=BATCH_SIZE)

    def log(self, subject, from_state, to_state, at, by):
        self.history.append(
            History(
                content_type=ContentType.objects.get_for_model(subject),
                object_id=subject.pk,
                from_state=from_state,
                to_state=to_state,
                at=at,
                by=by,
            )
        )


def is_built():
    return Batch.objects.filter(slug=BATCH_SLUG).exists()


def build(*, units, dates):
    """Build the synthetic programme of `units` units in a new current batch
    with `dates` (the Batch date fields); returns {model label: rows made}."""
    programme = _batch(dates)
    _units(programme, units)
    _people(programme)
    _plans(programme)
    _review_round(programme)
    _progress(programme)
    _check_material(programme)
    _achievements(programme)
    _column(programme)
    programme.made(History, programme.history)
    # Plan.status_changed_at is set on insert: take it from the last history row.
    last_change = History.objects.filter(
        content_type=ContentType.objects.get_for_model(Plan),
        object_id=OuterRef("pk"),
    ).order_by("-at")
    Plan.objects.filter(batch=programme.batch, status__in=list(PATHS)).exclude(
        status=Status.DRAFT
    ).update(status_changed_at=Subquery(last_change.values("at")[:1]))
    # bulk_create sent no signal: the search index is built in bulk, once.
    programme.counts["column.SearchEntry"] = search_index.rebuild()
    # Hundreds of thousands of rows arrived by bulk_create, faster than
    # autovacuum samples them: without fresh statistics PostgreSQL plans as if
    # the tables were still small (hash joins over every task on the home page,
    # 20x slower office pages), so every copy built here is measured as a real
    # database would be. ANALYZE inside a transaction counts its own rows.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    # Once committed, no cached public page may still show the programme before.
    transaction.on_commit(cache.invalidate)
    return programme.counts


def _batch(dates):
    batch = Batch.objects.create(
        slug=BATCH_SLUG,
        name="全国规模合成批次" + MARK,
        name_en="National-scale synthetic batch (synthetic data)",
        is_demo=True,
        **dates,
    )
    batches.make_current(batch)
    office = User.objects.create(
        username=f"{SLUG_PREFIX}office",
        full_name="网信办" + MARK,
        email=f"{SLUG_PREFIX}office@scale.invalid",
        role=User.Role.OFFICE,
        password=NO_PASSWORD,
    )
    return Programme(
        batch=batch, office=office, counts={"pilots.Batch": 1, "pilots.User": 1}
    )


def _units(programme, count):
    levels = list(PilotUnit.Level)
    programme.units = programme.made(
        PilotUnit,
        (
            PilotUnit(
                slug=f"{SLUG_PREFIX}{n:04d}",
                name=f"合成单位{n:04d}",
                name_en=f"Synthetic unit {n:04d}",
                short_name=f"合成{n:04d}",
                short_name_en=f"Synthetic {n:04d}",
                level=levels[n % len(levels)],
                order=1000 + n,
            )
            for n in range(1, count + 1)
        ),
    )
    domains = list(BusinessDomain.objects.all())
    technologies = list(TechnologyDomain.objects.all())
    tasks = programme.made(
        Task,
        (
            Task(
                unit=unit,
                title=f"合成任务{unit.slug[-4:]}-{t + 1:02d}",
                business_domain=domains[(n + t) % len(domains)],
                description="示例任务" + MARK,
                evidence=Task.Evidence.ILLUSTRATION,
                order=t,
            )
            for n, unit in enumerate(programme.units)
            for t in range(TASKS_PER_UNIT)
        ),
    )
    for task in tasks:
        programme.tasks_of.setdefault(task.unit_id, []).append(task)
    programme.made(
        Task.technology_domains.through,
        (
            Task.technology_domains.through(
                task_id=task.pk, technologydomain_id=technologies[k].pk
            )
            for n, task in enumerate(tasks)
            for k in {n % len(technologies), (n + 3) % len(technologies)}
        ),
    )
    batch = programme.batch
    programme.made(
        Batch.units.through,
        (
            Batch.units.through(batch_id=batch.pk, pilotunit_id=unit.pk)
            for unit in programme.units
        ),
    )
    programme.made(
        Batch.tasks.through,
        (Batch.tasks.through(batch_id=batch.pk, task_id=task.pk) for task in tasks),
    )


def _user(username, full_name, **fields):
    return User(
        username=username,
        full_name=full_name,
        email=f"{username}@scale.invalid",
        password=NO_PASSWORD,
        **fields,
    )


def _people(programme):
    """One member per unit, one member per department, one expert per 20 units
    (at least six); every tenth expert is tied to a unit it never reviews."""
    members = programme.made(
        User,
        (
            _user(
                f"{unit.slug}-member",
                f"{unit.short_name}联络员" + MARK,
                role=User.Role.UNIT,
                unit=unit,
            )
            for unit in programme.units
        ),
    )
    programme.members = {member.unit_id: member for member in members}
    programme.departments = programme.made(
        User,
        (
            _user(
                f"{SLUG_PREFIX}dept-{department.slug}",
                department.name + MARK,
                role=User.Role.DEPARTMENT,
                department=department,
            )
            for department in Department.objects.all()
        ),
    )
    units = programme.units
    expertise = list(User.Expertise)
    programme.experts = programme.made(
        User,
        (
            _user(
                f"{SLUG_PREFIX}expert-{k:03d}",
                f"合成专家{k:03d}" + MARK,
                role=User.Role.EXPERT,
                expertise=expertise[k % 2],
                affiliation=units[(k * 7) % len(units)] if k % 10 == 0 else None,
            )
            for k in range(1, max(6, len(units) // 20) + 1)
        ),
    )


def _plans(programme):
    batch = programme.batch
    with_plan = [
        (n, unit)
        for n, unit in enumerate(programme.units)
        if PLAN_STATES[n % len(PLAN_STATES)] is not None
    ]
    programme.plans = programme.made(
        Plan,
        (
            Plan(batch=batch, unit=unit, status=PLAN_STATES[n % 10], is_demo=True)
            for n, unit in with_plan
        ),
    )
    unit_of = {unit.pk: unit for unit in programme.units}
    for plan in programme.plans:
        plan.unit = unit_of[plan.unit_id]
    programme.made(
        PlanSection,
        (
            PlanSection(plan=plan, key=key, text=_section_text(key, plan.unit))
            for plan in programme.plans
            for key in SectionKey
        ),
    )
    rows = {
        plan.pk: _plan_rows(plan, programme.tasks_of[plan.unit_id], batch)
        for plan in programme.plans
    }
    for model, name in (
        (Contact, "contacts"),
        (ScheduleItem, "schedule"),
        (Deliverable, "deliverables"),
    ):
        programme.made(
            model, (row for plan_rows in rows.values() for row in plan_rows[name])
        )
    _versions(programme, rows)


def _section_text(key, unit):
    return f"{unit.short_name}实施方案：{SectionKey(key).label}。" + MARK


def _person(name, post, n):
    return {
        "name": name + MARK,
        "post": post,
        "phone": f"1380000{n % 10000:04d}",
        "email": f"contact{n:05d}@scale.invalid",
    }


def _plan_rows(plan, tasks, batch):
    """The contacts, schedule items and deliverables of a complete plan."""
    n = plan.unit.order
    contacts = [
        Contact(
            plan=plan,
            role=Contact.Role.RESPONSIBLE,
            **_person("总体负责人", "副厅长", n),
        ),
        Contact(
            plan=plan, role=Contact.Role.CONTACT, **_person("总体联系人", "处长", n)
        ),
    ]
    schedule, deliverables = [], []
    for t, task in enumerate(tasks):
        contacts += [
            Contact(
                plan=plan,
                task=task,
                role=role,
                **_person(f"任务{t + 1}{label}", post, n),
            )
            for role, label, post in (
                (Contact.Role.RESPONSIBLE, "负责人", "处长"),
                (Contact.Role.CONTACT, "联系人", "科长"),
            )
        ]
        start = batch.implementation_start + 30 * t * DAY
        schedule += [
            ScheduleItem(
                plan=plan,
                task=task,
                title=f"{task.title}：需求调研与设计",
                start=start,
                end=start + 90 * DAY,
            ),
            ScheduleItem(
                plan=plan,
                task=task,
                title=f"{task.title}：建设与试运行",
                start=start + 91 * DAY,
                end=batch.implementation_end,
            ),
        ]
        deliverables.append(
            Deliverable(
                plan=plan,
                task=task,
                title=f"{task.title}成果" + MARK,
                kind=list(Deliverable.Kind)[t % len(Deliverable.Kind)],
                due=batch.implementation_end,
            )
        )
    return {"contacts": contacts, "schedule": schedule, "deliverables": deliverables}


def _content(plan, tasks, rows, batch):
    """A version's content, made by the same function as a real submission's."""
    return plan_services.content_of(
        unit=plan.unit,
        batch=batch,
        texts={key.value: _section_text(key, plan.unit) for key in SectionKey},
        tasks=tasks,
        contacts=rows["contacts"],
        schedule=rows["schedule"],
        deliverables=rows["deliverables"],
    )


def _at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _versions(programme, rows):
    """Version 1 five days before the deadline; every other reviewed plan was
    returned once and resubmitted 20 days late as version 2. History rows for
    every step, the office deciding, the unit's member submitting."""
    batch, office = programme.batch, programme.office
    versions = []
    for index, plan in enumerate(programme.plans):
        path = PATHS[Status(plan.status)]
        if not path:
            continue
        member = programme.members[plan.unit_id]
        tasks = programme.tasks_of[plan.unit_id]
        content = _content(plan, tasks, rows[plan.pk], batch)
        content_hash = plan_archive.content_sha256(content)
        at = _at(batch.plan_due - 5 * DAY)
        submissions = [(at, 0)]
        programme.log(plan, Status.DRAFT, Status.SUBMITTED, at, member)
        previous = Status.SUBMITTED
        if plan.status in REVIEWED and index % 2:
            programme.log(
                plan, Status.SUBMITTED, Status.RETURNED, at + 10 * DAY, office
            )
            at = _at(batch.plan_due + 20 * DAY)
            programme.log(plan, Status.RETURNED, Status.SUBMITTED, at, member)
            submissions.append((at, 20))
        for step, state in enumerate(path[1:], start=1):
            moment = at + (3 if step == 1 else 30) * DAY
            programme.log(plan, previous, state, moment, office)
            previous = state
        versions += [
            PlanVersion(
                plan=plan,
                number=number,
                content=content,
                content_sha256=content_hash,
                submitted_at=submitted_at,
                submitted_by=member,
                due=batch.plan_due,
                is_late=late > 0,
                days_late=late,
            )
            for number, (submitted_at, late) in enumerate(submissions, start=1)
        ]
    for version in programme.made(PlanVersion, versions):
        programme.latest_version[version.plan_id] = version


def _review_round(programme):
    """The plan-review round: every plan under review or decided is before it,
    passed 初审 and 预审, with three experts each; decided plans have every sheet
    submitted and the office's decision, plans under review one sheet a draft."""
    batch, office = programme.batch, programme.office
    today = timezone.localdate()
    round_ = review_services.create_round(
        user=office,
        batch=batch,
        kind=Round.Kind.PLAN,
        title="实施方案专家评审" + MARK,
        opens_on=today - 3 * DAY,
        closes_on=today + 14 * DAY,
        method=Round.Method.MEAN,
        is_demo=True,
    )
    criteria = list(round_.criteria.all())
    programme.counts["reviews.Round"] = 1
    programme.counts["reviews.Criterion"] = len(criteria)
    reviewed = [plan for plan in programme.plans if plan.status in REVIEWED]
    submissions = programme.made(
        Submission,
        (
            Submission(
                round=round_,
                unit_id=plan.unit_id,
                plan_version=programme.latest_version[plan.pk],
            )
            for plan in reviewed
        ),
    )
    department = programme.departments[0] if programme.departments else office
    programme.made(
        StageRecord,
        (
            StageRecord(
                plan=plan,
                version=programme.latest_version[plan.pk],
                stage=stage,
                outcome=outcome,
                comments=comments + MARK,
                by=by,
            )
            for plan in reviewed
            for stage, outcome, comments, by in (
                (Stage.PRELIMINARY, StageRecord.Outcome.PASS, "材料齐全。", office),
                (
                    Stage.PRE_REVIEW,
                    StageRecord.Outcome.RECOMMEND,
                    "建议提交专家评审。",
                    department,
                ),
            )
        ),
    )
    assignments = programme.made(
        Assignment,
        (
            Assignment(submission=submission, expert=expert, assigned_by=office)
            for n, submission in enumerate(submissions)
            for expert in _experts_for(programme.experts, submission.unit_id, n)
        ),
    )
    status_of = {
        submission.pk: plan.status
        for submission, plan in zip(submissions, reviewed, strict=True)
    }
    now = timezone.now()
    sheets = programme.made(
        ScoreSheet,
        (
            ScoreSheet(
                assignment=assignment,
                status=SheetStatus.SUBMITTED if submitted else SheetStatus.DRAFT,
                comments="目标明确，建议细化数据共享机制。" + MARK,
                submitted_at=now if submitted else None,
            )
            for n, assignment in enumerate(assignments)
            for submitted in [
                status_of[assignment.submission_id] != Status.UNDER_REVIEW
                or n % EXPERTS_PER_SUBMISSION != EXPERTS_PER_SUBMISSION - 1
            ]
        ),
    )
    programme.made(
        Score,
        (
            Score(sheet=sheet, criterion=criterion, value=6 + (n + c) % 5)
            for n, sheet in enumerate(sheets)
            for c, criterion in enumerate(criteria)
        ),
    )
    outcomes = {
        Status.APPROVED: Decision.Outcome.APPROVE,
        Status.REJECTED: Decision.Outcome.REJECT,
    }
    decided = [s for s in submissions if status_of[s.pk] in outcomes]
    decisions = programme.made(
        Decision,
        (
            Decision(
                submission=submission,
                outcome=outcomes[status_of[submission.pk]],
                opinion="按专家组意见作出决定。" + MARK,
                by=office,
            )
            for submission in decided
        ),
    )
    for decision in decisions:
        programme.log(decision.submission, "", decision.outcome, now, office)


def _experts_for(experts, unit_id, n):
    """EXPERTS_PER_SUBMISSION experts in turn from the n-th, never one tied to
    the unit."""
    chosen, k = [], n * EXPERTS_PER_SUBMISSION
    while len(chosen) < EXPERTS_PER_SUBMISSION:
        expert = experts[k % len(experts)]
        if expert.affiliation_id != unit_id and expert not in chosen:
            chosen.append(expert)
        k += 1
    return chosen


def _approved(programme):
    return [plan for plan in programme.plans if plan.status == Status.APPROVED]


def _progress(programme):
    """Units with an approved plan report every period begun: past periods
    submitted two days early (every seventh unit left its last one overdue), the
    current period a draft; each report with every task's progress."""
    batch = programme.batch
    today = timezone.localdate()
    periods = [p for p in report_periods(batch) if p.start <= today]
    reports = []
    for index, plan in enumerate(_approved(programme)):
        member = programme.members[plan.unit_id]
        past = [p for p in periods if p.due < today]
        for number, period in enumerate(periods, start=1):
            is_past = period in past
            if index % 7 == 0 and past and period == past[-1]:
                continue
            reports.append(
                ProgressReport(
                    batch=batch,
                    unit_id=plan.unit_id,
                    period_start=period.start,
                    period_end=period.end,
                    due=period.due,
                    status=(
                        ProgressReport.Status.SUBMITTED
                        if is_past
                        else ProgressReport.Status.DRAFT
                    ),
                    summary=f"第{number}期工作总体按计划推进。" + MARK,
                    submitted_at=_at(period.due - 2 * DAY) if is_past else None,
                    submitted_by=member if is_past else None,
                    is_demo=True,
                )
            )
    reports = programme.made(ProgressReport, reports)
    steps = len(periods) + 3
    number_of = {p.start: n for n, p in enumerate(periods, start=1)}
    programme.made(
        TaskProgress,
        (
            TaskProgress(
                report=report,
                task=task,
                percent=min(100, round(100 * number_of[report.period_start] / steps)),
                done=f"完成{task.title}阶段工作。" + MARK,
                next_steps="推进系统联调和试运行。" + MARK,
            )
            for report in reports
            for task in programme.tasks_of[report.unit_id]
        ),
    )
    for report in reports:
        if report.status == ProgressReport.Status.SUBMITTED:
            programme.log(
                report,
                ProgressReport.Status.DRAFT,
                ProgressReport.Status.SUBMITTED,
                report.submitted_at,
                report.submitted_by,
            )


def _check_material(programme):
    """Mid-term material of the units with an approved plan: a third submitted,
    the rest drafts."""
    now = timezone.now()
    materials = programme.made(
        CheckMaterial,
        (
            CheckMaterial(
                batch=programme.batch,
                unit_id=plan.unit_id,
                kind=CheckKind.MIDTERM,
                status=(
                    CheckMaterial.Status.SUBMITTED
                    if n % 3 == 0
                    else CheckMaterial.Status.DRAFT
                ),
                self_assessment="按批准的实施方案推进，阶段目标基本实现。" + MARK,
                goals_met="需求调研与设计全部完成。" + MARK,
                submitted_at=now if n % 3 == 0 else None,
                submitted_by=programme.members[plan.unit_id] if n % 3 == 0 else None,
                is_demo=True,
            )
            for n, plan in enumerate(_approved(programme))
        ),
    )
    for material in materials:
        if material.status == CheckMaterial.Status.SUBMITTED:
            programme.log(
                material,
                CheckMaterial.Status.DRAFT,
                CheckMaterial.Status.SUBMITTED,
                now,
                material.submitted_by,
            )


def _achievements(programme):
    """One achievement per unit with an approved plan, kinds in turn: a third
    recommended for promotion, a third published, a third the unit's draft."""
    now, office = timezone.now(), programme.office
    kinds = list(AchievementKind)
    states = [
        AchievementState.RECOMMENDED,
        AchievementState.PUBLISHED,
        AchievementState.DRAFT,
    ]
    rows = []
    for n, plan in enumerate(_approved(programme)):
        state = states[n % 3]
        task = programme.tasks_of[plan.unit_id][0]
        rows.append(
            Achievement(
                unit_id=plan.unit_id,
                task=task,
                kind=kinds[n % len(kinds)],
                title=f"{task.title}成果" + MARK,
                description="可复制可推广的做法。" + MARK,
                published_at=None if state == AchievementState.DRAFT else now,
                recommended=state == AchievementState.RECOMMENDED,
                recommended_at=now if state == AchievementState.RECOMMENDED else None,
                recommendation=(
                    "适合在其他单位推广。" + MARK
                    if state == AchievementState.RECOMMENDED
                    else ""
                ),
                created_by=programme.members[plan.unit_id],
                is_demo=True,
            )
        )
    for achievement in programme.made(Achievement, rows):
        if achievement.published_at is None:
            continue
        programme.log(
            achievement,
            AchievementState.DRAFT,
            AchievementState.PUBLISHED,
            now,
            office,
        )
        if achievement.recommended:
            programme.log(
                achievement,
                AchievementState.PUBLISHED,
                AchievementState.RECOMMENDED,
                now,
                office,
            )


def _column(programme):
    """News (one post per ten units, at least a dozen, one a day into the past,
    the last a draft), three published notices, public messages (one per ten
    units, at least twenty) in every state."""
    units, office = programme.units, programme.office
    now = timezone.now()
    today = timezone.localdate()
    count = max(12, len(units) // 10)
    categories = list(NewsPost.Category)
    posts = programme.made(
        NewsPost,
        (
            NewsPost(
                title=f"{units[n % len(units)].short_name}先行先试工作进展{n + 1}"
                + MARK,
                slug=f"{SLUG_PREFIX}news-{n + 1:04d}",
                summary="合成单位推进先行先试任务。" + MARK,
                body="本文为合成数据，用于检验门户在全国规模下的表现。" + MARK,
                category=categories[n % len(categories)],
                publish_at=None if n == count - 1 else now - (n + 1) * DAY,
                created_by=office,
                is_demo=True,
            )
            for n in range(count)
        ),
    )
    programme.made(
        NewsPost.units.through,
        (
            NewsPost.units.through(
                newspost_id=post.pk, pilotunit_id=units[n % len(units)].pk
            )
            for n, post in enumerate(posts)
        ),
    )
    notices = programme.made(
        PublicNotice,
        (
            PublicNotice(
                title=f"先行先试中期检查结果公示（第{n + 1}批）" + MARK,
                body="公示期内如有异议，可通过留言提出。" + MARK,
                starts_on=today - (5 + 10 * n) * DAY,
                ends_on=today + (5 - 10 * n) * DAY if n else today + 5 * DAY,
                published=True,
                created_by=office,
                is_demo=True,
            )
            for n in range(3)
        ),
    )
    programme.made(
        PublicNotice.units.through,
        (
            PublicNotice.units.through(publicnotice_id=notice.pk, pilotunit_id=unit.pk)
            for n, notice in enumerate(notices)
            for unit in units[n * 10 : n * 10 + 10]
        ),
    )
    statuses = list(PublicMessage.Status)
    kinds = [PublicMessage.Kind.SUGGESTION, PublicMessage.Kind.QUESTION]
    programme.made(
        PublicMessage,
        (
            PublicMessage(
                kind=kinds[n % 2],
                unit=units[n % len(units)],
                name=f"公众{n + 1}",
                email=f"public{n + 1:05d}@scale.invalid",
                subject=f"关于先行先试工作的建议{n + 1}" + MARK,
                body="建议在专栏中公开更多进展。" + MARK,
                status=status,
                answer=""
                if status == PublicMessage.Status.PENDING
                else "感谢您的建议。" + MARK,
                answered_at=None if status == PublicMessage.Status.PENDING else now,
                answered_by=None if status == PublicMessage.Status.PENDING else office,
                is_demo=True,
            )
            for n in range(max(20, len(units) // 10))
            for status in [statuses[n % len(statuses)]]
        ),
    )
