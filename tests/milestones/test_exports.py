"""The office's exports (XLSX and CSV) and the department's limited version.

Each is asked for with a POST and built by the Celery task; here the task's body
runs in the test's process (tests/milestones/test_export_jobs.py runs the real
worker), then the status page and the download are read as the office would.
"""

import csv
import datetime
import io

import pytest
from django.urls import resolve, reverse
from django.utils import timezone
from openpyxl import load_workbook

from milestones.models import Achievement
from milestones.tasks import build_export_task
from pilots.models import ExportJob
from plans.models import Status
from tests.conftest import client_for
from tests.milestones.test_dashboard import (  # noqa: F401 (fixtures)
    Q2,
    Q3,
    at,
    batch,
    frozen,
    plan,
    report,
    scored_round,
    task,
)

STAGES_HEADER = (
    "单位",
    "任务",
    "业务领域",
    "方案状态",
    "方案首次提交日期",
    "逾期天数",
    "应交报告数",
    "按时提交报告数",
    "逾期提交报告数",
    "逾期未交报告数",
    "最新完成百分比",
    "中期检查",
    "验收",
    "任务通过验收",
    "授牌日期",
)


@pytest.fixture(autouse=True)
def _files_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def requested(client, user, url):
    """POST the export's button, run the build task's body: the ready job."""
    response = client_for(client, user).post(url)
    assert response.status_code == 302
    job = ExportJob.objects.get(pk=resolve(response.url).kwargs["pk"])
    assert response.url == reverse("pilots:export_status", args=[job.pk])
    build_export_task(job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.READY, job.error
    return job


def export(client, user, what, fmt, prefix="office"):
    """The downloaded file of an export asked for on the dashboard."""
    url = reverse(f"milestones:{prefix}_export", args=[what, fmt])
    job = requested(client, user, url)
    page = client.get(reverse("pilots:export_status", args=[job.pk]))
    assert "已完成" in page.content.decode()
    response = client.get(reverse("pilots:export_download", args=[job.pk]))
    assert response.status_code == 200
    response.body = b"".join(response.streaming_content)
    return response


def sheet_of(response):
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return load_workbook(io.BytesIO(response.body)).active


def csv_rows(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.body.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs
    return list(csv.reader(io.StringIO(response.body.decode("utf-8-sig"))))


@pytest.fixture
def progress(request, office_user, zhejiang):
    """Zhejiang: plan approved; Q2 on time, Q3 three days late."""
    request.getfixturevalue("frozen")
    plan(zhejiang, office_user, status=Status.APPROVED)
    flood = task("zhejiang", "山洪灾害监测预警平台")
    works = task("zhejiang", "水利工程运行管理数字化平台")
    text = {"done": "完成设计", "problems": "经费紧张", "next_steps": "开展试点"}
    report(zhejiang, office_user, Q2, percents={flood: 20, works: 10}, **text)
    report(zhejiang, office_user, Q3, late=3, percents={flood: 45, works: 30}, **text)
    return flood, works


# ------------------------------------------------------------------ stages


def test_stages_xlsx_has_chinese_headers_dates_and_the_units_rows(
    client, office_user, progress
):
    response = export(client, office_user, "stages", "xlsx")
    assert 'filename="stages-office-2020-10-20.xlsx"' in response["Content-Disposition"]
    sheet = sheet_of(response)
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == STAGES_HEADER
    assert len(rows) == 1 + 15  # the 15 tasks of the 11 units
    zhejiang = [row for row in rows if row[0] == "浙江省水利厅"]
    submitted = datetime.datetime(2020, 4, 10)
    common = ("已通过", submitted, 0, 2, 1, 1, 0)
    checks = ("截止 2021-06-30", "截止 2021-12-31", None, None)
    assert zhejiang == [
        ("浙江省水利厅", "山洪灾害监测预警平台", "水灾害", *common, 45, *checks),
        ("浙江省水利厅", "水利工程运行管理数字化平台", "水工程", *common, 30, *checks),
        ("浙江省水利厅", "农村水电站管理数字化平台", "水工程", *common, None, *checks),
        (
            "浙江省水利厅",
            "城乡清洁供水数字化管理系统",
            "水资源",
            *common,
            None,
            *checks,
        ),
    ]
    fujian = next(row for row in rows if row[0] == "福建省水利厅")
    # Without an approved plan Fujian owes no report: none overdue.
    assert fujian[3:11] == ("未开始", None, None, 2, 0, 0, 0, None)
    # The date is a real date cell, the header frozen and filtered, columns readable.
    cell = sheet.cell(row=rows.index(zhejiang[0]) + 1, column=5)
    assert cell.is_date
    assert cell.number_format == "yyyy-mm-dd"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:O{len(rows)}"
    assert sheet.column_dimensions["B"].width >= 28  # 13 Chinese characters
    assert sheet.column_dimensions["A"].width < sheet.column_dimensions["B"].width


def test_stages_csv_has_the_same_rows(client, office_user, progress):
    rows = csv_rows(export(client, office_user, "stages", "csv"))
    assert tuple(rows[0]) == STAGES_HEADER
    assert len(rows) == 16
    assert rows[rows.index(next(r for r in rows if r[0] == "浙江省水利厅"))] == [
        "浙江省水利厅",
        "山洪灾害监测预警平台",
        "水灾害",
        "已通过",
        "2020-04-10",
        "0",
        "2",
        "1",
        "1",
        "0",
        "45",
        "截止 2021-06-30",
        "截止 2021-12-31",
        "",
        "",
    ]


# ------------------------------------------------------------------ reports

REPORTS_HEADER = (
    "单位",
    "报告期起",
    "报告期止",
    "截止日期",
    "提交时间",
    "逾期提交",
    "逾期天数",
    "任务",
    "完成百分比",
    "完成工作",
    "存在问题",
    "下一步计划",
)


def test_reports_xlsx_lists_each_task_of_each_submitted_report(
    client, office_user, progress, zhejiang
):
    # A draft is not exported.
    report(
        zhejiang,
        office_user,
        (datetime.date(2020, 10, 1), datetime.date(2020, 12, 31), Q3[2]),
        percents={progress[0]: 90},
        status="draft",
    )
    rows = list(
        sheet_of(export(client, office_user, "reports", "xlsx")).iter_rows(
            values_only=True
        )
    )
    assert rows[0] == REPORTS_HEADER
    text = ("完成设计", "经费紧张", "开展试点")
    q2 = (
        "浙江省水利厅",
        datetime.datetime(2020, 4, 1),
        datetime.datetime(2020, 6, 30),
        datetime.datetime(2020, 7, 10),
        datetime.datetime(2020, 7, 9, 10, 0),
        "否",
        0,
    )
    q3 = (
        "浙江省水利厅",
        datetime.datetime(2020, 7, 1),
        datetime.datetime(2020, 9, 30),
        datetime.datetime(2020, 10, 10),
        datetime.datetime(2020, 10, 12, 10, 0),
        "是",
        3,
    )
    assert rows[1:] == [
        (*q2, "山洪灾害监测预警平台", 20, *text),
        (*q2, "水利工程运行管理数字化平台", 10, *text),
        (*q3, "山洪灾害监测预警平台", 45, *text),
        (*q3, "水利工程运行管理数字化平台", 30, *text),
    ]


def test_reports_csv_writes_dates_as_iso(client, office_user, progress):
    rows = csv_rows(export(client, office_user, "reports", "csv"))
    assert rows[1][:9] == [
        "浙江省水利厅",
        "2020-04-01",
        "2020-06-30",
        "2020-07-10",
        "2020-07-09 10:00",
        "否",
        "0",
        "山洪灾害监测预警平台",
        "20",
    ]


# ------------------------------------------------------------------ scores


@pytest.mark.usefixtures("scored_round")
def test_scores_xlsx_has_one_row_per_expert_and_criterion(client, office_user):
    rows = list(
        sheet_of(export(client, office_user, "scores", "xlsx")).iter_rows(
            values_only=True
        )
    )
    assert rows[0] == (
        "评审轮次",
        "类型",
        "单位",
        "专家",
        "评分表提交时间",
        "指标",
        "权重",
        "满分",
        "分数",
        "专家加权总分",
        "综合得分",
    )
    submitted = datetime.datetime(2020, 10, 20, 10, 0)
    assert rows[1:] == [
        ("方案评审", "方案评审", "浙江省水利厅", "expert-0", submitted, "目标清晰")
        + (1, 100, 90, 90, 70),
        ("方案评审", "方案评审", "浙江省水利厅", "expert-1", submitted, "目标清晰")
        + (1, 100, 50, 50, 70),
        ("方案评审", "方案评审", "福建省水利厅", "expert-0", submitted, "目标清晰")
        + (1, 100, 80, 80, 80),
    ]


# ------------------------------------------------------------------ achievements


@pytest.fixture
def achievements(request, office_user, zhejiang):
    request.getfixturevalue("frozen")
    flood = task("zhejiang", "山洪灾害监测预警平台")
    works = task("zhejiang", "水利工程运行管理数字化平台")
    now = timezone.now()
    Achievement.objects.create(
        unit=zhejiang,
        task=works,
        kind="product",
        title="工程运行管理平台",
        description="覆盖全省大中型水库",
        published_at=now,
        recommended=True,
        recommended_at=now,
        created_by=office_user,
    )
    Achievement.objects.create(
        unit=zhejiang,
        task=flood,
        kind="scheme",
        title="山洪预警方案",
        description="预警到村到户",
        created_by=office_user,
    )


def test_achievements_xlsx(client, office_user, achievements):
    rows = list(
        sheet_of(export(client, office_user, "achievements", "xlsx")).iter_rows(
            values_only=True
        )
    )
    now = datetime.datetime(2020, 10, 20, 10, 0)
    assert rows == [
        (
            "单位",
            "任务",
            "类型",
            "标题",
            "简介",
            "登记时间",
            "发布时间",
            "推荐推广",
            "推荐时间",
        ),
        (
            "浙江省水利厅",
            "山洪灾害监测预警平台",
            "方案",
            "山洪预警方案",
            "预警到村到户",
            now,
            None,
            "否",
            None,
        ),
        (
            "浙江省水利厅",
            "水利工程运行管理数字化平台",
            "产品",
            "工程运行管理平台",
            "覆盖全省大中型水库",
            now,
            now,
            "是",
            now,
        ),
    ]


# ------------------------------------------------------------------ department


@pytest.mark.usefixtures("progress", "achievements", "scored_round")
def test_department_exports_only_its_domains_tasks(client, department_user):
    def rows(what):
        response = export(client, department_user, what, "csv", prefix="department")
        return csv_rows(response)[1:]

    assert [(r[0], r[1]) for r in rows("stages")] == [
        ("浙江省水利厅", "水利工程运行管理数字化平台"),
        ("浙江省水利厅", "农村水电站管理数字化平台"),
        ("广东省水利厅", "水利工程智慧运行管理"),
        ("深圳市水务局", "水库智慧监管"),
    ]
    assert {r[7] for r in rows("reports")} == {"水利工程运行管理数字化平台"}
    assert [r[3] for r in rows("achievements")] == ["工程运行管理平台"]
    # Fujian has no 水工程 task: its scores stay out.
    assert {r[2] for r in rows("scores")} == {"浙江省水利厅"}


# ------------------------------------------------------------------ permissions


@pytest.mark.parametrize("prefix", ["office", "department"])
def test_exports_send_anonymous_to_login(client, db, prefix):
    url = reverse(f"milestones:{prefix}_export", args=["stages", "xlsx"])
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize(
    "persona, allowed",
    [
        ("office_user", "office"),
        ("department_user", "department"),
        ("unit_user", None),
        ("expert_user", None),
    ],
)
def test_exports_admit_only_their_role(client, db, request, persona, allowed):
    client_for(client, request.getfixturevalue(persona))
    for prefix in ("office", "department"):
        for what in ("stages", "scores", "reports", "achievements"):
            url = reverse(f"milestones:{prefix}_export", args=[what, "csv"])
            # GET: the page with the button, which writes nothing.
            expected = 200 if prefix == allowed else 403
            assert client.get(url).status_code == expected, url
            expected = 302 if prefix == allowed else 403
            assert client.post(url).status_code == expected, url
    assert ExportJob.objects.count() == (4 if allowed else 0)


@pytest.mark.parametrize("what, fmt", [("contacts", "xlsx"), ("stages", "pdf")])
def test_unknown_export_is_404(client, office_user, what, fmt):
    url = reverse("milestones:office_export", args=[what, fmt])
    assert client_for(client, office_user).get(url).status_code == 404


@pytest.mark.usefixtures("frozen")
@pytest.mark.parametrize("prefix", ["office", "department"])
def test_the_dashboard_asks_for_each_export_with_a_button(client, db, request, prefix):
    user = request.getfixturevalue(f"{prefix}_user")
    page = client_for(client, user).get(reverse(f"milestones:{prefix}_home"))
    html = page.content.decode()
    for what in ("stages", "scores", "reports", "achievements"):
        for fmt in ("xlsx", "csv"):
            url = reverse(f"milestones:{prefix}_export", args=[what, fmt])
            assert f'<form class="d-inline" method="post" action="{url}">' in html
            assert f'href="{url}"' not in html
    assert not ExportJob.objects.exists()
