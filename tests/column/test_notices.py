import datetime
import io
import re
import time
import zoneinfo

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from column import public_messages as services
from column.models import PublicMessage, PublicNotice
from milestones.models import CheckKind, CheckMaterial, CheckResult
from pilots.models import Batch
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NEW = reverse("column:message_new")
THANKS = reverse("column:message_thanks")
Status = PublicMessage.Status


@pytest.fixture(autouse=True)
def _empty_cache():
    # The page cache outlives each test's rolled-back data.
    cache.clear()


def make_notice(office_user, **fields):
    values = {
        "title": "验收结果公示",
        "body": "浙江省水利厅通过验收。",
        "starts_on": datetime.date(2026, 3, 1),
        "ends_on": datetime.date(2026, 3, 10),
        "published": True,
        "created_by": office_user,
    }
    values.update(fields)
    return PublicNotice.objects.create(**values)


def objection(notice, **overrides):
    data = {
        "kind": "objection",
        "notice": str(notice.pk),
        "unit": "",
        "subject": "对公示的异议",
        "body": "我对公示内容有不同意见，理由如下。",
        "name": "王五",
        "email": "wang@example.test",
        "website": "",
        "token": services.form_token(issued_at=time.time() - 10),
    }
    data.update(overrides)
    return data


def at(*args):
    return time_machine.travel(datetime.datetime(*args, tzinfo=SHANGHAI), tick=False)


# ------------------------------------------------------------------ objections


@pytest.mark.parametrize(
    ("moment", "accepted"),
    [
        ((2026, 2, 28, 23, 59, 59), False),
        ((2026, 3, 1, 0, 0, 0), True),
        ((2026, 3, 10, 23, 59, 59), True),
        ((2026, 3, 11, 0, 0, 0), False),
    ],
)
def test_objection_only_during_the_period_in_beijing_time(
    client, office_user, moment, accepted
):
    notice = make_notice(office_user)

    with at(*moment):
        response = client.post(NEW, objection(notice))

    if accepted:
        assert response.url == THANKS
        saved = PublicMessage.objects.get()
        assert (saved.kind, saved.notice) == ("objection", notice)
    else:
        html = response.content.decode()
        assert response.status_code == 200
        expected = (
            "该公示的公示期从 2026-03-01 开始"
            if moment[1] == 2
            else "该公示的公示期已于 2026-03-10 结束"
        )
        assert expected in html
        assert "我对公示内容有不同意见，理由如下。" in html
        assert not PublicMessage.objects.exists()


def test_objection_needs_a_notice(client):
    data = {**objection(PublicNotice(pk=0)), "notice": ""}

    response = client.post(NEW, data)

    assert "请选择您提出异议的公示" in response.content.decode()
    assert not PublicMessage.objects.exists()


def test_message_about_a_notice_must_be_an_objection(client, office_user):
    notice = make_notice(office_user)

    with at(2026, 3, 5, 12, 0):
        response = client.post(NEW, objection(notice, kind="question"))

    assert "针对公示的留言属于异议" in response.content.decode()
    assert not PublicMessage.objects.exists()


def test_objection_to_an_unpublished_notice_is_refused(client, office_user):
    notice = make_notice(office_user, published=False)

    with at(2026, 3, 5, 12, 0):
        client.post(NEW, objection(notice))

    assert not PublicMessage.objects.exists()


def test_notice_page_links_to_the_form_with_the_notice_preselected(client, office_user):
    notice = make_notice(office_user)

    with at(2026, 3, 5, 12, 0):
        page = client.get(reverse("column:notice_detail", args=[notice.pk]))
        form = client.get(NEW, {"notice": notice.pk})

    html = page.content.decode()
    assert "异议受理截止到 2026-03-10。" in html
    assert f'href="{NEW}?notice={notice.pk}"' in html
    form_html = form.content.decode()
    assert f'<option value="{notice.pk}" selected>验收结果公示</option>' in form_html
    assert '<option value="objection" selected>' in form_html


def test_notice_page_after_the_period_says_it_ended(client, office_user):
    notice = make_notice(office_user)

    with at(2026, 3, 11, 0, 0):
        html = client.get(reverse("column:notice_detail", args=[notice.pk])).content

    html = html.decode()
    assert "公示期已于 2026-03-10 结束。" in html
    assert "?notice=" not in html


def test_notice_list_groups_open_upcoming_and_past(client, office_user):
    make_notice(office_user, title="正在公示的事项")
    make_notice(
        office_user,
        title="往期公示事项",
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 1, 7),
    )
    make_notice(
        office_user,
        title="将来的公示事项",
        starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2026, 4, 7),
    )
    make_notice(office_user, title="未发布的草稿公示", published=False)

    with at(2026, 3, 5, 12, 0):
        html = client.get(reverse("column:notice_list")).content.decode()

    assert html.index("正在公示") < html.index("正在公示的事项")
    assert html.index("即将公示") < html.index("将来的公示事项")
    assert html.index("往期公示") < html.index("往期公示事项")
    assert "2026-03-01" in html and "2026-03-10" in html
    assert "未发布的草稿公示" not in html


def test_unpublished_notice_is_404_to_the_public(client, office_user):
    notice = make_notice(office_user, published=False, body="草稿正文")

    response = client.get(reverse("column:notice_detail", args=[notice.pk]))

    assert response.status_code == 404
    assert "草稿正文" not in response.content.decode()


@pytest.mark.parametrize("rows", [1, 12])
def test_public_notice_list_query_count_is_constant(
    client, office_user, zhejiang, fujian, django_assert_num_queries, settings, rows
):
    settings.PUBLIC_CACHE_SECONDS = 0
    for number in range(rows):
        notice = make_notice(office_user, title=f"公示{number}")
        notice.units.set([zhejiang, fujian])

    # notices, their units
    with django_assert_num_queries(2):
        response = client.get(reverse("column:notice_list"))
    assert f"公示{rows - 1}" in response.content.decode()


# ------------------------------------------------------------------ the office


def test_office_notice_list_counts_objections(client, office_user):
    notice = make_notice(office_user)
    other = make_notice(office_user, title="另一则公示")
    for status in (Status.PENDING, Status.PENDING, Status.REJECTED):
        PublicMessage.objects.create(
            kind="objection",
            notice=notice,
            name="n",
            email="n@example.test",
            subject="异议",
            body="b",
            status=status,
        )

    html = client_for(client, office_user).get(reverse("column:notice_office_list"))

    html = html.content.decode()
    assert "3 条异议" in html
    assert "2 条待审核" in html
    assert f'?notice={other.pk}">0 条异议' in html


def test_office_sees_the_objections_with_their_notice(client, office_user):
    notice = make_notice(office_user)
    PublicMessage.objects.create(
        kind="objection",
        notice=notice,
        name="n",
        email="n@example.test",
        subject="针对公示的异议",
        body="b",
    )
    PublicMessage.objects.create(
        name="n", email="n@example.test", subject="普通建议", body="b"
    )

    response = client_for(client, office_user).get(
        reverse("column:message_moderation"), {"notice": notice.pk}
    )

    html = response.content.decode()
    assert "针对公示的异议" in html and "验收结果公示" in html
    assert "普通建议" not in html


@pytest.mark.parametrize("rows", [1, 12])
def test_office_notice_list_query_count_is_constant(
    client, office_user, zhejiang, django_assert_num_queries, rows
):
    for number in range(rows):
        notice = make_notice(office_user, title=f"公示{number}")
        notice.units.set([zhejiang])
        PublicMessage.objects.create(
            kind="objection",
            notice=notice,
            name="n",
            email="n@example.test",
            subject="s",
            body="b",
        )
    client_for(client, office_user)
    url = reverse("column:notice_office_list")
    client.get(url)

    # session, user, unread notifications, notices with counts, their units
    with django_assert_num_queries(5):
        client.get(url)


def test_office_creates_and_publishes_a_notice(client, office_user, zhejiang):
    response = client_for(client, office_user).post(
        reverse("column:notice_create"),
        {
            "title": "新的公示",
            "body": "公示正文",
            "units": [zhejiang.pk],
            "starts_on": "2021-03-01",
            "ends_on": "2021-03-07",
            "published": "on",
        },
    )

    assert response.url == reverse("column:notice_office_list")
    notice = PublicNotice.objects.get()
    assert (notice.title, notice.created_by, notice.published) == (
        "新的公示",
        office_user,
        True,
    )
    assert list(notice.units.all()) == [zhejiang]
    client.logout()
    public = client.get(reverse("column:notice_detail", args=[notice.pk]))
    assert "公示正文" in public.content.decode()


def test_notice_period_must_not_end_before_it_starts(client, office_user):
    response = client_for(client, office_user).post(
        reverse("column:notice_create"),
        {
            "title": "日期错误的公示",
            "body": "正文",
            "starts_on": "2021-03-10",
            "ends_on": "2021-03-09",
        },
    )

    html = response.content.decode()
    assert "公示结束日期不能早于开始日期（2021-03-10）" in html
    assert 'value="日期错误的公示"' in html
    assert not PublicNotice.objects.exists()


def test_office_edits_a_notice(client, office_user):
    notice = make_notice(office_user)

    client_for(client, office_user).post(
        reverse("column:notice_edit", args=[notice.pk]),
        {
            "title": "改过的标题",
            "body": notice.body,
            "starts_on": "2021-03-01",
            "ends_on": "2021-03-12",
            "published": "on",
        },
    )

    notice.refresh_from_db()
    assert (notice.title, notice.ends_on) == ("改过的标题", datetime.date(2021, 3, 12))


def test_a_notice_period_outside_its_programme_is_refused(client, office_user):
    # The 2020 batch: launched 2020-09-..., accepted by 2021-12-31; results may be
    # announced for a year after.
    response = client_for(client, office_user).post(
        reverse("column:notice_create"),
        {
            "title": "日期离谱的公示",
            "body": "正文",
            "starts_on": "0001-01-01",
            "ends_on": "9999-12-31",
        },
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert html.count("公示须在本批次试点期间内") == 2
    assert 'value="日期离谱的公示"' in html
    assert not PublicNotice.objects.exists()


def test_acceptance_prefill_lists_the_units_that_passed(
    client, office_user, zhejiang, fujian
):
    batch = Batch.objects.current()
    passed = CheckMaterial.objects.create(
        batch=batch, unit=zhejiang, kind=CheckKind.ACCEPTANCE, status="passed"
    )
    CheckResult.objects.create(
        material=passed, passed=True, grade="excellent", decided_on="2022-01-10"
    )
    failed = CheckMaterial.objects.create(
        batch=batch, unit=fujian, kind=CheckKind.ACCEPTANCE, status="failed"
    )
    CheckResult.objects.create(material=failed, passed=False, decided_on="2022-01-10")

    response = client_for(client, office_user).get(
        reverse("column:notice_create"), {"prefill": "acceptance"}
    )

    html = response.content.decode()
    assert 'value="智慧水利先行先试任务验收结果公示"' in html
    assert f"1. {zhejiang.name}（优秀）" in html
    assert fujian.name not in html.split("<textarea")[1].split("</textarea>")[0]
    checked = re.findall(r'name="units" value="(\d+)"\s+id="[^"]+" checked', html)
    assert checked == [str(zhejiang.pk)]


def test_acceptance_prefill_without_results_says_so(client, office_user):
    response = client_for(client, office_user).get(
        reverse("column:notice_create"), {"prefill": "acceptance"}
    )

    assert "还没有单位通过验收。" in response.content.decode()


def _notice_office_urls(office_user):
    notice = make_notice(office_user)
    return [
        reverse("column:notice_office_list"),
        reverse("column:notice_create"),
        reverse("column:notice_edit", args=[notice.pk]),
    ]


def test_notice_office_pages_send_anonymous_to_login(client, office_user):
    for url in _notice_office_urls(office_user):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize(
    "persona", ["department_user", "unit_user", "other_unit_user", "expert_user"]
)
def test_notice_office_pages_are_403_to_other_roles(
    client, request, office_user, persona
):
    urls = _notice_office_urls(office_user)
    client_for(client, request.getfixturevalue(persona))
    for url in urls:
        assert client.get(url).status_code == 403, url
    response = client.post(urls[1], {"title": "x", "body": "y"})
    assert response.status_code == 403
    assert PublicNotice.objects.count() == 1


def test_notice_office_pages_open_for_the_office(client, office_user):
    urls = _notice_office_urls(office_user)
    client_for(client, office_user)
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert "验收结果公示" in client.get(urls[0]).content.decode()


# ------------------------------------------------------------------ demo


def test_demo_messages_seed_twice_keeps_one_set(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())

    demo = PublicMessage.objects.filter(is_demo=True)
    assert demo.count() == 5
    assert demo.filter(status=Status.PUBLISHED).exclude(answer="").count() == 2
    assert demo.filter(status=Status.PENDING).count() == 2
    assert demo.filter(status=Status.REJECTED).count() == 1
    assert all("演示" in subject for subject in demo.values_list("subject", flat=True))
    notice = PublicNotice.objects.get(is_demo=True)
    assert notice.is_open() and "演示" in notice.title


def test_demo_notice_names_only_the_units_that_passed_a_check(client, db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())

    passed = CheckResult.objects.filter(passed=True).select_related("material__unit")
    # The demo data: only Fujian's mid-term check is decided; no acceptance yet.
    assert [(r.material.unit.slug, r.material.kind) for r in passed] == [
        ("fujian", CheckKind.MIDTERM)
    ]
    notice = PublicNotice.objects.get(is_demo=True)
    html = client.get(reverse("column:notice_detail", args=[notice.pk])).content
    html = html.decode()
    assert "智慧水利先行先试中期检查结果公示（演示）" in html
    assert "经专家组检查，以下先行先试单位通过中期检查，现予公示：" in html
    assert "1. 福建省水利厅（通过）" in html
    assert "验收" not in notice.title + notice.body
    for name in ("浙江省水利厅", "宁波市水利局"):
        assert name not in html
    assert [unit.slug for unit in notice.units.all()] == ["fujian"]


def test_demo_seed_replaces_the_earlier_false_acceptance_notice(
    db, settings, office_user
):
    settings.DEBUG = True
    PublicNotice.objects.create(
        created_by=office_user,
        title="智慧水利先行先试任务验收结果公示（演示）",
        body="本公示为演示数据。\n1. 浙江省水利厅（优秀）\n2. 宁波市水利局（良好）",
        starts_on=datetime.date(2026, 3, 1),
        ends_on=datetime.date(2026, 3, 10),
        published=True,
        is_demo=True,
    )

    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())

    titles = list(PublicNotice.objects.values_list("title", flat=True))
    assert titles == ["智慧水利先行先试中期检查结果公示（演示）"]
