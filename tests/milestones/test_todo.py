"""我的待办: each role's items, due dates and overdue marking in Asia/Shanghai,
links, order, privacy between units, and a constant number of queries."""

import datetime
import re
import zoneinfo
from html.parser import HTMLParser

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from column.models import PublicMessage
from column.public_messages import moderation_items
from milestones import progress, todo
from milestones.models import (
    Achievement,
    AchievementKind,
    CheckKind,
    CheckMaterial,
    ProgressReport,
)
from pilots.models import Batch, DeadlineKind, Extension, PilotUnit
from plans.models import Plan, PlanComment, PlanVersion
from reviews.models import Assignment, ScoreSheet, Stage, StageRecord, Submission
from tests.conftest import client_for
from tests.reviews.builders import expert, plan_round

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# The current batch of the programme data (2020): plans due 2020-04-15; quarterly
# reports from 2020-04-01, the first due 2020-07-10; the mid-term window
# 2020-12-01 – 2021-06-30; acceptance material from 2021-07-01, due 2021-12-31.


def on(year, month, day, hour=10, minute=0):
    moment = datetime.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)
    return time_machine.travel(moment, tick=False)


def batch():
    return Batch.objects.get(slug="2020")


class _Rows(HTMLParser):
    """The to-do table's rows as lists of cell texts; links as (text, href)."""

    def __init__(self):
        super().__init__()
        self.rows, self.links, self._cell, self._href = [], [], None, None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag == "td":
            self._cell = ""
        elif tag == "a" and self._cell is not None:
            self._href = dict(attrs)["href"]

    def handle_endtag(self, tag):
        if tag == "td":
            self.rows[-1].append(" ".join(self._cell.split()))
            self._cell = None
        elif tag == "a" and self._href is not None:
            self.links.append(self._href)
            self._href = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def todo_page(client, user):
    response = client_for(client, user).get("/todo/")
    assert response.status_code == 200
    html = response.content.decode()
    parser = _Rows()
    table = re.search(r'<table[^>]*id="todo-items".*?</table>', html, re.S)
    parser.feed(table.group(0) if table else "")
    return html, [row for row in parser.rows if row], parser.links


def plan(unit, status, **fields):
    return Plan.objects.create(batch=batch(), unit=unit, status=status, **fields)


def comment(on_plan, author, answer=""):
    return PlanComment.objects.create(
        plan=on_plan, section="status_quo", author=author, body="请补充", answer=answer
    )


# ------------------------------------------------------------------ access


def test_todo_needs_login(client, db):
    response = client.get("/todo/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/todo/"


def test_todo_count_is_in_the_page_title(client, unit_user):
    with on(2020, 4, 10):
        html, rows, _links = todo_page(client, unit_user)
    assert "<title>我的待办 (1) · " in html
    assert '<span class="badge text-bg-secondary" id="todo-count">1</span>' in html
    assert len(rows) == 1


def test_todo_for_nothing_to_do_says_so(client, expert_user):
    with on(2020, 4, 10):
        html, rows, _links = todo_page(client, expert_user)
    assert rows == []
    assert "<title>我的待办 (0) · " in html
    assert "暂无待办事项。" in html


# ------------------------------------------------------------------ unit members


def test_unit_member_sees_the_plan_to_submit_with_days_left(client, unit_user):
    with on(2020, 4, 10):
        _html, rows, links = todo_page(client, unit_user)
    assert rows == [["完成并提交实施方案", "浙江省水利厅", "2020-04-15", "还有5天"]]
    assert links == ["/plans/mine/"]


def test_plan_due_today_until_midnight_in_shanghai(client, unit_user):
    # 23:59 on 15 April in Shanghai is still the due day (15:59 UTC).
    with on(2020, 4, 15, 23, 59):
        _html, rows, _links = todo_page(client, unit_user)
    assert rows[0][2:] == ["2020-04-15", "今天截止"]
    with on(2020, 4, 16, 0, 1):
        html, rows, _links = todo_page(client, unit_user)
    assert rows[0][2:] == ["2020-04-15", "逾期1天"]
    assert '<tr class="table-danger">' in html
    assert "1项已逾期。" in html


def test_extension_moves_the_plan_due_date(client, unit_user, office_user):
    Extension.objects.create(
        batch=batch(),
        unit=unit_user.unit,
        kind=DeadlineKind.PLAN,
        due=datetime.date(2020, 4, 30),
        granted_by=office_user,
    )
    with on(2020, 4, 20):
        _html, rows, _links = todo_page(client, unit_user)
    assert rows == [["完成并提交实施方案", "浙江省水利厅", "2020-04-30", "还有10天"]]


def test_returned_plan_is_to_revise(client, unit_user):
    plan(unit_user.unit, "returned")
    with on(2020, 4, 20):
        _html, rows, links = todo_page(client, unit_user)
    assert rows == [["修改并重新提交实施方案", "浙江省水利厅", "2020-04-15", "逾期5天"]]
    assert links == ["/plans/zhejiang/"]


@pytest.mark.parametrize("status", ["submitted", "under_review", "approved"])
def test_submitted_plan_is_not_to_do(client, unit_user, status):
    plan(unit_user.unit, status)
    with on(2020, 4, 20):
        _html, rows, _links = todo_page(client, unit_user)
    assert rows == []


def test_unanswered_reviewer_comments_are_to_answer(client, unit_user, office_user):
    submitted = plan(unit_user.unit, "under_review")
    comment(submitted, office_user)
    comment(submitted, office_user)
    comment(submitted, office_user, answer="已补充")
    comment(submitted, unit_user)  # the unit's own note is not waiting for it
    with on(2020, 4, 20):
        _html, rows, links = todo_page(client, unit_user)
    assert rows == [["答复实施方案的2条意见", "浙江省水利厅", "—", ""]]
    assert links == ["/plans/zhejiang/#comments"]


def test_another_units_plan_never_shows(
    client, unit_user, other_unit_user, office_user
):
    fujian_plan = plan(other_unit_user.unit, "returned")
    comment(fujian_plan, office_user)
    plan(unit_user.unit, "approved")
    with on(2020, 4, 20):
        html, rows, _links = todo_page(client, unit_user)
        _other_html, other_rows, _l = todo_page(client, other_unit_user)
    assert rows == []
    assert "福建" not in html
    assert [row[0] for row in other_rows] == [
        "修改并重新提交实施方案",
        "答复实施方案的1条意见",
    ]


def test_progress_report_due_shows_two_weeks_ahead(client, unit_user):
    plan(unit_user.unit, "approved")
    with on(2020, 6, 25):  # due 2020-07-10: 15 days ahead, not yet
        _html, rows, _links = todo_page(client, unit_user)
    assert rows == []
    with on(2020, 6, 26):
        _html, rows, links = todo_page(client, unit_user)
    assert rows == [
        [
            "提交2020-04-01至2020-06-30的进展报告",
            "浙江省水利厅",
            "2020-07-10",
            "还有14天",
        ]
    ]
    assert links == ["/progress/zhejiang/periods/2020-04-01/"]


def test_overdue_report_until_submitted(client, unit_user):
    plan(unit_user.unit, "approved")
    with on(2020, 7, 11):
        _html, rows, _links = todo_page(client, unit_user)
    assert rows == [
        [
            "提交2020-04-01至2020-06-30的进展报告",
            "浙江省水利厅",
            "2020-07-10",
            "逾期1天",
        ]
    ]
    ProgressReport.objects.create(
        batch=batch(),
        unit=unit_user.unit,
        period_start=datetime.date(2020, 4, 1),
        period_end=datetime.date(2020, 6, 30),
        due=datetime.date(2020, 7, 10),
        status=ProgressReport.Status.SUBMITTED,
    )
    with on(2020, 7, 11):
        _html, rows, _links = todo_page(client, unit_user)
    assert rows == []


def test_midterm_material_to_submit_once_the_window_opens(client, unit_user):
    plan(unit_user.unit, "approved")
    ProgressReport.objects.bulk_create(
        ProgressReport(
            batch=batch(),
            unit=unit_user.unit,
            period_start=p.start,
            period_end=p.end,
            due=p.due,
            status=ProgressReport.Status.SUBMITTED,
        )
        for p in progress.report_periods(batch())
    )
    with on(2020, 11, 30):
        _html, rows, _links = todo_page(client, unit_user)
    assert rows == []
    with on(2020, 12, 1):
        _html, rows, links = todo_page(client, unit_user)
    assert rows == [["提交中期检查材料", "浙江省水利厅", "2021-06-30", "还有211天"]]
    assert links == ["/checks/midterm/zhejiang/"]
    CheckMaterial.objects.create(
        batch=batch(), unit=unit_user.unit, kind=CheckKind.MIDTERM, status="returned"
    )
    with on(2021, 7, 2):
        _html, rows, _links = todo_page(client, unit_user)
    assert rows == [
        ["修改并重新提交被退回的中期检查材料", "浙江省水利厅", "2021-06-30", "逾期2天"],
        ["提交验收材料", "浙江省水利厅", "2021-12-31", "还有182天"],
    ]


# ------------------------------------------------------------------ experts


def _assigned(expert_user, office, unit, round_=None):
    round_ = round_ or plan_round(office)
    submission = Submission.objects.create(
        round=round_, unit=unit, material_title="实施方案"
    )
    return Assignment.objects.create(
        submission=submission, expert=expert_user, assigned_by=office
    )


def test_expert_sees_unscored_assignments_in_open_rounds(
    client, expert_user, unassigned_expert_user, office_user, zhejiang, fujian
):
    with on(2020, 5, 1):
        round_ = plan_round(office_user)  # 2020-04-30 – 2020-05-11
        open_one = _assigned(expert_user, office_user, zhejiang, round_)
        done = _assigned(expert_user, office_user, fujian, round_)
        ScoreSheet.objects.create(assignment=done, status="submitted")
        _html, rows, links = todo_page(client, expert_user)
        _html, other_rows, _links = todo_page(client, unassigned_expert_user)
    assert rows == [
        ["为浙江省水利厅评分（方案评审）", "浙江省水利厅", "2020-05-11", "还有10天"]
    ]
    assert links == [f"/reviews/assignments/{open_one.pk}/"]
    assert other_rows == []
    with on(2020, 5, 12):  # the round has closed
        _html, rows, _links = todo_page(client, expert_user)
    assert rows == []


# ------------------------------------------------------------------ office


def test_office_sees_what_waits_for_it(
    client, office_user, expert_user, unit_user, zhejiang, fujian
):
    with on(2020, 4, 20):
        plan(fujian, "submitted")
        plan(zhejiang, "under_review")
        decided = _assigned(expert_user, office_user, zhejiang)
        ScoreSheet.objects.create(
            assignment=decided, status="submitted", submitted_at=timezone.now()
        )
        _assigned(expert_user, office_user, fujian)  # still being scored
        CheckMaterial.objects.create(
            batch=batch(),
            unit=zhejiang,
            kind=CheckKind.MIDTERM,
            status="submitted",
            submitted_at=timezone.now(),
        )
        achievement = Achievement.objects.create(
            unit=zhejiang,
            task=zhejiang.tasks.first(),
            kind=AchievementKind.PRODUCT,
            title="运管平台",
            description="平台",
            created_by=unit_user,
        )
        for n in range(2):
            PublicMessage.objects.create(
                name="王", email="w@example.test", subject=f"建议{n}", body="好"
            )
        _html, rows, links = todo_page(client, office_user)
    assert sorted(rows) == sorted(
        [
            ["初审福建省水利厅的实施方案", "福建省水利厅", "—", "自2020-04-20起等待"],
            [
                "对浙江省水利厅作出评审决定（方案评审）：评分已全部提交",
                "浙江省水利厅",
                "—",
                "自2020-04-20起等待",
            ],
            [
                "浙江省水利厅已提交中期检查材料，等待审核",
                "浙江省水利厅",
                "—",
                "自2020-04-20起等待",
            ],
            [
                "浙江省水利厅的成果“运管平台”等待发布",
                "浙江省水利厅",
                "—",
                "自2020-04-20起等待",
            ],
            ["2条公众留言等待审核", "—", "—", "自2020-04-20起等待"],
        ]
    )
    assert sorted(links) == sorted(
        [
            "/reviews/stages/fujian/",
            f"/reviews/submissions/{decided.submission_id}/decide/",
            "/checks/midterm/zhejiang/",
            f"/achievements/manage/{achievement.pk}/",
            "/office/messages/",
        ]
    )


def test_office_achievements_of_its_own_are_not_waiting(office_user, zhejiang):
    Achievement.objects.create(
        unit=zhejiang,
        task=zhejiang.tasks.first(),
        kind=AchievementKind.PRODUCT,
        title="网信办录入",
        description="平台",
        created_by=office_user,
    )
    assert todo.todo_items(office_user) == []


# ------------------------------------------------------------------ departments


def _version(of_plan, user, number=1):
    return PlanVersion.objects.create(
        plan=of_plan,
        number=number,
        content={},
        submitted_at=timezone.now(),
        submitted_by=user,
        due=datetime.date(2020, 4, 15),
    )


def test_department_sees_plans_waiting_for_its_pre_review(
    client, department_user, unit_user, other_unit_user, office_user
):
    zhejiang_plan = plan(unit_user.unit, "under_review")
    _version(zhejiang_plan, unit_user)
    plan(other_unit_user.unit, "under_review")  # Fujian: not supervised
    guangdong = PilotUnit.objects.get(slug="guangdong")
    plan(guangdong, "submitted")  # 初审 not passed yet
    with on(2020, 4, 20):
        _html, rows, links = todo_page(client, department_user)
    assert rows == [
        ["预审浙江省水利厅的实施方案（第1版）", "浙江省水利厅", "—", rows[0][3]]
    ]
    assert links == ["/reviews/stages/zhejiang/"]
    StageRecord.objects.create(
        plan=zhejiang_plan,
        version=zhejiang_plan.versions.get(),
        stage=Stage.PRE_REVIEW,
        outcome="recommend",
        by=department_user,
    )
    assert todo.todo_items(department_user) == []
    _version(zhejiang_plan, unit_user, number=2)  # resubmitted: pre-review again
    assert [i.title for i in todo.todo_items(department_user)] == [
        "预审浙江省水利厅的实施方案（第2版）"
    ]


# ------------------------------------------------------------------ order, count


def test_items_overdue_first_then_by_due_date():
    today = datetime.date(2020, 5, 1)
    items = [
        todo.Item("a", "undated", "/", None, today=today),
        todo.Item("b", "later", "/", datetime.date(2020, 6, 1), today=today),
        todo.Item("c", "overdue long", "/", datetime.date(2020, 4, 1), today=today),
        todo.Item("d", "soon", "/", datetime.date(2020, 5, 2), today=today),
        todo.Item("e", "overdue", "/", datetime.date(2020, 4, 30), today=today),
    ]
    ordered = sorted(items, key=lambda item: item.sort_key)
    assert [i.title for i in ordered] == [
        "overdue long",
        "overdue",
        "soon",
        "later",
        "undated",
    ]


def test_todo_count_matches_the_items(unit_user, office_user):
    submitted = plan(unit_user.unit, "returned")
    comment(submitted, office_user)
    with on(2020, 4, 20):
        assert todo.todo_count(unit_user) == 2
        assert todo.todo_count(AnonymousUser()) == 0


# ------------------------------------------------------------------ queries


def _unit_rows(size, unit_user, office_user):
    the_plan = plan(unit_user.unit, "approved")
    for _n in range(size):
        comment(the_plan, office_user)
    ProgressReport.objects.bulk_create(
        ProgressReport(
            batch=batch(),
            unit=unit_user.unit,
            period_start=p.start,
            period_end=p.end,
            due=p.due,
            status=ProgressReport.Status.SUBMITTED,
        )
        for p in progress.report_periods(batch())[:size]
    )
    if size > 1:
        CheckMaterial.objects.create(
            batch=batch(),
            unit=unit_user.unit,
            kind=CheckKind.MIDTERM,
            status="returned",
        )


@pytest.mark.parametrize("size", [1, 4])
def test_unit_todo_query_count_is_constant(
    size, unit_user, office_user, django_assert_num_queries
):
    _unit_rows(size, unit_user, office_user)
    # The batch, the unit in it, the outstanding module's plans, extensions,
    # reporting schedule, reports and materials, the plan's comments, the
    # notices waiting for an answer.
    with on(2021, 7, 2):
        with django_assert_num_queries(9):
            items = todo.todo_items(unit_user)
    # The plan's comments, 5 reports overdue less those submitted, the mid-term
    # material (overdue to submit or returned to revise), the acceptance material.
    assert len(items) == 1 + (5 - size) + 2


@pytest.mark.parametrize("size", [1, 4])
def test_expert_todo_query_count_is_constant(
    size, expert_user, office_user, django_assert_num_queries
):
    units = list(PilotUnit.objects.all()[:size])
    with on(2020, 5, 1):
        round_ = plan_round(office_user)
        for unit in units:
            _assigned(expert_user, office_user, unit, round_)
        with django_assert_num_queries(2):
            assert len(todo.todo_items(expert_user)) == size


@pytest.mark.parametrize("size", [1, 4])
def test_office_todo_query_count_is_constant(
    size, office_user, unit_user, django_assert_num_queries
):
    units = list(PilotUnit.objects.all()[:size])
    other = expert("expert-q")
    with on(2020, 4, 20):
        round_ = plan_round(office_user)
        for unit in units:
            plan(unit, "submitted")
            a = _assigned(other, office_user, unit, round_)
            ScoreSheet.objects.create(assignment=a, status="submitted")
            CheckMaterial.objects.create(
                batch=batch(), unit=unit, kind=CheckKind.MIDTERM, status="submitted"
            )
            Achievement.objects.create(
                unit=unit,
                task=unit.tasks.first(),
                kind=AchievementKind.METHOD,
                title="方法",
                description="d",
                created_by=unit_user,
            )
            PublicMessage.objects.create(
                name="王", email="w@example.test", subject="s", body="b"
            )
        with django_assert_num_queries(6):
            items = todo.todo_items(office_user) + moderation_items(
                office_user, today=timezone.localdate()
            )
            assert len(items) == 4 * size + 1


@pytest.mark.parametrize("slugs", [["zhejiang"], ["zhejiang", "guangdong"]])
def test_department_todo_query_count_is_constant(
    slugs, department_user, unit_user, django_assert_num_queries
):
    for slug in slugs:
        _version(plan(PilotUnit.objects.get(slug=slug), "under_review"), unit_user)
    with django_assert_num_queries(2):
        assert len(todo.todo_items(department_user)) == len(slugs)


def test_todo_page_query_count_is_constant(client, office_user, unit_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client_for(client, office_user)
    counts = []
    for size in (1, 3):
        Plan.objects.all().delete()
        for unit in PilotUnit.objects.all()[:size]:
            plan(unit, "submitted")
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/todo/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
