import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from plans.gantt import GanttRow, GanttScale, gantt_svg, month_starts
from tests.conftest import client_for
from tests.plans.builders import complete_plan, current_plan
from tests.svg import SVG, accessible_name, svgs

D = datetime.date


def parse(svg):
    return ET.fromstring(svg)  # noqa: S314 (our own output)


def bars(root):
    return root.iter(f"{SVG}rect")


def test_gantt_bars_span_their_dates_one_pixel_per_day():
    rows = [
        GanttRow("任务甲", "二月", D(2021, 2, 1), D(2021, 2, 28)),
        GanttRow("任务甲", "全年", D(2021, 1, 1), D(2021, 12, 31)),
        GanttRow("任务乙", "一天", D(2021, 7, 4), D(2021, 7, 4)),
    ]
    root = parse(
        gantt_svg(
            rows, D(2021, 1, 1), D(2021, 12, 31), label_width=100, chart_width=365
        )
    )
    spans = [(b.get("data-name"), b.get("x"), b.get("width")) for b in bars(root)]
    assert spans == [
        ("二月", "131", "28"),
        ("全年", "100", "365"),
        ("一天", "284", "1"),  # 4 July is day 185 of 2021
    ]


def test_gantt_bars_are_clipped_to_the_window():
    rows = [GanttRow("任务", "早开始", D(2019, 1, 1), D(2020, 4, 10))]
    root = parse(
        gantt_svg(rows, D(2020, 4, 1), D(2020, 4, 30), label_width=0, chart_width=30)
    )
    (bar,) = bars(root)
    assert (bar.get("x"), bar.get("width")) == ("0", "10")


def test_gantt_scale_fractional_positions():
    scale = GanttScale(D(2020, 4, 1), D(2021, 12, 31), left=190, chart_width=480)
    assert scale.days == 640
    assert scale.x(D(2020, 4, 1)) == 190
    assert scale.x(D(2022, 1, 1)) == 670
    assert scale.span(D(2020, 4, 1), D(2020, 4, 30)) == (190, 30 * 480 / 640)


def test_gantt_has_one_tick_per_month_of_the_window():
    root = parse(gantt_svg([], D(2020, 4, 1), D(2021, 12, 31)))
    ticks = [line for line in root.iter(f"{SVG}line") if line.get("class") == "tick"]
    months = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "month"]
    years = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "year"]
    assert len(ticks) == 21
    assert months == [str(m) for m in range(4, 13)] + [str(m) for m in range(1, 13)]
    assert years == ["2020年", "2021年"]


def test_month_starts_of_a_window_inside_one_month():
    assert month_starts(D(2021, 2, 10), D(2021, 2, 20)) == [D(2021, 2, 1)]


def test_gantt_labels_are_escaped():
    name = '<script>alert("x")</script>&'
    rows = [GanttRow("<b>任务</b>", name, D(2021, 1, 1), D(2021, 1, 31))]
    svg = gantt_svg(rows, D(2021, 1, 1), D(2021, 12, 31), label_chars=40)
    assert "<script>" not in svg
    assert "<b>" not in svg
    root = parse(svg)
    texts = {t.get("class"): t.text for t in root.iter(f"{SVG}text")}
    assert texts["task"] == "<b>任务</b>"
    assert texts["label"] == name
    (bar,) = bars(root)
    assert bar.get("data-name") == name


def test_gantt_groups_rows_by_task_in_first_seen_order():
    rows = [
        GanttRow("乙", "乙一", D(2021, 1, 1), D(2021, 1, 2)),
        GanttRow("甲", "甲一", D(2021, 1, 1), D(2021, 1, 2)),
        GanttRow("乙", "乙二", D(2021, 1, 1), D(2021, 1, 2)),
    ]
    root = parse(gantt_svg(rows, D(2021, 1, 1), D(2021, 12, 31)))
    lines = [
        t.text for t in root.iter(f"{SVG}text") if t.get("class") in ("task", "label")
    ]
    assert lines == ["乙", "乙一", "乙二", "甲", "甲一"]


def test_gantt_clips_long_labels():
    rows = [GanttRow("任务", "很" * 20, D(2021, 1, 1), D(2021, 1, 2))]
    root = parse(gantt_svg(rows, D(2021, 1, 1), D(2021, 12, 31), label_chars=6))
    labels = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "label"]
    assert labels == ["很很很很很…"]


def test_gantt_rejects_a_window_ending_before_it_starts():
    with pytest.raises(ValueError):
        gantt_svg([], D(2021, 1, 2), D(2021, 1, 1))


def test_gantt_is_an_image_named_by_its_title_and_description():
    rows = [GanttRow("任务", "工作", D(2021, 1, 1), D(2021, 1, 2))]
    svg = gantt_svg(
        rows,
        D(2021, 1, 1),
        D(2021, 12, 31),
        title="Plan <A>",
        description="One item.",
        chart_id="g1",
    )
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "g1-title g1-desc"
    title, desc = list(root)[:2]
    assert (title.tag, title.get("id"), title.text) == (
        f"{SVG}title",
        "g1-title",
        "Plan <A>",
    )
    assert (desc.tag, desc.get("id"), desc.text) == (
        f"{SVG}desc",
        "g1-desc",
        "One item.",
    )
    assert accessible_name(root) == "Plan <A> One item."


def test_gantt_of_the_pdf_is_named_in_chinese():
    root = parse(gantt_svg([], D(2021, 1, 1), D(2021, 12, 31)))
    assert accessible_name(root) == "进度计划横道图"
    assert root.find(f"{SVG}desc") is None


# ---- on the plan page


def plan_page(client, user, language=None):
    client_for(client, user)
    if language:
        client.cookies["django_language"] = language
    return client.get(reverse("plans:detail", args=["zhejiang"])).content.decode()


def test_plan_page_shows_the_schedule_as_a_gantt_beside_its_table(
    client, zhejiang, unit_user
):
    plan = complete_plan(current_plan(zhejiang), items_per_task=2)
    tasks = list(zhejiang.tasks.order_by("order", "pk"))
    page = plan_page(client, unit_user)
    (gantt,) = svgs(page, "gantt")
    task_lines = [t.text for t in gantt.iter(f"{SVG}text") if t.get("class") == "task"]
    assert task_lines == [task.title for task in tasks]
    assert [bar.get("data-name") for bar in bars(gantt)] == ["工作0", "工作1"] * len(
        tasks
    )
    assert accessible_name(gantt) == (
        "进度计划横道图，2020-04-01 至 2021-12-31 "
        f"工作项 {2 * len(tasks)} 项，任务 {len(tasks)} 项。"
        "图旁的进度计划表列出每项工作的起止日期。"
    )
    # The table gives the same items, after the chart, in the same section.
    section = page[page.index('id="section-schedule"') :]
    assert section.index('class="gantt"') < section.index('id="plan-schedule-table"')
    assert section.count("<td>工作0</td>") == len(tasks)
    assert plan.schedule.count() == 2 * len(tasks)


def test_plan_page_gantt_speaks_english(client, zhejiang, unit_user):
    complete_plan(current_plan(zhejiang))
    (gantt,) = svgs(plan_page(client, unit_user, language="en"), "gantt")
    assert accessible_name(gantt).startswith(
        "Gantt chart of the schedule, 2020-04-01 to 2021-12-31 Work items: "
    )
    years = [t.text for t in gantt.iter(f"{SVG}text") if t.get("class") == "year"]
    assert years == ["2020", "2021"]
    # Task lines take the tasks' English titles (clipped like every label).
    first = next(t.text for t in gantt.iter(f"{SVG}text") if t.get("class") == "task")
    assert first == "Flash-flood mon…"


def test_plan_page_without_schedule_items_draws_no_gantt(client, zhejiang, unit_user):
    current_plan(zhejiang)
    page = plan_page(client, unit_user)
    assert svgs(page, "gantt") == []
    assert "尚无进度事项。" in page


def test_plan_page_gantt_of_a_department_holds_its_tasks_only(
    client, zhejiang, department_user
):
    complete_plan(current_plan(zhejiang))
    page = plan_page(client, department_user)
    (gantt,) = svgs(page, "gantt")
    assert len(list(bars(gantt))) == 2 < zhejiang.tasks.count()


def test_a_year_too_close_to_the_windows_end_is_not_cut_off():
    # The window ends on 2028-01-06: January 2028 has a tick but no room for "2028年".
    root = parse(gantt_svg([], D(2026, 4, 1), D(2028, 1, 6)))
    years = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "year"]
    assert years == ["2026年", "2027年"]
