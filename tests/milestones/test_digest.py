"""The office's weekly digest: content for known data, once per ISO week, and a
real Celery worker over Redis delivering it by e-mail."""

import datetime
import time

import pytest
from django.core import mail
from django.utils import timezone, translation

from milestones import digest
from milestones.models import CheckKind, CheckMaterial, ProgressReport
from pilots.models import (
    Batch,
    DeadlineKind,
    Extension,
    Notification,
    OutboxEmail,
    PilotUnit,
    User,
)
from plans.models import Plan
from reviews.models import Assignment, Round, ScoreSheet, Submission
from tests.conftest import make_user
from tests.reviews.builders import expert

MONDAY = datetime.date(2020, 7, 20)  # ISO week 2020-W30


def batch():
    return Batch.objects.get(slug="2020")


def units(*slugs):
    return [PilotUnit.objects.get(slug=slug) for slug in slugs]


def programme(office):
    """Known data at MONDAY: every unit approved and reported for Q2 2020, except
    Fujian (no plan, no report: without an approved plan it owes no report),
    Guangdong (no report), Ningbo (plan returned, extended to 2020-07-31); a plan
    round open with one sheet missing for Zhejiang and all sheets in for Suzhou."""
    fujian, guangdong, ningbo, zhejiang, suzhou = units(
        "fujian", "guangdong", "ningbo", "zhejiang", "suzhou"
    )
    for unit in batch().units.exclude(pk=fujian.pk):
        status = "returned" if unit == ningbo else "approved"
        Plan.objects.create(batch=batch(), unit=unit, status=status)
        if unit != guangdong:
            ProgressReport.objects.create(
                batch=batch(),
                unit=unit,
                period_start=datetime.date(2020, 4, 1),
                period_end=datetime.date(2020, 6, 30),
                due=datetime.date(2020, 7, 10),
                status=ProgressReport.Status.SUBMITTED,
            )
    Extension.objects.create(
        batch=batch(),
        unit=ningbo,
        kind=DeadlineKind.PLAN,
        due=datetime.date(2020, 7, 31),
        granted_by=office,
    )
    round_ = Round.objects.create(
        batch=batch(),
        kind=Round.Kind.PLAN,
        title="方案评审",
        opens_on=datetime.date(2020, 7, 1),
        closes_on=datetime.date(2020, 7, 25),
        created_by=office,
    )
    scorer = expert("expert-digest")
    for unit, sheet in ((zhejiang, None), (suzhou, "submitted")):
        submission = Submission.objects.create(round=round_, unit=unit)
        assignment = Assignment.objects.create(
            submission=submission, expert=scorer, assigned_by=office
        )
        if sheet:
            ScoreSheet.objects.create(assignment=assignment, status=sheet)
    return round_


def test_digest_lists_the_units_outstanding_and_overdue(office_user, settings):
    settings.PORTAL_URL = "https://slxx.example.gov.cn"
    round_ = programme(office_user)
    suzhou_submission = Submission.objects.get(unit__slug="suzhou")
    assert digest.send_weekly_digest(today=MONDAY) == 1
    notification = Notification.objects.get(recipient=office_user)
    assert notification.title == "每周汇总（2020-W30）：各单位待办与逾期事项"
    assert notification.url == "/todo/"
    assert notification.dedupe_key == "digest:2020-W30"
    site = "https://slxx.example.gov.cn"
    assert notification.body == "\n".join(
        [
            "智慧水利先行先试（2020年）：截至2020-07-20（北京时间）的待办与逾期事项。",
            "",
            "汇总",
            "- 2个单位未提交实施方案，其中1个已逾期。",
            "- 1份进展报告逾期未交。",
            "- 0个单位未提交中期检查或验收材料。",
            "- 进行中的评审轮次缺1份评分表。",
            "- 1项评审决定待作出。",
            "",
            "按单位",
            "",
            "浙江省水利厅",
            "  - “方案评审”缺1份评分表，截止2020-07-25",
            f"    {site}/reviews/rounds/{round_.pk}/",
            "",
            "福建省水利厅 [有逾期]",
            "  - 实施方案未提交，逾期96天（截止2020-04-15）",
            f"    {site}/plans/fujian/",
            "",
            "广东省水利厅 [有逾期]",
            "  - 2020-04-01至2020-06-30的进展报告未提交，逾期10天（截止2020-07-10）",
            f"    {site}/progress/guangdong/periods/2020-04-01/",
            "",
            "宁波市水利局",
            "  - 实施方案已退回，尚未重新提交，截止2020-07-31",
            f"    {site}/plans/ningbo/",
            "",
            "苏州市水务局",
            "  - “方案评审”评分已全部提交，等待作出决定",
            f"    {site}/reviews/submissions/{suzhou_submission.pk}/decide/",
        ]
    )
    email = OutboxEmail.objects.get()
    assert email.to == office_user.email
    assert (
        email.subject == "[智慧水利先行先试] 每周汇总（2020-W30）：各单位待办与逾期事项"
    )
    assert notification.body in email.body
    assert f"{site}/todo/" in email.body


def test_digest_summary_reads_as_sentences_in_english(english_office_user):
    programme(english_office_user)
    digest.send_weekly_digest(today=MONDAY)
    body = Notification.objects.get(recipient=english_office_user).body
    summary = body.split("\n\n")[1].splitlines()
    assert summary == [
        "Summary",
        "- 2 units have not submitted their implementation plan; 1 of them is overdue.",
        "- 1 progress report is overdue.",
        "- 0 units have not submitted their mid-term or acceptance material.",
        "- 1 score sheet is missing in open rounds.",
        "- 1 review decision is waiting to be taken.",
    ]


@pytest.mark.parametrize(
    "total, overdue, chinese, english",
    [
        (
            1,
            1,
            "1个单位未提交实施方案，已逾期。",
            "1 unit has not submitted its implementation plan; it is overdue.",
        ),
        (
            3,
            3,
            "3个单位未提交实施方案，均已逾期。",
            "3 units have not submitted "
            "their implementation plan; all of them are overdue.",
        ),
        (
            3,
            0,
            "3个单位未提交实施方案。",
            "3 units have not submitted their implementation plan.",
        ),
    ],
)
def test_digest_summary_says_how_many_are_overdue_once(
    total, overdue, chinese, english
):
    with translation.override("zh-hans"):
        assert digest.summary_sentence("plans", total, overdue) == chinese
    with translation.override("en"):
        assert digest.summary_sentence("plans", total, overdue) == english
    # Every report counted is overdue: the sentence does not say it twice.
    with translation.override("zh-hans"):
        assert digest.summary_sentence("reports", 9, 9) == "9份进展报告逾期未交。"


def test_digest_counts_missing_material_once_the_window_opens(office_user):
    for unit in batch().units.all():
        Plan.objects.create(batch=batch(), unit=unit, status="approved")
    zhejiang, fujian = units("zhejiang", "fujian")
    CheckMaterial.objects.create(
        batch=batch(), unit=zhejiang, kind=CheckKind.MIDTERM, status="submitted"
    )
    CheckMaterial.objects.create(
        batch=batch(), unit=fujian, kind=CheckKind.MIDTERM, status="returned"
    )
    before = digest.outstanding(batch=batch(), today=datetime.date(2020, 11, 30))
    during = digest.outstanding(batch=batch(), today=datetime.date(2020, 12, 1))
    assert before.counts["materials"] == (0, 0)
    assert during.counts["materials"] == (10, 0)
    fujian_lines = [e for e in during.units if e.unit == fujian][0].lines
    assert "中期检查材料已退回，尚未重新提交" in [line.text for line in fujian_lines]
    assert zhejiang not in [
        e.unit for e in during.units if any("中期" in x.text for x in e.lines)
    ]


def test_digest_goes_to_active_office_users_only(office_user, unit_user):
    make_user("office-gone", User.Role.OFFICE, is_active=False)
    second = make_user("office-second", User.Role.OFFICE)
    assert digest.send_weekly_digest(today=MONDAY) == 2
    assert sorted(
        Notification.objects.values_list("recipient__username", flat=True)
    ) == [
        "office-persona",
        second.username,
    ]


def test_digest_twice_in_one_week_is_sent_once(office_user):
    assert digest.send_weekly_digest(today=MONDAY) == 1
    assert digest.send_weekly_digest(today=MONDAY + datetime.timedelta(days=3)) == 0
    assert Notification.objects.count() == 1
    assert OutboxEmail.objects.count() == 1


def test_digest_is_sent_again_the_next_week(office_user):
    digest.send_weekly_digest(today=MONDAY)
    assert digest.send_weekly_digest(today=MONDAY + datetime.timedelta(days=7)) == 1
    assert sorted(OutboxEmail.objects.values_list("dedupe_key", flat=True)) == [
        f"digest:2020-W30:{office_user.pk}",
        f"digest:2020-W31:{office_user.pk}",
    ]


def test_digest_week_follows_the_iso_calendar():
    # 2021-01-03 is a Sunday of ISO week 2020-W53.
    assert digest.week_key(datetime.date(2021, 1, 3)) == "digest:2020-W53"
    assert digest.week_key(datetime.date(2021, 1, 4)) == "digest:2021-W01"


@pytest.mark.parametrize("size", [1, 6])
def test_digest_query_count_is_constant(size, office_user, django_assert_num_queries):
    for unit in batch().units.all()[:size]:
        Plan.objects.create(batch=batch(), unit=unit, status="approved")
        CheckMaterial.objects.create(
            batch=batch(), unit=unit, kind=CheckKind.MIDTERM, status="returned"
        )
    the_batch = batch()
    # Units; plans, extensions, reporting schedule, reports, materials (the
    # outstanding module); score sheets; decisions.
    with django_assert_num_queries(8):
        result = digest.outstanding(batch=the_batch, today=datetime.date(2020, 12, 7))
    assert result.counts["plans"] == (11 - size, 11 - size)
    # Q2 and Q3 2020 overdue for each approved unit; its returned mid-term material.
    assert result.counts["reports"] == (2 * size, 2 * size)
    assert result.counts["materials"] == (size, 0)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_celery_worker_delivers_the_digest_by_email(celery_worker):
    from milestones.tasks import send_weekly_digest_task

    office = make_user("office-worker", User.Role.OFFICE)
    send_weekly_digest_task.delay()
    deadline = time.monotonic() + 20
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [message.to for message in mail.outbox] == [[office.email]]
    year, week, _day = timezone.localdate().isocalendar()
    assert mail.outbox[0].subject == (
        f"[智慧水利先行先试] 每周汇总（{year}-W{week:02d}）：各单位待办与逾期事项"
    )
    assert "按单位" in mail.outbox[0].body
    assert OutboxEmail.objects.get().status == OutboxEmail.Status.SENT


def test_digest_is_scheduled_on_monday_mornings_in_shanghai(settings):
    from portal.celery import app

    # What a worker does as it starts: import every app's tasks module. Without
    # it the test passed only after another test had imported milestones.tasks.
    app.loader.import_default_modules()
    entry = settings.CELERY_BEAT_SCHEDULE["weekly-digest"]
    assert entry["task"] == "milestones.send_weekly_digest"
    assert entry["task"] in app.tasks
    schedule = entry["schedule"]
    assert (schedule.hour, schedule.minute, schedule.day_of_week) == ({8}, {0}, {1})
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"
