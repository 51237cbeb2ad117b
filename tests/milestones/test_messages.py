"""Every follow-up message reaches each recipient in their own language, with a
full link under PORTAL_URL in the e-mail; a deactivated account hears nothing."""

import datetime
import zoneinfo

import time_machine

from milestones import achievements, checks, digest, programme, reminders
from milestones.models import (
    Achievement,
    AchievementKind,
    CheckKind,
    CheckMaterial,
    ReminderRule,
)
from milestones.progress import TaskInput, period_for, save_report, submit_report
from pilots.models import Batch, DeadlineKind, Extension, Notification, User
from reviews.models import Submission
from tests.conftest import make_user, told
from tests.milestones.checks_builders import (
    MIDTERM_DAY,
    approved_plan,
    check_round,
    ready_for_decision,
    submitted_material,
)

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
ZHEJIANG_EN = "Zhejiang Provincial Department of Water Resources"


def _both(chinese, english, kind):
    return told(chinese, kind), told(english, kind)


# ------------------------------------------------------------------ extensions


def _grant(zhejiang, office_user):
    return programme.grant_extension(
        batch=Batch.objects.current(),
        unit=zhejiang,
        kind=DeadlineKind.MIDTERM,
        due=datetime.date(2021, 7, 31),
        reason="汛期",
        user=office_user,
    )


def test_extension_granted_is_told_in_each_recipients_language(
    zhejiang, unit_user, english_unit_user, office_user, portal_url
):
    _grant(zhejiang, office_user)
    chinese, english = _both(unit_user, english_unit_user, "extension")
    assert chinese[:2] == (
        "您的“中期检查材料”截止日期已延期",
        "截止日期由2021-06-30延至2021-07-31，提醒按新日期发送。\n\n理由：汛期",
    )
    assert english[:2] == (
        "Your deadline for Mid-term check material was extended",
        "The due date moved from 2021-06-30 to 2021-07-31. The reminders follow "
        "the new date.\n\nReason: 汛期",
    )
    assert f"{portal_url}/timeline/" in chinese[3]
    assert f"Open in the portal: {portal_url}/timeline/" in english[3]


def test_extension_granted_skips_a_deactivated_unit_account(
    zhejiang, unit_user, office_user
):
    make_user("zhejiang-gone", User.Role.UNIT, unit=zhejiang, is_active=False)
    _grant(zhejiang, office_user)
    recipients = Notification.objects.values_list("recipient__username", flat=True)
    assert list(recipients) == ["zhejiang-member"]


def test_extension_removed_is_told_in_each_recipients_language(
    zhejiang, unit_user, english_unit_user, office_user, portal_url
):
    extension = Extension.objects.create(
        batch=Batch.objects.current(),
        unit=zhejiang,
        kind=DeadlineKind.ACCEPTANCE,
        due=datetime.date(2022, 1, 31),
        granted_by=office_user,
    )
    programme.remove_extension(extension=extension)
    chinese, english = _both(unit_user, english_unit_user, "extension_removed")
    assert chinese[:2] == (
        "您的“验收材料”延期已取消",
        "截止日期由2022-01-31恢复为统一日期2021-12-31，提醒按该日期发送。",
    )
    assert english[:2] == (
        "Your extension for Acceptance material was withdrawn",
        "The due date moved from 2022-01-31 back to the programme's date, "
        "2021-12-31. The reminders follow that date.",
    )
    assert f"{portal_url}/timeline/" in chinese[3]
    assert f"Open in the portal: {portal_url}/timeline/" in english[3]


# ------------------------------------------------------------------ progress


@time_machine.travel(datetime.datetime(2020, 8, 5, 10, tzinfo=SHANGHAI), tick=False)
def test_progress_submitted_is_told_in_each_recipients_language(
    zhejiang, unit_user, office_user, english_office_user, portal_url
):
    batch = Batch.objects.current()
    report = save_report(
        batch=batch,
        unit=zhejiang,
        period=period_for(batch, "2020-07-01"),
        user=unit_user,
        summary="草稿",
        tasks=[TaskInput(task=task, percent=30) for task in zhejiang.tasks.all()],
        items=[],
    )
    submit_report(report=report, user=unit_user)
    chinese, english = _both(office_user, english_office_user, "progress_submitted")
    link = f"{portal_url}/progress/zhejiang/periods/2020-07-01/"
    assert chinese[:2] == (
        "进展报告已提交：浙江省水利厅，2020-07-01 – 2020-09-30",
        "按时提交。",
    )
    assert english[:2] == (
        f"Progress report submitted: {ZHEJIANG_EN}, 2020-07-01 – 2020-09-30",
        "Submitted on time.",
    )
    assert link in chinese[3]
    assert f"Open in the portal: {link}" in english[3]


# ------------------------------------------------------------------ achievements


def _achievement(zhejiang, unit_user):
    return Achievement.objects.create(
        unit=zhejiang,
        task=zhejiang.tasks.order_by("order", "pk").first(),
        kind=AchievementKind.PRODUCT,
        title="水利一张图",
        description="全省统一的水利数据底座。",
        created_by=unit_user,
    )


def test_achievement_published_is_told_in_each_recipients_language(
    zhejiang, unit_user, english_unit_user, office_user, portal_url
):
    achievement = _achievement(zhejiang, unit_user)
    achievements.publish(achievement=achievement, user=office_user)
    chinese, english = _both(unit_user, english_unit_user, "achievement_published")
    link = f"{portal_url}/achievements/manage/{achievement.pk}/"
    assert chinese[:2] == (
        "您的成果“水利一张图”已发布",
        "网信办已在先行先试工作专栏发布该成果，其附件现在可公开下载。",
    )
    assert english[:2] == (
        "Your achievement “水利一张图” was published",
        "The programme office published it in the progress column; "
        "its files can now be downloaded by anyone.",
    )
    assert link in chinese[3]
    assert f"Open in the portal: {link}" in english[3]


def test_achievement_recommended_is_told_in_each_recipients_language(
    zhejiang, unit_user, english_unit_user, office_user, portal_url
):
    achievement = _achievement(zhejiang, unit_user)
    achievements.recommend(
        achievement=achievement, recommendation="可在全国推广。", user=office_user
    )
    chinese, english = _both(unit_user, english_unit_user, "achievement_recommended")
    link = f"{portal_url}/achievements/manage/{achievement.pk}/"
    assert chinese[:2] == (
        "您的成果“水利一张图”被推荐为可推广可复制成果",
        "网信办将其推荐为可推广可复制成果：可在全国推广。",
    )
    assert english[:2] == (
        "Your achievement “水利一张图” is recommended for promotion",
        "The programme office recommends it as a result that can be copied "
        "and promoted: 可在全国推广。",
    )
    assert link in chinese[3]
    assert f"Open in the portal: {link}" in english[3]


# ------------------------------------------------------------------ checks

CHECK_LINK = "/checks/midterm/zhejiang/"


@time_machine.travel(MIDTERM_DAY, tick=False)
def test_check_submitted_is_told_in_each_recipients_language(
    zhejiang, unit_user, office_user, english_office_user, portal_url
):
    plan = approved_plan(zhejiang, unit_user, office_user)
    submitted_material(zhejiang, unit_user, plan)
    chinese, english = _both(office_user, english_office_user, "check_submitted")
    assert chinese[:2] == (
        "浙江省水利厅提交了中期检查材料",
        "目前没有开放的评审轮次：轮次开放后请将其加入。",
    )
    assert english[:2] == (
        f"{ZHEJIANG_EN} submitted its Mid-term check material",
        "No review round is open: add it to a round when one opens.",
    )
    assert f"{portal_url}{CHECK_LINK}" in chinese[3]
    assert f"Open in the portal: {portal_url}{CHECK_LINK}" in english[3]


@time_machine.travel(MIDTERM_DAY, tick=False)
def test_check_decision_is_told_in_each_recipients_language(
    zhejiang, unit_user, english_unit_user, office_user, portal_url
):
    plan = approved_plan(zhejiang, unit_user, office_user)
    check_round(
        office_user,
        CheckKind.MIDTERM,
        datetime.date(2021, 2, 1),
        datetime.date(2021, 3, 31),
    )
    submitted_material(zhejiang, unit_user, plan)
    ready_for_decision(Submission.objects.get(), office_user, "测试：不等专家评分")
    checks.decide(
        submission=Submission.objects.get(),
        outcome="reject",
        opinion="进展严重滞后。",
        quorum_reason="测试：不等专家评分",
        user=office_user,
    )
    chinese, english = _both(unit_user, english_unit_user, "check_decision")
    assert chinese[:2] == (
        "中期检查：未通过",
        "网信办已对本单位的中期检查材料作出决定：不予采用。进展严重滞后。",
    )
    assert english[:2] == (
        "Mid-term check: Not passed",
        "The office decided on your Mid-term check material: Reject. 进展严重滞后。",
    )
    assert f"{portal_url}{CHECK_LINK}" in chinese[3]
    assert f"Open in the portal: {portal_url}{CHECK_LINK}" in english[3]


def test_check_plaque_is_told_in_each_recipients_language(
    zhejiang, unit_user, english_unit_user, office_user, portal_url
):
    batch = Batch.objects.current()
    CheckMaterial.objects.create(
        batch=batch,
        unit=zhejiang,
        kind=CheckKind.ACCEPTANCE,
        status=CheckMaterial.Status.PASSED,
    )
    checks.record_plaque(
        batch=batch,
        unit=zhejiang,
        awarded_on=datetime.date(2022, 3, 1),
        note="授牌仪式在北京举行。",
        user=office_user,
    )
    chinese, english = _both(unit_user, english_unit_user, "check_plaque")
    link = f"{portal_url}/checks/acceptance/zhejiang/"
    assert chinese[:2] == ("已于 2022-03-01 授牌", "授牌仪式在北京举行。")
    assert english[:2] == ("Plaque awarded on 2022-03-01", "授牌仪式在北京举行。")
    assert link in chinese[3]
    assert f"Open in the portal: {link}" in english[3]


# ------------------------------------------------------------------ digest, reminders


def test_weekly_digest_is_told_in_each_recipients_language(
    office_user, english_office_user, portal_url
):
    assert digest.send_weekly_digest(today=datetime.date(2020, 7, 20)) == 2
    chinese, english = _both(office_user, english_office_user, "digest.weekly")
    assert chinese[0] == "每周汇总（2020-W30）：各单位待办与逾期事项"
    assert chinese[1].startswith("智慧水利先行先试（2020年）：截至2020-07-20")
    assert f"{portal_url}/plans/fujian/" in chinese[1]
    assert english[0] == (
        "Weekly digest 2020-W30: what is outstanding across the units"
    )
    assert english[1].startswith(
        "Smart-water pilots (2020): outstanding and overdue on 2020-07-20"
    )
    assert f"{portal_url}/plans/fujian/" in english[1]
    assert f"{portal_url}/todo/" in chinese[3]
    assert f"Open in the portal: {portal_url}/todo/" in english[3]


def test_reminder_is_told_in_each_recipients_language(
    unit_user, english_unit_user, portal_url
):
    # The rule's words are the office's; what it puts in follows the reader.
    ReminderRule.objects.filter(kind=DeadlineKind.PLAN, days_before=7).update(
        subject="{{ unit }}：{{ deadline }}（{{ days }}）", body="{{ batch }}"
    )
    at = datetime.datetime(2020, 4, 8, 9, tzinfo=SHANGHAI)
    with time_machine.travel(at, tick=False):
        assert reminders.send_due_reminders() == 2
    chinese, english = _both(unit_user, english_unit_user, "reminder.plan_due")
    assert chinese[:2] == ("浙江省水利厅：实施方案（7）", "智慧水利先行先试（2020年）")
    assert english[:2] == (
        f"{ZHEJIANG_EN}：Implementation plan（7）",
        "Smart-water pilots (2020)",
    )
    assert f"{portal_url}/timeline/" in chinese[3]
    assert f"Open in the portal: {portal_url}/timeline/" in english[3]
