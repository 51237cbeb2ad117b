import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from milestones import reminders
from milestones.models import ReminderKind, ReminderRule
from milestones.programme import TIMELINE_FIELDS
from pilots.deadlines import due_date
from pilots.models import Batch, DeadlineKind, Extension, Notification
from tests.conftest import client_for

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def timeline_form(batch, **changes):
    """The timeline form's data for `batch`, with `changes`."""
    data = {
        name: getattr(batch, name).isoformat() if getattr(batch, name) else ""
        for name in TIMELINE_FIELDS
    }
    return {**data, **changes}


# ------------------------------------------------------------------ access

OFFICE_PAGES = [
    ("milestones:programme_home", []),
    ("milestones:programme_timeline", []),
    ("milestones:programme_extensions", []),
    ("milestones:programme_rules", []),
    ("milestones:programme_rule_create", []),
]


@pytest.mark.parametrize(("name", "args"), OFFICE_PAGES)
@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", "login"),
        ("office_user", 200),
        ("department_user", 403),
        ("unit_user", 403),
        ("expert_user", 403),
    ],
)
def test_programme_pages_office_only(
    client, request, db, name, args, persona, expected
):
    url = reverse(name, args=args)
    if persona != "anonymous":
        client_for(client, request.getfixturevalue(persona))
    response = client.get(url)
    if expected == "login":
        assert response.status_code == 302
        assert response.url == f"/accounts/login/?next={url}"
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("persona", ["department_user", "unit_user", "expert_user"])
def test_programme_object_pages_refuse_other_roles(
    client, request, persona, office_user, zhejiang
):
    batch = Batch.objects.current()
    extension = Extension.objects.create(
        batch=batch,
        unit=zhejiang,
        kind=DeadlineKind.MIDTERM,
        due=datetime.date(2021, 7, 31),
        granted_by=office_user,
    )
    rule = ReminderRule.objects.filter(kind=ReminderKind.PLAN).first()
    client_for(client, request.getfixturevalue(persona))
    for name, pk in [
        ("milestones:programme_extension_edit", extension.pk),
        ("milestones:programme_extension_remove", extension.pk),
        ("milestones:programme_rule_edit", rule.pk),
        ("milestones:programme_rule_deactivate", rule.pk),
    ]:
        assert client.post(reverse(name, args=[pk])).status_code == 403
    assert Extension.objects.filter(pk=extension.pk).exists()
    assert ReminderRule.objects.get(pk=rule.pk).active


# ------------------------------------------------------------------ timeline


def test_office_changes_the_plan_deadline(client, office_user, zhejiang):
    batch = Batch.objects.current()
    data = timeline_form(batch, plan_due="2020-04-30")
    response = client_for(client, office_user).post(
        reverse("milestones:programme_timeline"), data, follow=True
    )
    assert "时间节点已保存。" in response.content.decode()
    batch.refresh_from_db()
    assert batch.plan_due == datetime.date(2020, 4, 30)
    assert due_date(batch=batch, unit=zhejiang, kind=DeadlineKind.PLAN) == (
        datetime.date(2020, 4, 30)
    )


def test_a_moved_deadline_is_told_once_to_the_units_it_moves_for(
    client, office_user, unit_user, other_unit_user
):
    batch = Batch.objects.current()
    # Fujian has its own mid-term date: the programme's move is not its.
    Extension.objects.create(
        batch=batch,
        unit=other_unit_user.unit,
        kind=DeadlineKind.MIDTERM,
        due=datetime.date(2021, 7, 15),
        granted_by=office_user,
    )
    client_for(client, office_user)
    url = reverse("milestones:programme_timeline")
    client.post(url, timeline_form(batch, midterm_end="2021-07-10"))
    client.post(url, timeline_form(batch, midterm_end="2021-07-10"))  # saved again

    told = Notification.objects.filter(kind="deadline_moved")
    assert [n.recipient for n in told] == [unit_user]
    assert told.get().title == "中期检查材料：截止日期调整为2021-07-10"
    assert "由2021-06-30调整为2021-07-10" in told.get().body
    assert not Notification.objects.filter(recipient=other_unit_user).exists()


def test_timeline_dates_out_of_order_are_refused_and_input_kept(client, office_user):
    batch = Batch.objects.current()
    data = timeline_form(
        batch, plan_due="2020-02-01", midterm_end="2020-11-01", acceptance_due=""
    )
    response = client_for(client, office_user).post(
        reverse("milestones:programme_timeline"), data
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["plan_due"] == ["“实施方案报送截止”不能早于“启动”（2020-03-01）。"]
    assert errors["midterm_end"] == [
        "“中期检查结束”不能早于“中期检查开始”（2020-12-01）。"
    ]
    assert errors["acceptance_due"] == ["这个字段是必填项。"]
    page = response.content.decode()
    assert 'value="2020-02-01"' in page
    assert 'value="2020-11-01"' in page
    batch.refresh_from_db()
    assert batch.plan_due == datetime.date(2020, 4, 15)


def test_implementation_must_end_after_it_starts(client, office_user):
    batch = Batch.objects.current()
    data = timeline_form(
        batch, implementation_end=batch.implementation_start.isoformat()
    )
    response = client_for(client, office_user).post(
        reverse("milestones:programme_timeline"), data
    )
    assert list(response.context["form"].errors) == ["implementation_end"]
    assert "必须晚于" in response.context["form"].errors["implementation_end"][0]


# ------------------------------------------------------------------ extensions


@time_machine.travel(datetime.datetime(2020, 4, 1, 10, tzinfo=SHANGHAI), tick=False)
def test_office_grants_midterm_extension_and_unit_is_told(
    client, office_user, unit_user, zhejiang
):
    data = {
        "unit": zhejiang.pk,
        "kind": DeadlineKind.MIDTERM,
        "due": "2021-07-31",
        "reason": "汛期",
    }
    response = client_for(client, office_user).post(
        reverse("milestones:programme_extensions"), data, follow=True
    )
    assert "截止日期已延长。" in response.content.decode()
    batch = Batch.objects.current()
    assert due_date(batch=batch, unit=zhejiang, kind=DeadlineKind.MIDTERM) == (
        datetime.date(2021, 7, 31)
    )
    notification = Notification.objects.get(recipient=unit_user)
    assert notification.title == "您的“中期检查材料”截止日期已延期"
    assert notification.body == (
        "截止日期由2021-06-30延至2021-07-31，提醒按新日期发送。\n\n理由：汛期"
    )


@time_machine.travel(datetime.datetime(2020, 4, 1, 10, tzinfo=SHANGHAI), tick=False)
def test_plan_extension_goes_through_the_plan_service(
    client, office_user, unit_user, zhejiang
):
    data = {"unit": zhejiang.pk, "kind": DeadlineKind.PLAN, "due": "2020-05-10"}
    client_for(client, office_user).post(
        reverse("milestones:programme_extensions"), data
    )
    extension = Extension.objects.get()
    assert (extension.kind, extension.due) == ("plan_due", datetime.date(2020, 5, 10))
    assert Notification.objects.get(recipient=unit_user).kind == "plan_extension"


@time_machine.travel(datetime.datetime(2020, 4, 1, 10, tzinfo=SHANGHAI), tick=False)
def test_extension_before_the_programme_date_is_refused(client, office_user, zhejiang):
    data = {"unit": zhejiang.pk, "kind": DeadlineKind.PLAN, "due": "2020-04-10"}
    response = client_for(client, office_user).post(
        reverse("milestones:programme_extensions"), data
    )
    assert response.context["form"].errors["due"] == [
        "延期后的日期必须晚于该截止事项的统一日期（2020-04-15）。"
    ]
    assert 'value="2020-04-10"' in response.content.decode()
    assert Extension.objects.count() == 0


@time_machine.travel(datetime.datetime(2020, 4, 1, 10, tzinfo=SHANGHAI), tick=False)
def test_extension_in_the_past_is_refused_and_kept(client, office_user, zhejiang):
    data = {"unit": zhejiang.pk, "kind": DeadlineKind.MIDTERM, "due": "2021-07-31"}
    with time_machine.travel(datetime.datetime(2021, 8, 2, 9, tzinfo=SHANGHAI)):
        response = client_for(client, office_user).post(
            reverse("milestones:programme_extensions"), data
        )
    assert response.context["form"].errors["due"] == ["新的截止日期已经过去。"]
    assert 'value="2021-07-31"' in response.content.decode()
    assert Extension.objects.count() == 0


@time_machine.travel(datetime.datetime(2020, 4, 1, 10, tzinfo=SHANGHAI), tick=False)
def test_office_changes_and_removes_an_extension(
    client, office_user, unit_user, zhejiang
):
    batch = Batch.objects.current()
    extension = Extension.objects.create(
        batch=batch,
        unit=zhejiang,
        kind=DeadlineKind.ACCEPTANCE,
        due=datetime.date(2022, 1, 31),
        granted_by=office_user,
    )
    client = client_for(client, office_user)
    # unit and kind are fixed; a posted other unit is ignored
    client.post(
        reverse("milestones:programme_extension_edit", args=[extension.pk]),
        {"unit": 999, "kind": "plan_due", "due": "2022-02-28", "reason": "补充材料"},
    )
    extension.refresh_from_db()
    assert (extension.unit, extension.kind, extension.due) == (
        zhejiang,
        "acceptance_due",
        datetime.date(2022, 2, 28),
    )
    remove = reverse("milestones:programme_extension_remove", args=[extension.pk])
    # Asked first: the unit is told at once (tests/milestones/test_confirm.py).
    assert client.post(remove).status_code == 200
    assert Extension.objects.count() == 1
    client.post(remove, {"confirmed": "1"})
    assert Extension.objects.count() == 0
    assert due_date(batch=batch, unit=zhejiang, kind=DeadlineKind.ACCEPTANCE) == (
        datetime.date(2021, 12, 31)
    )
    assert [n.title for n in Notification.objects.filter(recipient=unit_user)] == [
        "您的“验收材料”延期已取消",
        "您的“验收材料”截止日期已延期",
    ]


def test_extension_list_query_count_constant(
    client, django_assert_num_queries, office_user
):
    batch = Batch.objects.current()
    client_for(client, office_user)
    url = reverse("milestones:programme_extensions")
    counts = []
    for units in (1, 5):
        for unit in batch.units.order_by("order")[:units]:
            Extension.objects.get_or_create(
                batch=batch,
                unit=unit,
                kind=DeadlineKind.MIDTERM,
                defaults={"due": datetime.date(2021, 7, 31), "granted_by": office_user},
            )
        client.get(url)
        # 6 before the list showed each extension's history: one query for all.
        with django_assert_num_queries(7) as captured:
            response = client.get(url)
        counts.append(len(captured))
        assert len(response.context["extensions"]) == units
    assert counts == [7, 7]


# ------------------------------------------------------------------ reminder rules


def _rule_data(rule, **changes):
    return {
        "kind": rule.kind,
        "days_before": rule.days_before,
        "subject": rule.subject,
        "body": rule.body,
        "active": "on" if rule.active else "",
        **changes,
    }


def test_rule_template_error_is_refused_and_input_kept(client, office_user):
    rule = ReminderRule.objects.get(kind=ReminderKind.PLAN, days_before=7)
    bad = "{{ deadline }}截止 {% if days %}还有{{ days }}天"
    response = client_for(client, office_user).post(
        reverse("milestones:programme_rule_edit", args=[rule.pk]),
        _rule_data(rule, subject=bad),
    )
    assert response.status_code == 200
    (message,) = response.context["form"].errors["subject"]
    assert message.startswith("该文本不是有效的模板：")
    assert "{% … %}" in message
    assert "{% if days %}还有{{ days }}天" in response.content.decode()
    rule.refresh_from_db()
    assert "{% if" not in rule.subject


def test_rule_preview_shows_the_rendered_message_without_saving(client, office_user):
    rule = ReminderRule.objects.get(kind=ReminderKind.PLAN, days_before=7)
    response = client_for(client, office_user).post(
        reverse("milestones:programme_rule_edit", args=[rule.pk]),
        _rule_data(rule, subject="请于{{ days }}天内提交{{ deadline }}", preview="1"),
    )
    assert response.context["form"].preview[0] == "请于7天内提交实施方案"
    assert "请于7天内提交实施方案" in response.content.decode()
    rule.refresh_from_db()
    assert rule.subject != "请于{{ days }}天内提交{{ deadline }}"


def test_rule_edit_page_previews_the_saved_rule(client, office_user):
    rule = ReminderRule.objects.get(kind=ReminderKind.PLAN, days_before=3)
    response = client_for(client, office_user).get(
        reverse("milestones:programme_rule_edit", args=[rule.pk])
    )
    subject, body = response.context["form"].preview
    assert subject == "实施方案将于2020-04-15截止（还有3天）"
    assert body.startswith("长江水利委员会：")


def test_rule_edit_changes_the_next_reminder(client, office_user, unit_user):
    rule = ReminderRule.objects.get(kind=ReminderKind.PLAN, days_before=7)
    client_for(client, office_user).post(
        reverse("milestones:programme_rule_edit", args=[rule.pk]),
        _rule_data(
            rule, subject="【提醒】{{ unit }}的{{ deadline }}{{ days }}天后截止"
        ),
    )
    at = datetime.datetime(2020, 4, 8, 9, tzinfo=SHANGHAI)
    with time_machine.travel(at, tick=False):
        assert reminders.send_due_reminders() == 1
    assert Notification.objects.get(recipient=unit_user).title == (
        "【提醒】浙江省水利厅的实施方案7天后截止"
    )


def test_new_rule_sends_on_its_day(client, office_user, unit_user):
    data = {
        "kind": ReminderKind.PLAN,
        "days_before": 5,
        "subject": "还有{{ days }}天",
        "body": "{{ unit }}",
        "active": "on",
    }
    response = client_for(client, office_user).post(
        reverse("milestones:programme_rule_create"), data, follow=True
    )
    assert "提醒规则已保存。" in response.content.decode()
    at = datetime.datetime(2020, 4, 10, 9, tzinfo=SHANGHAI)
    with time_machine.travel(at, tick=False):
        assert reminders.send_due_reminders() == 1
    assert Notification.objects.get(recipient=unit_user).title == "还有5天"


def test_duplicate_rule_is_refused(client, office_user):
    data = {
        "kind": ReminderKind.PLAN,
        "days_before": 7,
        "subject": "x",
        "body": "y",
        "active": "on",
    }
    response = client_for(client, office_user).post(
        reverse("milestones:programme_rule_create"), data
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "__all__": ["该截止事项已有相同提前天数的规则：请编辑那一条。"]
    }
    assert ReminderRule.objects.filter(kind="plan_due", days_before=7).count() == 1


def test_deactivated_rule_sends_nothing(client, office_user, unit_user):
    rule = ReminderRule.objects.get(kind=ReminderKind.PLAN, days_before=7)
    client_for(client, office_user).post(
        reverse("milestones:programme_rule_deactivate", args=[rule.pk]),
        {"confirmed": "1"},
    )
    rule.refresh_from_db()
    assert not rule.active
    at = datetime.datetime(2020, 4, 8, 9, tzinfo=SHANGHAI)
    with time_machine.travel(at, tick=False):
        assert reminders.send_due_reminders() == 0


def test_rule_list_shows_lead_times(client, office_user):
    page = (
        client_for(client, office_user)
        .get(reverse("milestones:programme_rules"))
        .content.decode()
    )
    assert "提前7天" in page
    assert "逾期1天" in page


def test_rule_list_shows_each_subject_as_sent_and_the_edit_form_its_text(
    client, office_user
):
    client_for(client, office_user)
    page = client.get(reverse("milestones:programme_rules")).content.decode()
    batch = Batch.objects.current()
    unit = batch.units.order_by("order").first()
    due = batch.plan_due.isoformat()
    assert f"将于{due}截止（还有7天）</td>" in page
    assert f"<td>{unit.name}的评审打分已逾期（截止日期" in page
    assert f"以{unit.name}及其日期为例" in page
    assert "{{" not in page
    rule = ReminderRule.objects.get(kind=ReminderKind.PLAN, days_before=7)
    form = client.get(reverse("milestones:programme_rule_edit", args=[rule.pk]))
    assert "{{ deadline }}将于{{ due|date:&#x27;Y-m-d&#x27; }}截止" in (
        form.content.decode()
    )


def test_rule_list_marks_a_subject_that_is_not_a_valid_template(client, office_user):
    ReminderRule.objects.create(
        kind=ReminderKind.MIDTERM, days_before=45, subject="{% if %}", body="b"
    )
    client_for(client, office_user)
    page = client.get(reverse("milestones:programme_rules")).content.decode()
    assert "<code>{% if %}</code>" in page
    assert "不是有效的模板" in page


@pytest.mark.parametrize("extra", [0, 6])
def test_rule_list_query_count_constant(
    client, django_assert_num_queries, office_user, extra
):
    for days in range(extra):
        ReminderRule.objects.create(
            kind=ReminderKind.MIDTERM, days_before=30 + days, subject="s", body="b"
        )
    client_for(client, office_user)
    url = reverse("milestones:programme_rules")
    client.get(url)
    # Session, user, the navigation's unread count, the rules; the current batch
    # and its first unit, the sample every subject is shown with.
    with django_assert_num_queries(6):
        response = client.get(url)
    assert len(response.context["rules"]) == ReminderRule.objects.count()
    assert ("提前35天" in response.content.decode()) == bool(extra)
