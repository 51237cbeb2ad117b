"""Notices to units (通知): written and sent by the office (asked first), read
by their recipients (the read recorded by a POST the page makes, never by the
GET), confirmed or replied to by units, reminded of once per action, exported."""

import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from milestones import circulars, demo_circulars, todo
from milestones.models import (
    CIRCULAR_REMINDER,
    Circular,
    CircularRead,
    CircularReply,
    SentReminder,
)
from milestones.tasks import build_export_task
from pilots.models import (
    Batch,
    BusinessDomain,
    Department,
    ExportJob,
    Notification,
    OutboxEmail,
    PilotUnit,
    User,
)
from tests.conftest import make_user

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
PDF = b"%PDF-1.4 notice"


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def on(year, month, day, hour=10, minute=0):
    moment = datetime.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)
    return time_machine.travel(moment, tick=False)


def batch():
    return Batch.objects.current()


def notice(office, *, response=Circular.Response.REPLY, reply_by=None, **fields):
    """A draft to the batch's units (all, unless `units` is given)."""
    units = fields.pop("units", None)
    departments = fields.pop("departments", [])
    circular = Circular(
        batch=batch(),
        title=fields.pop("title", "关于报送中期检查材料的通知"),
        body=fields.pop("body", "请于截止日前报送材料。"),
        response=response,
        reply_by=reply_by,
        audience=(
            Circular.Audience.CHOSEN_UNITS if units else Circular.Audience.ALL_UNITS
        ),
        **fields,
    )
    return circulars.save_draft(
        circular=circular, user=office, units=units or [], departments=departments
    )


def sent(office, **fields):
    circular = notice(office, **fields)
    circulars.send(circular=circular, user=office)
    circular.refresh_from_db()
    return circular


def beacon(client, user, circular):
    client.force_login(user)
    return client.post(
        reverse("milestones:circular_read", args=[circular.pk]),
        HTTP_X_CIRCULAR_READ="1",
    )


# ------------------------------------------------------------------ writing, sending


def test_bad_input_keeps_what_was_typed(client, office_user):
    client.force_login(office_user)
    with on(2021, 3, 1):
        response = client.post(
            reverse("milestones:circular_create"),
            {
                "title": "",
                "body": "请各单位于3月底前报送中期检查材料。",
                "response": "reply",
                "reply_by": "2021-02-20",
                "audience": "all",
            },
        )
    page = response.content.decode()
    assert response.status_code == 200
    assert "请填写通知标题。" in page
    assert "回复截止日期已过：请选择今天或以后的日期。" in page
    assert "请各单位于3月底前报送中期检查材料。" in page
    assert 'value="2021-02-20"' in page
    assert not Circular.objects.exists()


def test_chosen_units_need_one(client, office_user):
    client.force_login(office_user)
    response = client.post(
        reverse("milestones:circular_create"),
        {"title": "通知", "body": "正文", "response": "none", "audience": "chosen"},
    )
    assert response.status_code == 200
    assert not Circular.objects.exists()


def test_sending_asks_first_then_tells_each_recipient_in_their_language(
    client, office_user, unit_user, english_unit_user, other_unit_user, portal_url
):
    client.force_login(office_user)
    with on(2021, 3, 1):
        response = client.post(
            reverse("milestones:circular_create"),
            {
                "title": "关于报送中期检查材料的通知",
                "body": "请于3月20日前报送材料。",
                "response": "confirm",
                "reply_by": "2021-03-20",
                "audience": "chosen",
                "units": [unit_user.unit_id],
                "file": SimpleUploadedFile("清单.pdf", PDF),
            },
        )
        circular = Circular.objects.get()
        assert response["Location"] == reverse(
            "milestones:circular_detail", args=[circular.pk]
        )
        assert circular.files.get().name == "清单.pdf"
        assert circular.sent_at is None
        send_url = reverse("milestones:circular_send", args=[circular.pk])
        question = client.post(send_url)
        assert question.status_code == 200
        assert 'name="confirmed"' in question.content.decode()
        assert not Notification.objects.exists()
        circular.refresh_from_db()
        assert circular.sent_at is None

        client.post(send_url, {"confirmed": "1"})
    circular.refresh_from_db()
    assert circular.sent_at is not None
    assert list(circular.units.all()) == [unit_user.unit]
    chinese = Notification.objects.get(recipient=unit_user)
    english = Notification.objects.get(recipient=english_unit_user)
    assert chinese.title == "办公室通知：关于报送中期检查材料的通知"
    assert (
        english.title == "Notice from the programme office: 关于报送中期检查材料的通知"
    )
    assert "请于3月20日前报送材料。" in chinese.body
    assert "2021-03-20" in english.body and "confirm" in english.body
    emails = {email.to: email for email in OutboxEmail.objects.all()}
    assert set(emails) == {unit_user.email, english_unit_user.email}
    assert "Dear Bo," in emails[english_unit_user.email].body
    assert (
        f"{portal_url}/notices-to-units/{circular.pk}/" in emails[unit_user.email].body
    )
    assert not Notification.objects.filter(recipient=other_unit_user).exists()
    # Sending is final: a second send changes nothing.
    with on(2021, 3, 2):
        client.post(send_url, {"confirmed": "1"})
    assert Notification.objects.filter(recipient=unit_user).count() == 1


def test_a_reply_by_date_passed_meanwhile_refuses_the_send(office_user, unit_user):
    with on(2021, 3, 1):
        circular = notice(office_user, reply_by=datetime.date(2021, 3, 5))
    with on(2021, 3, 6), pytest.raises(circulars.CircularError):
        circulars.send(circular=circular, user=office_user)
    assert not Notification.objects.exists()


def test_the_units_of_a_domain_departments_and_experts(
    office_user, department_user, expert_user, unit_user
):
    domain = BusinessDomain.objects.get(slug="engineering")
    with on(2021, 3, 1):
        circular = Circular(
            batch=batch(),
            title="水工程领域通知",
            body="正文",
            audience=Circular.Audience.DOMAIN,
            domain=domain,
            to_experts=True,
        )
        circulars.save_draft(
            circular=circular,
            user=office_user,
            units=[],
            departments=[department_user.department],
        )
        circulars.send(circular=circular, user=office_user)
    expected = set(
        PilotUnit.objects.filter(
            batches=batch(),
            tasks__batches=batch(),
            tasks__business_domain=domain,
        ).values_list("slug", flat=True)
    )
    assert set(circular.units.values_list("slug", flat=True)) == expected
    assert "zhejiang" in expected
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {unit_user.username, department_user.username, expert_user.username}


# ------------------------------------------------------------------ receipts


@pytest.fixture
def reply_notice(office_user, unit_user):
    with on(2021, 3, 1):
        return sent(office_user, reply_by=datetime.date(2021, 3, 20))


def test_opening_the_page_writes_nothing_its_beacon_records_the_read(
    client, reply_notice, unit_user
):
    client.force_login(unit_user)
    page = client.get(reverse("milestones:circular_detail", args=[reply_notice.pk]))
    html = page.content.decode()
    assert 'id="circular-read-form"' in html
    assert "js/circular_read.js" in html
    assert not CircularRead.objects.exists()

    with on(2021, 3, 2, 9, 30):
        answer = beacon(client, unit_user, reply_notice)
    assert answer.status_code == 204
    read = CircularRead.objects.get()
    assert (read.user, read.unit) == (unit_user, unit_user.unit)
    assert read.read_at == datetime.datetime(2021, 3, 2, 9, 30, tzinfo=SHANGHAI)
    # A second opening keeps the first time; the page no longer asks.
    with on(2021, 3, 3):
        beacon(client, unit_user, reply_notice)
    assert CircularRead.objects.get().read_at == read.read_at
    html = client.get(
        reverse("milestones:circular_detail", args=[reply_notice.pk])
    ).content.decode()
    assert 'id="circular-read-form"' not in html


def test_without_script_the_button_records_the_read(client, reply_notice, unit_user):
    client.force_login(unit_user)
    response = client.post(reverse("milestones:circular_read", args=[reply_notice.pk]))
    assert response["Location"] == reverse(
        "milestones:circular_detail", args=[reply_notice.pk]
    )
    assert CircularRead.objects.filter(user=unit_user).exists()


def test_the_office_opening_it_is_no_receipt(client, reply_notice, office_user):
    beacon(client, office_user, reply_notice)
    assert not CircularRead.objects.exists()


def test_receipt_states_of_a_unit_any_member_counts(
    client, reply_notice, unit_user, office_user
):
    colleague = make_user(
        "zhejiang-colleague", User.Role.UNIT, unit=unit_user.unit, full_name="李四"
    )
    zhejiang = unit_user.unit

    def row():
        return next(
            r for r in circulars.receipt_rows(reply_notice) if r.unit == zhejiang
        )

    assert (row().reads, row().replied) == ([], False)
    with on(2021, 3, 2, 9, 0):
        beacon(client, colleague, reply_notice)
    assert [read.user for read in row().reads] == [colleague]
    assert row().first_read == datetime.datetime(2021, 3, 2, 9, 0, tzinfo=SHANGHAI)
    assert not row().answered(reply_notice)

    client.force_login(unit_user)
    url = reverse("milestones:circular_reply", args=[reply_notice.pk])
    with on(2021, 3, 5, 14, 0):
        client.post(url, {"text": "已报送。", "file": SimpleUploadedFile("a.pdf", PDF)})
    reply = row().reply
    assert (reply.text, reply.replied_by, reply.is_late) == (
        "已报送。",
        unit_user,
        False,
    )
    assert [f.name for f in reply.files.all()] == ["a.pdf"]
    # Replying records the replier's read too; the unit's row names both.
    assert [read.user for read in row().reads] == [colleague, unit_user]
    assert row().answered(reply_notice)

    # Changed until the end of the reply-by day, not after.
    with on(2021, 3, 20, 23, 0):
        client.post(url, {"text": "已报送，补充说明。"})
    assert row().reply.text == "已报送，补充说明。"
    with on(2021, 3, 21, 8, 0):
        response = client.post(url, {"text": "改了"}, follow=True)
    assert row().reply.text == "已报送，补充说明。"
    assert "回复截止日期已过，回复不能再修改。" in response.content.decode()


def test_an_empty_reply_keeps_the_file_choice_message_and_writes_nothing(
    client, reply_notice, unit_user
):
    client.force_login(unit_user)
    response = client.post(
        reverse("milestones:circular_reply", args=[reply_notice.pk]), {"text": ""}
    )
    assert response.status_code == 200
    assert not CircularReply.objects.exists()


def test_a_first_reply_after_the_date_is_late(client, reply_notice, other_unit_user):
    client.force_login(other_unit_user)
    with on(2021, 3, 22):
        client.post(
            reverse("milestones:circular_reply", args=[reply_notice.pk]),
            {"text": "迟到的回复"},
        )
    assert CircularReply.objects.get(unit=other_unit_user.unit).is_late


def test_confirming_receipt(client, office_user, unit_user):
    with on(2021, 3, 1):
        circular = sent(office_user, response=Circular.Response.CONFIRM)
    client.force_login(unit_user)
    with on(2021, 3, 2, 11, 0):
        client.post(reverse("milestones:circular_reply", args=[circular.pk]))
    reply = CircularReply.objects.get(unit=unit_user.unit)
    assert reply.confirmed_by == unit_user
    assert reply.confirmed_at == datetime.datetime(2021, 3, 2, 11, 0, tzinfo=SHANGHAI)
    assert CircularRead.objects.filter(user=unit_user).exists()


def test_filters_not_read_and_not_answered(
    client, reply_notice, unit_user, other_unit_user
):
    beacon(client, unit_user, reply_notice)
    beacon(client, other_unit_user, reply_notice)
    client.force_login(other_unit_user)
    with on(2021, 3, 5):
        client.post(
            reverse("milestones:circular_reply", args=[reply_notice.pk]),
            {"text": "收到"},
        )
    everyone = {unit.slug for unit in batch().units.all()}
    unread = {
        r.unit.slug for r in circulars.receipt_rows(reply_notice, show=circulars.UNREAD)
    }
    unanswered = {
        r.unit.slug
        for r in circulars.receipt_rows(reply_notice, show=circulars.UNANSWERED)
    }
    assert unread == everyone - {"zhejiang", "fujian"}
    assert unanswered == everyone - {"fujian"}


@pytest.mark.parametrize("size", [1, 3])
def test_receipt_table_query_count_is_constant(
    size, client, reply_notice, django_assert_num_queries
):
    for unit in batch().units.order_by("pk")[:size]:
        member = make_user(f"member-{unit.slug}", User.Role.UNIT, unit=unit)
        beacon(client, member, reply_notice)
        with on(2021, 3, 5):
            client.post(
                reverse("milestones:circular_reply", args=[reply_notice.pk]),
                {"text": "收到", "file": SimpleUploadedFile("a.pdf", PDF)},
            )
    units = batch().units.count()
    # The units, the reads, the replies and their files, the reminders.
    with django_assert_num_queries(5):
        rows = circulars.receipt_rows(reply_notice)
    assert len(rows) == units
    assert sum(1 for row in rows if row.replied and row.reply.files.all()) == size


# ------------------------------------------------------------------ reminders


def test_remind_asks_first_then_reminds_each_member_once_per_action(
    client, reply_notice, office_user, unit_user, english_unit_user, other_unit_user
):
    beacon(client, other_unit_user, reply_notice)
    client.force_login(office_user)
    page = client.get(
        reverse("milestones:circular_receipts", args=[reply_notice.pk]),
        {"show": "unread"},
    )
    token = page.context["token"]
    url = reverse("milestones:circular_remind", args=[reply_notice.pk])
    data = {"show": "unread", "token": token}
    question = client.post(url, data)
    assert question.status_code == 200
    assert not SentReminder.objects.exists()

    with on(2021, 3, 10):
        client.post(url, {**data, "confirmed": "1"})
        client.post(url, {**data, "confirmed": "1"})
    reminded = SentReminder.objects.filter(kind=CIRCULAR_REMINDER)
    assert set(reminded.values_list("user__username", flat=True)) == {
        unit_user.username,
        english_unit_user.username,
    }
    assert {r.due for r in reminded} == {datetime.date(2021, 3, 20)}
    english = Notification.objects.get(
        recipient=english_unit_user, kind="circular.reminder"
    )
    assert english.title == "Reminder: the notice “关于报送中期检查材料的通知”"
    assert (
        OutboxEmail.objects.filter(to=unit_user.email, subject__contains="提醒").count()
        == 1
    )
    zhejiang = next(
        r for r in circulars.receipt_rows(reply_notice) if r.unit == unit_user.unit
    )
    assert len(zhejiang.reminders) == 1
    # A new action (a new page, a new token) reminds again.
    with on(2021, 3, 12):
        circulars.remind(circular=reply_notice, show="unread", token="f" * 32)
    assert reminded.filter(user=unit_user).count() == 2


# ------------------------------------------------------------------ export


def test_export_names_who_read_and_what_was_replied(
    client, reply_notice, office_user, unit_user
):
    with on(2021, 3, 2, 9, 0):
        beacon(client, unit_user, reply_notice)
    client.force_login(unit_user)
    with on(2021, 3, 3, 9, 0):
        client.post(
            reverse("milestones:circular_reply", args=[reply_notice.pk]),
            {"text": "材料已齐", "file": SimpleUploadedFile("清单.pdf", PDF)},
        )
    client.force_login(office_user)
    address = reverse("milestones:circular_export", args=[reply_notice.pk])
    # A GET offers the button and writes nothing; the POST asks for the job.
    assert client.get(address).status_code == 200
    assert not ExportJob.objects.exists()
    response = client.post(address)
    job = ExportJob.objects.get()
    assert response.url == reverse("pilots:export_status", args=[job.pk])
    build_export_task(job.pk)  # the Celery task's body, in this process
    response = client.get(reverse("pilots:export_download", args=[job.pk]))
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("单位", "首次阅读", "阅读人")
    zhejiang = next(row for row in rows if row[0] == unit_user.unit.name)
    assert zhejiang[1] == datetime.datetime(2021, 3, 2, 9, 0)
    assert zhejiang[2] == "zhejiang-member 2021-03-02 09:00"
    assert zhejiang[5] == datetime.datetime(2021, 3, 3, 9, 0)
    assert (zhejiang[8], zhejiang[9]) == ("材料已齐", "清单.pdf")
    assert len(rows) == 1 + batch().units.count()


# ------------------------------------------------------------------ access


def test_each_sees_only_what_is_addressed_to_them(
    client,
    office_user,
    unit_user,
    other_unit_user,
    department_user,
    expert_user,
):
    other_department = Department.objects.exclude(
        pk=department_user.department_id
    ).first()
    with on(2021, 3, 1):
        to_zhejiang = sent(office_user, units=[unit_user.unit], title="致浙江")
        to_department = sent(
            office_user,
            units=[other_unit_user.unit],
            departments=[department_user.department],
            title="致司局",
        )
        draft = notice(office_user, title="草稿")
    detail = "milestones:circular_detail"
    cases = [
        (unit_user, to_zhejiang, 200),
        (unit_user, to_department, 404),
        (other_unit_user, to_zhejiang, 404),
        (department_user, to_department, 200),
        (department_user, to_zhejiang, 404),
        (expert_user, to_zhejiang, 404),
        (unit_user, draft, 404),
        (office_user, draft, 200),
    ]
    for user, circular, status in cases:
        client.force_login(user)
        response = client.get(reverse(detail, args=[circular.pk]))
        assert response.status_code == status, (user, circular)
    client.force_login(unit_user)
    listed = client.get(reverse("milestones:circular_list")).context["rows"]
    assert [c.title for c in listed] == ["致浙江"]
    assert listed[0].is_read is False
    client.force_login(
        make_user("dept-other", User.Role.DEPARTMENT, department=other_department)
    )
    assert client.get(reverse("milestones:circular_list")).context["rows"] == []
    client.logout()
    response = client.get(reverse(detail, args=[to_zhejiang.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# ------------------------------------------------------------------ to-do, demo


def test_a_notice_to_answer_is_on_the_units_to_do_list(client, reply_notice, unit_user):
    with on(2021, 3, 3):
        items = [i for i in todo.todo_items(unit_user) if i.kind == "circular.reply"]
        assert [(i.due, i.url) for i in items] == [
            (
                datetime.date(2021, 3, 20),
                reverse("milestones:circular_detail", args=[reply_notice.pk]),
            )
        ]
        client.force_login(unit_user)
        client.post(
            reverse("milestones:circular_reply", args=[reply_notice.pk]),
            {"text": "收到"},
        )
        assert not [i for i in todo.todo_items(unit_user) if i.kind == "circular.reply"]


def test_demo_notices_are_marked_and_seeded_once(office_user, unit_user):
    out = io.StringIO()
    demo_circulars.seed(batch(), out)
    demo_circulars.seed(batch(), out)
    demo = Circular.objects.filter(is_demo=True)
    assert demo.count() == 2
    assert all(circular.is_sent for circular in demo)
    assert CircularRead.objects.filter(user=unit_user).count() == 2
    assert CircularReply.objects.filter(is_demo=True).count() == 1
    assert not Notification.objects.exists()


def test_the_migration_leaves_the_existing_tables_alone(db):
    """0011 only adds tables: the SentReminder choice it adds is no SQL."""
    out = io.StringIO()
    call_command("sqlmigrate", "milestones", "0011", stdout=out)
    sql = out.getvalue()
    assert 'CREATE TABLE "milestones_circular"' in sql
    assert 'ALTER TABLE "milestones_sentreminder"' not in sql
    assert "DROP" not in sql


def test_a_stale_draft_form_cannot_change_a_sent_notice(office_user, unit_user):
    with on(2021, 3, 1):
        circular = notice(office_user)
        stale = Circular.objects.get(pk=circular.pk)
        circulars.send(circular=circular, user=office_user)
        stale.title = "改过的标题"
        with pytest.raises(circulars.CircularError):
            circulars.save_draft(
                circular=stale, user=office_user, units=[], departments=[]
            )
    circular.refresh_from_db()
    assert (circular.title, circular.is_sent) == ("关于报送中期检查材料的通知", True)


def test_editing_a_draft_keeps_it_a_draft(client, office_user, unit_user):
    circular = notice(office_user)
    client.force_login(office_user)
    client.post(
        reverse("milestones:circular_edit", args=[circular.pk]),
        {
            "title": "新标题",
            "body": "新正文",
            "response": "none",
            "audience": "chosen",
            "units": [unit_user.unit_id],
        },
    )
    circular.refresh_from_db()
    assert (circular.title, circular.sent_at) == ("新标题", None)
    assert list(circular.units.all()) == [unit_user.unit]
