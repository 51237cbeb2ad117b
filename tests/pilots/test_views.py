import pytest
from django.urls import reverse

from pilots.models import BusinessDomain, PilotUnit, Task, TechnologyDomain
from tests.conftest import client_for

ROLE_HOMES = {
    "office_user": "milestones:office_home",
    "department_user": "milestones:department_home",
    "unit_user": "milestones:unit_home",
    "expert_user": "milestones:expert_home",
}


@pytest.mark.parametrize("persona, home", ROLE_HOMES.items())
def test_home_sends_each_role_to_its_own_page(client, db, request, persona, home):
    user = request.getfixturevalue(persona)
    response = client_for(client, user).get(reverse("milestones:home"))
    assert response.status_code == 302
    assert response.url == reverse(home)


@pytest.mark.parametrize("persona, home", ROLE_HOMES.items())
def test_each_role_may_open_only_its_own_home(client, db, request, persona, home):
    user = request.getfixturevalue(persona)
    client_for(client, user)
    for other in ROLE_HOMES.values():
        response = client.get(reverse(other))
        assert response.status_code == (200 if other == home else 403), other


@pytest.mark.parametrize("home", ROLE_HOMES.values())
def test_anonymous_is_sent_to_login_from_every_workspace(client, db, home):
    response = client.get(reverse(home))
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={reverse(home)}"


def test_login_lands_on_the_role_home(client, unit_user):
    response = client.post(
        reverse("login"),
        {"username": "zhejiang-member", "password": "persona-pass-123"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("milestones:unit_home")
    assert "浙江省水利厅" in response.content.decode()


def test_unit_home_shows_only_its_own_tasks(client, unit_user):
    page = client_for(client, unit_user).get(reverse("milestones:unit_home")).content
    page = page.decode()
    assert "山洪灾害监测预警平台" in page
    assert "水库智慧监管" not in page  # Shenzhen's


def test_department_home_lists_the_tasks_of_its_domains(client, department_user):
    page = client_for(client, department_user).get(
        reverse("milestones:department_home")
    )
    html = page.content.decode()
    assert "水库智慧监管" in html  # 水工程
    assert "智慧排水" not in html  # 水灾害: another department's


def test_unit_list_groups_units_by_level_in_chinese(client, db):
    html = client.get(reverse("column:unit_list")).content.decode()
    assert html.index("流域管理机构") < html.index("长江水利委员会")
    assert html.index("省级水利部门") < html.index("浙江省水利厅")
    assert html.index("市级水利部门") < html.index("深圳市水务局")
    assert html.count('class="card h-100 unit-card"') == 11


def test_unit_page_marks_example_tasks(client, db):
    html = client.get(reverse("column:unit_detail", args=["fujian"])).content.decode()
    assert "河湖长制智慧管理" in html
    assert "示例" in html


def test_unknown_unit_is_404(client, db):
    assert client.get("/units/atlantis/").status_code == 404


def test_language_switch_renders_english(client, db):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "/units/"}, follow=True
    )
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Pilot units" in html
    assert "Changjiang Water Resources Commission" in html
    assert "River basin agency" in html


def _add_tasks(count):
    domain = BusinessDomain.objects.first()
    techs = list(TechnologyDomain.objects.all()[:2])
    for unit in PilotUnit.objects.all():
        for i in range(count):
            task = Task.objects.create(
                unit=unit, title=f"extra {i}", business_domain=domain
            )
            task.technology_domains.set(techs)


# The home and unit pages at 11 and 3,000 units: tests/column/test_public.py and
# tests/column/test_public_scale.py.
@pytest.mark.parametrize(
    "url, queries, marker, times",
    # The list names each unit's first tasks and links to all of them.
    [("/units/", 9, "项任务 →</a>", 11), ("/units/zhejiang/", 12, "extra 19", 1)],
)
def test_public_unit_pages_keep_a_constant_query_count(
    client, db, settings, django_assert_num_queries, url, queries, marker, times
):
    settings.PUBLIC_CACHE_SECONDS = 0
    with django_assert_num_queries(queries):
        first = client.get(url)
    _add_tasks(20)
    with django_assert_num_queries(queries):
        second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert second.content.decode().count(marker) == times


def test_an_english_browser_still_gets_chinese_until_it_chooses(client, db):
    html = client.get("/units/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content
    assert '<html lang="zh-Hans">' in html.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/units/"})
    html = client.get("/units/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert '<html lang="en">' in html
