"""A second batch: the office makes it (from scratch or by copying the 2020
batch), switches to it in one step, and a unit outside it has nothing in it."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse

from milestones import reminders
from pilots import batches
from pilots.models import Batch, Notification, PilotUnit, Task
from plans.models import Plan
from tests.column.programme_builders import grow_programme
from tests.conftest import client_for
from tests.rows import changed_tables, row_counts

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
DATES = [
    "launch_date",
    "plan_due",
    "implementation_start",
    "implementation_end",
    "midterm_start",
    "midterm_end",
    "acceptance_due",
    "promotion_from",
]


def _first():
    return Batch.objects.get(slug="2020")


def _second(units=("zhejiang",)):
    """A copy of the 2020 batch launched on 2023-03-01, with `units`."""
    chosen = list(PilotUnit.objects.filter(slug__in=units))
    return batches.copy_batch(
        source=_first(),
        launch_date=datetime.date(2023, 3, 1),
        units=chosen,
        tasks=Task.objects.filter(unit__in=chosen),
        name="智慧水利先行先试（第二批）",
        name_en="Smart-water pilots (second batch)",
        slug="second",
    )


def _messages(response):
    return [str(m) for m in response.context["messages"]]


# ------------------------------------------------------------------ making one


def test_office_copies_a_batch_with_its_dates_shifted_and_units_chosen(
    client, office_user, zhejiang, fujian
):
    client_for(client, office_user)
    fujian_task = fujian.tasks.first()
    response = client.post(
        reverse("milestones:batch_copy", args=["2020"]),
        {
            "name": "第二批",
            "name_en": "Second batch",
            "slug": "second",
            "launch_date": "2023-03-01",
            # The source's provinces, with their tasks.
            "level": "province",
        },
        follow=True,
    )
    second = Batch.objects.get(slug="second")
    provinces = set(_first().units.filter(level="province"))
    assert set(second.units.all()) == provinces and zhejiang in provinces
    assert set(second.tasks.all()) == set(Task.objects.filter(unit__in=provinces))
    # Then, on its units page: Fujian leaves; a task of a unit left out does
    # not come along.
    page = reverse("milestones:batch_members", args=["second"]) + "?q=%E7%9C%81"
    listed = client.get(page).context["rows"]
    assert {zhejiang, fujian} <= {row["unit"] for row in listed}
    saved = client.post(
        page,
        {
            "listed": [zhejiang.pk, fujian.pk],
            "units": [zhejiang.pk],
            "tasks": [*zhejiang.tasks.values_list("pk", flat=True), fujian_task.pk],
        },
    )
    assert saved.status_code == 302 and saved["Location"] == page
    assert set(second.units.all()) == provinces - {fujian}
    assert fujian_task not in second.tasks.all()
    assert set(zhejiang.tasks.all()) <= set(second.tasks.all())
    assert response.redirect_chain[-1][0] == reverse(
        "milestones:batch_edit", args=["second"]
    )
    # Three years later to the day: every date three years later, the ends of
    # months still ends of months.
    assert [getattr(second, name) for name in DATES] == [
        datetime.date(2023, 3, 1),
        datetime.date(2023, 4, 15),
        datetime.date(2023, 4, 1),
        datetime.date(2024, 12, 31),
        datetime.date(2023, 12, 1),
        datetime.date(2024, 6, 30),
        datetime.date(2024, 12, 31),
        datetime.date(2025, 1, 1),
    ]
    assert not second.is_current and Batch.objects.current() == _first()
    assert _messages(response) == [
        "已按“智慧水利先行先试（2020年）”创建“第二批”：2023-03-01启动，实施方案"
        "2023-04-15截止，验收2024-12-31截止。请核对下列日期；该批次尚未设为当前批次。"
    ]


def test_a_copy_without_filters_takes_the_source_units_and_tasks(client, office_user):
    client_for(client, office_user)
    client.post(
        reverse("milestones:batch_copy", args=["2020"]),
        {"name": "第二批", "slug": "second", "launch_date": "2023-03-01"},
    )
    second = Batch.objects.get(slug="second")
    assert second.units.count() == 11
    assert second.tasks.count() == Task.objects.count()


def test_the_units_page_changes_only_the_units_it_lists(client, office_user):
    second = _second(units=("zhejiang", "fujian"))
    zhejiang = PilotUnit.objects.get(slug="zhejiang")
    client_for(client, office_user)
    page = reverse("milestones:batch_members", args=["second"])
    html = client.get(page + "?q=浙江").content.decode()
    assert f'name="units" value="{zhejiang.pk}" id="unit-{zhejiang.pk}" checked' in html
    assert "福建" not in html
    # Zhejiang leaves, with its tasks; Fujian, not listed, stays.
    client.post(page + "?q=浙江", {"listed": [zhejiang.pk]})
    assert [unit.slug for unit in second.units.all()] == ["fujian"]
    assert not second.tasks.filter(unit=zhejiang).exists()


def test_the_units_page_is_flat_from_11_to_3000_units(
    client, office_user, django_assert_num_queries
):
    client_for(client, office_user)
    page = reverse("milestones:batch_members", args=["2020"])
    with django_assert_num_queries(12):
        small = client.get(page)
    grow_programme(3000, tasks_per_unit=10)
    with django_assert_num_queries(12):
        large = client.get(page + "?page=50")
    assert small.status_code == large.status_code == 200
    assert len(large.content) < 300_000
    assert large.content.decode().count('name="listed"') == 30


def test_a_batch_from_scratch_with_dates_out_of_order_is_refused_and_kept(
    client, office_user, zhejiang
):
    client_for(client, office_user)
    data = {
        "name": "第二批",
        "name_en": "",
        "slug": "second",
        "launch_date": "2023-03-01",
        "plan_due": "2023-02-01",
        "implementation_start": "2023-04-01",
        "implementation_end": "2024-12-31",
        "midterm_start": "2023-12-01",
        "midterm_end": "2024-06-30",
        "acceptance_due": "2024-12-31",
        "promotion_from": "",
        "level": "province",
    }
    response = client.post(reverse("milestones:batch_create"), data)
    assert response.status_code == 200
    assert not Batch.objects.filter(slug="second").exists()
    form = response.context["form"]
    assert form.errors["plan_due"] == [
        "“实施方案报送截止”不能早于“启动”（2023-03-01）。"
    ]
    page = response.content.decode()
    assert 'value="第二批"' in page and 'value="2023-02-01"' in page

    response = client.post(
        reverse("milestones:batch_create"), {**data, "plan_due": "2023-04-15"}
    )
    assert response.status_code == 302
    second = Batch.objects.get(slug="second")
    assert set(second.units.all()) == set(PilotUnit.objects.filter(level="province"))
    assert zhejiang in second.units.all() and not second.is_current


CITIES = {"level": "city"}


def test_a_batch_needs_a_unit(client, office_user):
    _second(units=("zhejiang",))
    client_for(client, office_user)
    # Of the second batch's units (Zhejiang, a province), no city.
    response = client.post(
        reverse("milestones:batch_copy", args=["second"]),
        {
            "name": "第三批",
            "slug": "third",
            "launch_date": "2023-03-01",
            "level": "city",
        },
    )
    assert response.context["form"].errors["level"] == ["请至少选择一个单位。"]
    assert not Batch.objects.filter(slug="third").exists()


def test_editing_the_current_batch_tells_the_units_of_a_moved_deadline(
    client, office_user, unit_user, zhejiang
):
    client_for(client, office_user)
    first = _first()
    data = {
        "name": first.name,
        "name_en": first.name_en,
        "slug": first.slug,
        **{name: getattr(first, name) or "" for name in DATES},
        "plan_due": "2020-04-20",
        "units": list(first.units.values_list("pk", flat=True)),
        "tasks": list(first.tasks.values_list("pk", flat=True)),
    }
    assert (
        client.post(reverse("milestones:batch_edit", args=["2020"]), data).status_code
        == 302
    )
    assert _first().plan_due == datetime.date(2020, 4, 20)
    told = Notification.objects.get(recipient=unit_user)
    assert "2020-04-15" in told.body and "2020-04-20" in told.body


def test_the_second_current_batch_is_refused_with_a_message_that_says_what_to_do(
    db,
):
    second = _second()
    second.is_current = True
    with pytest.raises(ValidationError) as refused:
        second.validate_constraints()
    assert refused.value.messages == [
        "已有其他批次为当前批次。请在“项目设置 → 批次”中切换，一步完成。"
    ]


# ------------------------------------------------------------------ switching


def test_the_switch_page_says_what_changes_and_writes_nothing(client, office_user):
    second = _second()
    client_for(client, office_user)
    before = row_counts()
    page = client.get(reverse("milestones:batch_make_current", args=["second"]))
    assert changed_tables(before, row_counts()) == {}
    text = page.content.decode()
    assert "将“智慧水利先行先试（第二批）”设为当前批次？" in text
    assert "“智慧水利先行先试（2020年）”不再是当前批次" in text
    # The ten units that are not in the second batch, by name.
    left = page.context["switch"].left
    assert len(left) == 10 and "福建省水利厅" in {unit.name for unit in left}
    assert Batch.objects.current() == _first() and not second.is_current


def test_making_a_batch_current_switches_in_one_step_and_says_what_changed(
    client, office_user
):
    _second()
    client_for(client, office_user)
    response = client.post(
        reverse("milestones:batch_make_current", args=["second"]), follow=True
    )
    assert list(Batch.objects.filter(is_current=True)) == [
        Batch.objects.get(slug="second")
    ]
    (message,) = _messages(response)
    assert message.startswith(
        "“智慧水利先行先试（第二批）”现为当前批次，取代“智慧水利先行先试（2020年）”。"
        " 10个单位不在当前批次中："
    )
    assert "福建省水利厅" in message
    # Switching back: the 2020 batch again, its ten units join again.
    client.post(reverse("milestones:batch_make_current", args=["2020"]))
    assert Batch.objects.current() == _first()
    assert Batch.objects.filter(is_current=True).count() == 1


def test_the_switch_message_lists_names_the_way_english_does(client, office_user):
    _second(units=("zhejiang", "fujian"))
    client_for(client, office_user)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("milestones:batch_make_current", args=["second"]), follow=True
    )
    (message,) = _messages(response)
    assert "9 units are no longer in the current batch: " in message
    assert "、" not in message
    left = message.split(": ", 1)[1]
    assert left.count(", ") == 8


def test_a_switch_that_fails_halfway_leaves_the_previous_batch_current(db, monkeypatch):
    second = _second()
    real_update = QuerySet.update
    calls = []

    def second_update_fails(self, **fields):
        calls.append(fields)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return real_update(self, **fields)

    monkeypatch.setattr(QuerySet, "update", second_update_fails)
    with pytest.raises(RuntimeError):
        batches.make_current(second)
    monkeypatch.undo()
    assert calls == [{"is_current": False}, {"is_current": True}]
    assert list(Batch.objects.filter(is_current=True)) == [_first()]


def test_only_the_office_manages_batches(client, unit_user, department_user):
    _second()
    for user in (unit_user, department_user):
        client_for(client, user)
        for name, args in [
            ("milestones:batch_list", []),
            ("milestones:batch_create", []),
            ("milestones:batch_edit", ["second"]),
            ("milestones:batch_copy", ["second"]),
            ("milestones:batch_make_current", ["second"]),
        ]:
            assert client.get(reverse(name, args=args)).status_code == 403
        client.post(reverse("milestones:batch_make_current", args=["second"]))
        assert Batch.objects.current() == _first()


def test_the_batch_list_query_count_does_not_grow_with_batches(
    client, office_user, django_assert_max_num_queries
):
    client_for(client, office_user)
    client.get(reverse("milestones:batch_list"))
    with django_assert_max_num_queries(8) as one:
        client.get(reverse("milestones:batch_list"))
    for year in range(2030, 2035):
        batches.copy_batch(
            source=_first(),
            launch_date=datetime.date(year, 3, 1),
            units=list(PilotUnit.objects.all()),
            tasks=Task.objects.all(),
            name=f"{year}",
            slug=f"b{year}",
        )
    with django_assert_max_num_queries(len(one)) as six:
        page = client.get(reverse("milestones:batch_list"))
    assert len(six) == len(one)
    rows = page.context["batches"]
    assert [(b.unit_count, b.task_count) for b in rows][0] == (11, Task.objects.count())


# ------------------------------------------------------------------ a unit outside


@pytest.fixture
def only_zhejiang(db):
    """The second batch, current, with Zhejiang alone."""
    second = _second()
    batches.make_current(second)
    return second


FUJIAN_PAGES = [
    ("plans:detail", ["fujian"]),
    ("plans:section", ["fujian", "status_quo"]),
    ("plans:contacts", ["fujian"]),
    ("plans:schedule", ["fujian"]),
    ("plans:deliverables", ["fujian"]),
    ("plans:compare", ["fujian"]),
    ("plans:draft_pdf_slash", ["fujian"]),
    ("milestones:progress_unit", ["fujian"]),
    ("milestones:progress_checklist", ["fujian"]),
    ("milestones:check_detail", ["midterm", "fujian"]),
    ("milestones:check_detail", ["acceptance", "fujian"]),
    ("milestones:check_edit", ["midterm", "fujian"]),
]


@pytest.mark.parametrize(("name", "args"), FUJIAN_PAGES)
def test_a_unit_outside_the_current_batch_is_told_so_and_nothing_is_written(
    client, only_zhejiang, other_unit_user, name, args
):
    client_for(client, other_unit_user)
    before = row_counts()
    response = client.get(reverse(name, args=args))
    assert changed_tables(before, row_counts()) == {}
    assert response.status_code == 404
    assert "福建省水利厅未参加门户当前运行的“智慧水利先行先试（第二批）”" in (
        response.content.decode()
    )


def test_the_navbar_shortcuts_of_a_unit_outside_lead_to_the_same_answer(
    client, only_zhejiang, other_unit_user
):
    client_for(client, other_unit_user)
    before = row_counts()
    for name in ("plans:mine", "milestones:progress_overview"):
        response = client.get(reverse(name), follow=True)
        assert response.status_code == 404
        assert "不在当前批次" in response.content.decode()
    home = client.get(reverse("milestones:unit_home")).content.decode()
    assert "福建省水利厅未参加门户当前运行的" in home
    assert reverse("plans:detail", args=["fujian"]) not in home
    timeline = client.get(reverse("milestones:timeline"))
    assert timeline.context["unit"] is None and timeline.context["deadlines"] == []
    todo = client.get(reverse("column:todo"))
    assert todo.status_code == 200 and todo.context["items"] == []
    assert changed_tables(before, row_counts()) == {}
    assert not Plan.objects.filter(batch=only_zhejiang, unit__slug="fujian").exists()


def test_the_office_lists_only_the_units_of_the_current_batch(
    client, only_zhejiang, office_user
):
    client_for(client, office_user)
    rows = client.get(reverse("plans:list")).context["rows"]
    assert [row["unit"].slug for row in rows] == ["zhejiang"]


def test_a_unit_in_the_batch_starts_its_plan_with_its_batch_tasks(
    client, only_zhejiang, unit_user, zhejiang
):
    only_zhejiang.tasks.set(zhejiang.tasks.all()[:2])
    client_for(client, unit_user)
    page = client.get(reverse("plans:detail", args=["zhejiang"]))
    assert page.status_code == 200 and page.context.get("plan") is None
    assert "你单位尚未开始编写实施方案" in page.content.decode()
    client.post(reverse("plans:start", args=["zhejiang"]))
    plan = Plan.objects.get(batch=only_zhejiang, unit=zhejiang)
    page = client.get(reverse("plans:detail", args=["zhejiang"]))
    assert page.context["plan"] == plan
    assert [t.pk for t in page.context["rows"]["tasks"]] == [
        t.pk for t in zhejiang.tasks.all()[:2]
    ]


def test_reminders_of_the_second_batch_reach_only_its_units(
    only_zhejiang, unit_user, other_unit_user
):
    # Plans of the second batch are due 2023-04-15: the 7-day reminder on the 8th.
    with time_machine.travel(
        datetime.datetime(2023, 4, 8, 9, tzinfo=SHANGHAI), tick=False
    ):
        reminders.send_due_reminders()
    recipients = Notification.objects.values_list("recipient__username", flat=True)
    assert list(recipients) == ["zhejiang-member"]


@pytest.mark.parametrize(
    ("launch", "expected"),
    [
        # The same day of another month: by months, ends of months kept.
        (
            datetime.date(2024, 3, 1),
            [datetime.date(2024, 4, 15), datetime.date(2025, 6, 30)],
        ),
        (
            datetime.date(2020, 9, 1),
            [datetime.date(2020, 10, 15), datetime.date(2021, 12, 31)],
        ),
        # Another day: by days (plans due 45 days after the launch).
        (
            datetime.date(2023, 3, 6),
            [datetime.date(2023, 4, 20), datetime.date(2024, 7, 4)],
        ),
    ],
)
def test_copied_dates_move_as_the_launch_does(db, launch, expected):
    dates = batches.shifted_dates(_first(), launch)
    assert [dates["plan_due"], dates["midterm_end"]] == expected
