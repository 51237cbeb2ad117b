import datetime

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from milestones.models import CalendarToken
from pilots import messaging as services
from pilots.models import Batch, DeadlineKind, Extension, Notification
from reviews.models import Assignment, Round, Submission
from tests.conftest import client_for


def _notify(user, title, url="/timeline/"):
    services.notify(
        services.WrittenMessage(
            recipients=[user], kind="test", title=title, url=url, email=False
        )
    )
    return Notification.objects.get(recipient=user, title=title)


def test_notification_list_shows_only_own_notifications(
    client, unit_user, other_unit_user
):
    _notify(unit_user, "Zhejiang secret")
    _notify(other_unit_user, "Fujian secret")
    page = client_for(client, unit_user).get("/notifications/").content.decode()
    assert "Zhejiang secret" in page
    assert "Fujian secret" not in page


def test_notification_list_needs_login(client, db):
    response = client.get("/notifications/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/notifications/"


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, unit_user):
    notification = _notify(unit_user, "Plan returned", url="/timeline/")
    page = client_for(client, unit_user).get("/notifications/").content.decode()
    # The list opens it with a form: opening writes, so it is a POST.
    assert f'action="/notifications/{notification.pk}/" method="post"' in page
    response = client.post(f"/notifications/{notification.pk}/")
    assert response.status_code == 302
    assert response.url == "/timeline/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_get_of_a_notification_follows_its_link_and_writes_nothing(client, unit_user):
    notification = _notify(unit_user, "Plan returned", url="/timeline/")
    response = client_for(client, unit_user).get(f"/notifications/{notification.pk}/")
    assert response.status_code == 302
    assert response.url == "/timeline/"
    notification.refresh_from_db()
    assert notification.read_at is None


def test_opening_another_users_notification_is_404(client, unit_user, other_unit_user):
    notification = _notify(other_unit_user, "Fujian secret")
    response = client_for(client, unit_user).post(f"/notifications/{notification.pk}/")
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_notification_with_offsite_link_stays_in_the_portal(client, unit_user):
    notification = _notify(unit_user, "Odd", url="https://evil.example/")
    response = client_for(client, unit_user).get(f"/notifications/{notification.pk}/")
    assert response.url == "/notifications/"


def test_mark_all_read_needs_post_and_touches_only_own(
    client, unit_user, other_unit_user
):
    _notify(unit_user, "one")
    _notify(unit_user, "two")
    theirs = _notify(other_unit_user, "three")
    client_for(client, unit_user)
    assert client.get("/notifications/read-all/").status_code == 405
    response = client.post("/notifications/read-all/")
    assert response.status_code == 302
    assert not Notification.objects.filter(
        recipient=unit_user, read_at__isnull=True
    ).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_navbar_shows_the_unread_count(client, unit_user):
    _notify(unit_user, "one")
    _notify(unit_user, "two")
    page = client_for(client, unit_user).get("/timeline/").content.decode()
    assert 'text-bg-warning">2<span class="visually-hidden">' in page
    Notification.objects.update(read_at=datetime.datetime.now(datetime.UTC))
    page = client.get("/timeline/").content.decode()
    assert "text-bg-warning" not in page


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        page = client.get(url).content.decode()
    return [query["sql"] for query in context.captured_queries], page


def test_navbar_unread_count_costs_one_query(client, unit_user):
    client_for(client, unit_user)
    _notify(unit_user, "one")
    first, _page = _queries(client, "/units/")
    for i in range(5):
        _notify(unit_user, f"more {i}")
    second, page = _queries(client, "/units/")
    assert len(first) == len(second)
    assert len([sql for sql in second if "milestones_notification" in sql]) == 1
    assert 'text-bg-warning">6<' in page


def test_timeline_marks_today_and_shows_the_units_extension(
    client, unit_user, office_user
):
    batch = Batch.objects.get(slug="2020")
    Extension.objects.create(
        batch=batch,
        unit=unit_user.unit,
        kind=DeadlineKind.PLAN,
        due=datetime.date(2020, 4, 30),
        granted_by=office_user,
    )
    with time_machine.travel(datetime.datetime(2020, 4, 15, 10, tzinfo=datetime.UTC)):
        page = client_for(client, unit_user).get("/timeline/").content.decode()
    assert 'aria-current="date"' in page
    assert "2020-04-30" in page
    assert "extended" in page or "已延期" in page


def test_timeline_for_office_has_no_unit_deadlines(client, office_user):
    page = client_for(client, office_user).get("/timeline/").content.decode()
    assert "2020-04-15" in page
    assert "<table" not in page


def _feed_url(client, user):
    page = client_for(client, user).get("/calendar/").content.decode()
    assert not CalendarToken.objects.filter(user=user).exists()  # a GET writes not
    assert "生成我的日历地址" in page
    client.post("/calendar/regenerate/")
    token = CalendarToken.objects.get(user=user).token
    assert token in client.get("/calendar/").content.decode()
    return reverse("milestones:calendar_feed", args=[token])


def test_calendar_feed_parses_and_has_the_plan_deadline(client, unit_user):
    url = _feed_url(client, unit_user)
    client.logout()
    response = client.get(url)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    events = {
        str(event["summary"]): event.decoded("dtstart")
        for event in calendar.walk("VEVENT")
    }
    plan = [s for s in events if s.endswith(str(DeadlineKind.PLAN.label))]
    assert len(plan) == 1
    assert events[plan[0]] == datetime.date(2020, 4, 15)


def test_calendar_feed_with_wrong_token_is_404(client, db):
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_regenerating_the_calendar_token_revokes_the_old_one(client, unit_user):
    old = _feed_url(client, unit_user)
    # Replacing the address is asked first (tests/milestones/test_confirm.py).
    response = client.post("/calendar/regenerate/", {"confirmed": "1"})
    assert response.status_code == 302
    new = reverse(
        "milestones:calendar_feed",
        args=[CalendarToken.objects.get(user=unit_user).token],
    )
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_calendar_feed_has_the_units_report_deadlines(client, unit_user):
    url = _feed_url(client, unit_user)
    client.logout()
    calendar = Calendar.from_ical(client.get(url).content)
    reports = sorted(
        event.decoded("dtstart")
        for event in calendar.walk("VEVENT")
        if "进展报告" in str(event["summary"])
    )
    # 2020 batch: implementation 2020-04-01 … 2021-12-31, quarterly, 10 days' grace.
    assert reports[:2] == [datetime.date(2020, 7, 10), datetime.date(2020, 10, 10)]
    assert reports[-1] == datetime.date(2022, 1, 10)
    assert len(reports) == 7


def test_calendar_feed_of_an_expert_has_the_scoring_deadlines(
    client, office_user, expert_user
):
    batch = Batch.objects.current()
    round_ = Round.objects.create(
        batch=batch,
        kind=Round.Kind.MIDTERM,
        title="中期检查评审",
        opens_on=datetime.date(2021, 3, 1),
        closes_on=datetime.date(2021, 3, 20),
        created_by=office_user,
    )
    submission = Submission.objects.create(
        round=round_, unit=batch.units.get(slug="fujian")
    )
    Assignment.objects.create(
        submission=submission, expert=expert_user, assigned_by=office_user
    )
    url = _feed_url(client, expert_user)
    client.logout()
    calendar = Calendar.from_ical(client.get(url).content)
    scoring = {
        str(event["summary"]): event.decoded("dtstart")
        for event in calendar.walk("VEVENT")
        if "专家评分" in str(event["summary"])
    }
    assert list(scoring.values()) == [datetime.date(2021, 3, 20)]
    assert "中期检查评审" in next(iter(scoring))


@time_machine.travel("2020-09-30 23:59:59 +0800", tick=False)
def test_timeline_shows_the_units_next_report(client, unit_user):
    page = client_for(client, unit_user).get("/timeline/").content.decode()
    assert "2020-07-01 – 2020-09-30" in page
    assert "2020-10-10" in page
