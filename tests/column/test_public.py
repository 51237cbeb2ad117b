"""The public column: home, unit and task pages, the achievements catalogue.

The leak tests build everything that must stay private first (a draft plan, contacts,
an expert's scores and confidential remarks, a draft report, an unpublished
achievement, draft/scheduled/withdrawn news), then read every public page.
"""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from column.models import NewsPost
from column.public import current_phase, unit_stages
from milestones import achievements
from milestones.models import (
    Achievement,
    AchievementFile,
    AchievementKind,
    CheckKind,
    CheckMaterial,
    CheckResult,
    Plaque,
    ProgressReport,
    TaskProgress,
)
from pilots.models import Batch, BusinessDomain, PilotUnit, Task, TechnologyDomain
from plans.models import Contact, PlanSection, SectionKey
from reviews import services as review_services
from reviews.models import Decision, Score, ScoreSheet
from tests.column.programme_builders import grow_programme
from tests.plans.builders import current_plan
from tests.reviews.builders import (
    expert,
    meeting_skipped,
    plan_round,
    submitted_plan,
)

SECRETS = {
    "draft plan text": "草稿方案MARKER-PLAN-TEXT",
    "contact name": "MARKER-CONTACT-NAME",
    "contact phone": "13900001234",
    "contact e-mail": "marker-contact@example.test",
    "expert name": "MARKER专家姓名",
    "confidential remark": "MARKER-CONFIDENTIAL",
    "expert comment": "MARKER-EXPERT-COMMENT",
    "decision opinion": "MARKER-OPINION",
    "score": "9.37",
    "draft report summary": "MARKER-DRAFT-REPORT",
    "draft report work": "MARKER-DRAFT-DONE",
    "draft report percent": "77%",
    "submitted report problems": "MARKER-PROBLEMS",
    "unpublished achievement": "MARKER-UNPUBLISHED-ACHIEVEMENT",
    "draft news": "MARKER-DRAFT-NEWS",
    "scheduled news": "MARKER-SCHEDULED-NEWS",
    "withdrawn news": "MARKER-WITHDRAWN-NEWS",
}


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    # Most tests read the pages fresh; the cache tests turn it back on.
    settings.PUBLIC_CACHE_SECONDS = 0
    cache.clear()


def news(office, title, *, publish_at, withdrawn_at=None, units=(), tasks=(), **kw):
    post = NewsPost.objects.create(
        title=title,
        slug=f"post-{NewsPost.objects.count() + 1}",
        summary=kw.pop("summary", "摘要"),
        body=kw.pop("body", "正文"),
        publish_at=publish_at,
        withdrawn_at=withdrawn_at,
        created_by=office,
        **kw,
    )
    post.units.set(units)
    post.tasks.set(tasks)
    return post


def achievement(office, task, title, *, published=True, recommended=False, **kw):
    return Achievement.objects.create(
        unit=task.unit,
        task=task,
        kind=kw.pop("kind", AchievementKind.PRODUCT),
        title=title,
        description=kw.pop("description", "成果说明"),
        published_at=timezone.now() if published else None,
        recommended=recommended,
        created_by=office,
        **kw,
    )


def _report(unit, task, *, status, percent, period_start, **texts):
    report = ProgressReport.objects.create(
        batch=Batch.objects.current(),
        unit=unit,
        period_start=period_start,
        period_end=period_start + datetime.timedelta(days=89),
        due=period_start + datetime.timedelta(days=100),
        status=status,
        summary=texts.pop("summary", ""),
    )
    TaskProgress.objects.create(report=report, task=task, percent=percent, **texts)
    return report


@pytest.fixture
def leaky(office_user, unit_user, other_unit_user, zhejiang, fujian):
    """Zhejiang: a draft plan with contacts, reports, achievements, news.
    Fujian: a plan scored by a named expert and approved."""
    plan = current_plan(zhejiang)
    PlanSection.objects.create(
        plan=plan, key=SectionKey.STATUS_QUO, text=SECRETS["draft plan text"]
    )
    Contact.objects.create(
        plan=plan,
        role=Contact.Role.CONTACT,
        name=SECRETS["contact name"],
        post="处长",
        phone=SECRETS["contact phone"],
        email=SECRETS["contact e-mail"],
    )
    task = zhejiang.tasks.first()
    start = Batch.objects.current().implementation_start
    _report(
        zhejiang,
        task,
        status=ProgressReport.Status.SUBMITTED,
        percent=40,
        period_start=start,
        done="完成感知网络建设",
        problems=SECRETS["submitted report problems"],
    )
    _report(
        zhejiang,
        task,
        status=ProgressReport.Status.DRAFT,
        percent=77,
        period_start=start + datetime.timedelta(days=90),
        summary=SECRETS["draft report summary"],
        done=SECRETS["draft report work"],
    )
    achievement(office_user, task, "山洪预警平台公开成果", recommended=True)
    achievement(office_user, task, SECRETS["unpublished achievement"], published=False)
    now = timezone.now()
    news(office_user, "浙江山洪预警新闻", publish_at=now, units=[zhejiang])
    news(office_user, SECRETS["draft news"], publish_at=None, units=[zhejiang])
    news(
        office_user,
        SECRETS["scheduled news"],
        publish_at=now + datetime.timedelta(days=3),
        units=[zhejiang],
    )
    news(
        office_user,
        SECRETS["withdrawn news"],
        publish_at=now - datetime.timedelta(days=3),
        withdrawn_at=now,
        units=[zhejiang],
    )

    submitted = submitted_plan(fujian, other_unit_user, pre_reviewed_by=office_user)
    round_ = plan_round(office_user)
    review_services.add_plan_submissions(round_=round_)
    submission = round_.submissions.get(unit=fujian)
    named = expert("expert-marker", full_name=SECRETS["expert name"])
    assignment = review_services.assign(
        submission=submission, expert=named, user=office_user
    )
    sheet = ScoreSheet.objects.create(
        assignment=assignment,
        status="submitted",
        comments=SECRETS["expert comment"],
        confidential=SECRETS["confidential remark"],
        submitted_at=now,
    )
    for criterion in round_.criteria.all():
        Score.objects.create(sheet=sheet, criterion=criterion, value=Decimal("9.37"))
    round_.show_expert_names = True
    round_.save(update_fields=["show_expert_names"])
    meeting_skipped(submitted, office_user)
    review_services.decide(
        submission=submission,
        outcome=Decision.Outcome.APPROVE,
        opinion=SECRETS["decision opinion"],
        user=office_user,
    )
    submitted.refresh_from_db()
    assert submitted.status == "approved"
    return {"zhejiang_task": task, "fujian_task": fujian.tasks.first()}


def _public_urls(leaky):
    zhejiang_task, fujian_task = leaky["zhejiang_task"], leaky["fujian_task"]
    return [
        "/",
        "/units/",
        "/units/zhejiang/",
        "/units/fujian/",
        f"/units/zhejiang/tasks/{zhejiang_task.pk}/",
        f"/units/fujian/tasks/{fujian_task.pk}/",
        "/achievements/",
        f"/achievements/?unit=zhejiang&kind=product&domain={zhejiang_task.business_domain.slug}",
    ]


@pytest.mark.parametrize("persona", [None, "unit_user", "office_user"])
def test_public_pages_never_reveal_drafts_or_confidential_data(
    client, request, leaky, persona
):
    # Signed in, even as the unit or the office, the public pages stay public.
    if persona:
        client.force_login(request.getfixturevalue(persona))
    for url in _public_urls(leaky):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for what, secret in SECRETS.items():
            assert secret not in html, f"{what} leaked on {url}"


def test_public_pages_show_what_is_published(client, leaky):
    unit_page = client.get("/units/zhejiang/").content.decode()
    assert "山洪预警平台公开成果" in unit_page
    assert "浙江山洪预警新闻" in unit_page
    assert 'value="40"' in unit_page  # the submitted report's percent, not the draft's
    task_page = client.get(
        f"/units/zhejiang/tasks/{leaky['zhejiang_task'].pk}/"
    ).content.decode()
    assert "<td>40%</td>" in task_page
    fujian_page = client.get("/units/fujian/").content.decode()
    assert "实施方案已批准" in fujian_page
    home = client.get("/").content.decode()
    assert "浙江山洪预警新闻" in home
    assert "山洪预警平台公开成果" in home


@pytest.mark.parametrize("secret", SECRETS.values())
def test_search_finds_nothing_private(client, leaky, secret):
    response = client.get("/search/", {"q": secret})
    assert response.status_code == 200
    assert response.context["total"] == 0
    assert "<mark>" not in response.content.decode()


def test_unit_stages_reads_every_step_in_three_queries(
    office_user, zhejiang, fujian, django_assert_num_queries
):
    batch = Batch.objects.current()
    plan = current_plan(zhejiang)
    plan.status = "approved"
    plan.save()
    for kind, day in [
        (CheckKind.MIDTERM, datetime.date(2021, 3, 1)),
        (CheckKind.ACCEPTANCE, datetime.date(2022, 1, 10)),
    ]:
        material = CheckMaterial.objects.create(
            batch=batch, unit=zhejiang, kind=kind, status="passed"
        )
        CheckResult.objects.create(material=material, passed=True, decided_on=day)
    failed = CheckMaterial.objects.create(
        batch=batch, unit=fujian, kind=CheckKind.MIDTERM, status="failed"
    )
    CheckResult.objects.create(
        material=failed, passed=False, decided_on=datetime.date(2021, 3, 1)
    )
    Plaque.objects.create(
        batch=batch,
        unit=zhejiang,
        awarded_on=datetime.date(2022, 3, 1),
        recorded_by=office_user,
    )
    units = list(PilotUnit.objects.all())
    with django_assert_num_queries(3):
        stages = unit_stages(units, batch)
    assert stages[zhejiang.pk].dates == {
        "plan_approved": timezone.localdate(plan.status_changed_at),
        "midterm_passed": datetime.date(2021, 3, 1),
        "accepted": datetime.date(2022, 1, 10),
        "plaque": datetime.date(2022, 3, 1),
    }
    assert str(stages[zhejiang.pk].label) == "已授牌"
    assert stages[fujian.pk].dates == {}
    assert str(stages[fujian.pk].label) == "实施方案编制中"


@pytest.mark.parametrize(
    "today, phase",
    [
        (datetime.date(2020, 2, 1), None),
        (datetime.date(2020, 3, 20), "工作启动"),
        (datetime.date(2020, 5, 1), "方案实施"),
        (datetime.date(2021, 2, 1), "中期检查"),
        (datetime.date(2021, 8, 1), "方案实施"),
        (datetime.date(2021, 12, 31), "任务验收和工作总结"),
        (datetime.date(2022, 2, 1), "成果推广、授牌"),
    ],
)
def test_current_phase_follows_the_batch_dates(db, today, phase):
    found = current_phase(Batch.objects.get(slug="2020"), today)
    assert (str(found[0]) if found else None) == phase


def test_home_marks_today_and_names_the_current_phase(client, db):
    with time_machine.travel(datetime.datetime(2021, 2, 1, 12, tzinfo=datetime.UTC)):
        html = client.get("/").content.decode()
    assert '<time datetime="2021-02-01">2021-02-01</time>' in html
    assert "当前阶段：" in html
    current = html[html.index('aria-current="step"') :]
    assert current.index("中期检查") < current.index("</li>")


def test_home_groups_the_eleven_units_by_level_with_their_stage(client, db):
    html = client.get("/").content.decode()
    counts = html[html.index('id="units-title"') : html.index('class="h6 mt-3 level-')]
    assert '?level=basin">流域管理机构</a> <span class="badge level-count">3<' in counts
    assert '?level=city">市级水利部门</a> <span class="badge level-count">3<' in counts
    assert "<dt>实施方案编制中</dt><dd>11</dd>" in counts
    groups = html[html.index('class="h6 mt-3 level-') :]
    assert groups.index("流域管理机构") < groups.index("长江水利委员会")
    assert groups.index("长江水利委员会") < groups.index("省级水利部门")
    assert groups.index("省级水利部门") < groups.index("浙江省水利厅")
    assert groups.index("市级水利部门") < groups.index("深圳市水务局")
    assert groups.count('stage-0">实施方案编制中') == 11


def test_task_page_has_a_readable_url_and_404s_under_another_unit(client, db):
    task = Task.objects.filter(unit__slug="zhejiang").first()
    html = client.get(f"/units/zhejiang/tasks/{task.pk}/").content.decode()
    assert f'<h1 class="h3">{task.title}</h1>' in html
    assert task.business_domain.name in html
    assert client.get(f"/units/fujian/tasks/{task.pk}/").status_code == 404
    assert client.get("/units/zhejiang/tasks/999999/").status_code == 404


def test_unit_and_task_pages_keep_the_office_provenance_notes_to_themselves(client, db):
    # The programme data says, for the office, where each task comes from; the
    # public reads only the kind of evidence ("示例" and so on).
    tasks = list(Task.objects.select_related("unit").exclude(source=""))
    units = {task.unit for task in tasks}
    assert len(units) == PilotUnit.objects.count() == 11
    notes = {task.source for task in tasks}
    assert any("the office replaces this" in note for note in notes)
    assert any(note.startswith("Inferred: a Zhejiang") for note in notes)

    pages = [unit.get_absolute_url() for unit in units]
    pages += [f"/units/{task.unit.slug}/tasks/{task.pk}/" for task in tasks]
    for language, url in [(lang, url) for lang in ("zh-hans", "en") for url in pages]:
        client.cookies["django_language"] = language
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200, url
        for note in notes:
            assert note not in html, (url, note)
        assert "office replaces" not in html, url
        assert "Inferred:" not in html, url
    client.cookies["django_language"] = "zh-hans"
    example = Task.objects.filter(evidence=Task.Evidence.ILLUSTRATION).first()
    html = client.get(f"/units/{example.unit.slug}/tasks/{example.pk}/")
    assert "示例（非正式附件内容）" in html.content.decode()


# ------------------------------------------------------------------ catalogue


@pytest.fixture
def catalogue(office_user):
    iot = TechnologyDomain.objects.get(name="物联网")
    ai = TechnologyDomain.objects.get(name="人工智能")
    disaster = BusinessDomain.objects.get(name="水灾害")
    engineering = BusinessDomain.objects.get(name="水工程")
    zhejiang_task = Task.objects.create(
        unit=PilotUnit.objects.get(slug="zhejiang"),
        title="浙江测试任务",
        business_domain=disaster,
    )
    zhejiang_task.technology_domains.set([iot])
    shenzhen_task = Task.objects.create(
        unit=PilotUnit.objects.get(slug="shenzhen"),
        title="深圳测试任务",
        business_domain=engineering,
    )
    shenzhen_task.technology_domains.set([ai])
    items = {
        "zj-product": achievement(
            office_user, zhejiang_task, "浙江产品成果", recommended=True
        ),
        "zj-method": achievement(
            office_user,
            zhejiang_task,
            "浙江方法成果",
            recommended=True,
            kind=AchievementKind.METHOD,
        ),
        "sz-product": achievement(
            office_user, shenzhen_task, "深圳产品成果", recommended=True
        ),
        "published-only": achievement(office_user, shenzhen_task, "仅发布未推荐成果"),
    }
    AchievementFile.objects.create(
        achievement=items["zj-product"],
        file="achievements/2021/01/guide.pdf",
        name="推广指南.pdf",
        kind="pdf",
        size=2048,
        uploaded_by=office_user,
    )
    return items


def _titles(response):
    return [item.title for item in response.context["page"]]


@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, ["深圳产品成果", "浙江方法成果", "浙江产品成果"]),
        ({"kind": "product"}, ["深圳产品成果", "浙江产品成果"]),
        ({"unit": "zhejiang"}, ["浙江方法成果", "浙江产品成果"]),
        ({"domain": "engineering"}, ["深圳产品成果"]),
        ({"technology": "iot", "kind": "method"}, ["浙江方法成果"]),
        ({"technology": "ai", "unit": "zhejiang"}, []),
    ],
)
def test_catalogue_lists_recommended_achievements_filtered(
    client, catalogue, params, expected
):
    response = client.get("/achievements/", params)
    assert _titles(response) == expected


def test_catalogue_shows_description_task_unit_and_file_link(client, catalogue):
    html = client.get("/achievements/").content.decode()
    file = catalogue["zj-product"].files.get()
    assert f'href="/achievements/files/{file.pk}/"' in html
    assert "推广指南.pdf" in html
    assert "浙江测试任务" in html
    assert "浙江省水利厅" in html
    assert "成果说明" in html
    assert "仅发布未推荐成果" not in html


def test_catalogue_reports_an_unknown_filter_and_keeps_the_others(client, catalogue):
    response = client.get("/achievements/", {"unit": "atlantis", "kind": "method"})
    assert _titles(response) == ["浙江方法成果"]
    html = response.content.decode()
    assert "选择一个有效的选项" in html
    assert '<option value="method" selected>' in html


def test_catalogue_paginates_keeping_the_filters(client, office_user):
    task = Task.objects.filter(unit__slug="zhejiang").first()
    for n in range(14):
        achievement(office_user, task, f"成果{n:02d}", recommended=True)
    first = client.get("/achievements/", {"unit": "zhejiang"})
    assert len(first.context["page"]) == 12
    html = first.content.decode()
    assert 'href="?unit=zhejiang&amp;page=2"' in html
    second = client.get("/achievements/", {"unit": "zhejiang", "page": 2})
    assert _titles(second) == ["成果01", "成果00"]


# ------------------------------------------------------------------ cache


def test_changed_achievement_shows_on_the_cached_pages(
    client, settings, catalogue, django_assert_num_queries
):
    settings.PUBLIC_CACHE_SECONDS = 60
    assert "浙江产品成果" in client.get("/achievements/").content.decode()
    with django_assert_num_queries(0):
        client.get("/achievements/")  # served from the cache
    item = catalogue["zj-product"]
    item.title = "浙江产品成果（修订）"
    item.save()
    assert "浙江产品成果（修订）" in client.get("/achievements/").content.decode()
    assert "浙江产品成果（修订）" in client.get("/").content.decode()


def test_unpublished_achievement_leaves_the_cached_pages_at_once(
    client, settings, office_user, catalogue
):
    # The office's verbs write with a conditional UPDATE (no signal): they drop the
    # cache themselves, and the public pages must follow.
    settings.PUBLIC_CACHE_SECONDS = 60
    item = catalogue["zj-method"]
    task_url = f"/units/zhejiang/tasks/{item.task_id}/"
    for url in ("/", "/achievements/", "/units/zhejiang/", task_url):
        assert "浙江方法成果" in client.get(url).content.decode(), url
    achievements.unpublish(achievement=item, user=office_user)
    for url in ("/", "/achievements/", "/units/zhejiang/", task_url):
        assert "浙江方法成果" not in client.get(url).content.decode(), url


def test_changed_news_shows_on_the_cached_home(client, settings, office_user, zhejiang):
    settings.PUBLIC_CACHE_SECONDS = 60
    post = news(office_user, "第一版标题", publish_at=timezone.now(), units=[zhejiang])
    assert "第一版标题" in client.get("/").content.decode()
    assert "第一版标题" in client.get("/units/zhejiang/").content.decode()
    post.title = "第二版标题"
    post.save()
    assert "第二版标题" in client.get("/").content.decode()
    assert "第二版标题" in client.get("/units/zhejiang/").content.decode()


# ------------------------------------------------------------------ query counts


def _grow_unit(unit, office, count, first=0):
    """More tasks, submitted reports, achievements with files, news for one unit."""
    domain = BusinessDomain.objects.first()
    techs = list(TechnologyDomain.objects.all()[:2])
    start = Batch.objects.current().implementation_start
    for n in range(first, first + count):
        task = Task.objects.create(
            unit=unit, title=f"增加任务{n}", business_domain=domain
        )
        task.technology_domains.set(techs)
        _report(
            unit,
            task,
            status=ProgressReport.Status.SUBMITTED,
            percent=10 + n,
            period_start=start + datetime.timedelta(days=91 * n),
        )
        item = achievement(office, task, f"增加成果{n}", recommended=True)
        AchievementFile.objects.create(
            achievement=item,
            file=f"achievements/x{n}.pdf",
            name=f"x{n}.pdf",
            kind="pdf",
            size=10,
            uploaded_by=office,
        )
        news(
            office,
            f"增加新闻{n}",
            publish_at=timezone.now(),
            units=[unit],
            tasks=[task],
        )


def test_public_home_keeps_a_constant_query_count_from_11_to_3000_units(
    client, office_user, django_assert_num_queries
):
    _grow_unit(PilotUnit.objects.get(slug="fujian"), office_user, 1)
    with django_assert_num_queries(13):
        first = client.get("/")
    grow_programme(3000)
    _grow_unit(PilotUnit.objects.get(slug="zhejiang"), office_user, 8)
    with django_assert_num_queries(13):
        second = client.get("/")
    html = second.content.decode()
    assert first.status_code == 200
    # The units are counted; a few are named, with the way to the others.
    assert "<dt>实施方案已批准</dt><dd>3000</dd>" in html
    assert 'level-count">3003<' in html
    assert html.count('class="badge stage-badge') == 12
    assert "合成单位2999" not in html
    assert "增加新闻7" in html
    assert "增加成果7" in html


def test_unit_page_keeps_a_constant_query_count(
    client, office_user, zhejiang, django_assert_num_queries
):
    _grow_unit(zhejiang, office_user, 1)
    with django_assert_num_queries(15):
        client.get("/units/zhejiang/")
    grow_programme(3000)
    _grow_unit(zhejiang, office_user, 8, first=1)
    with django_assert_num_queries(15):
        html = client.get("/units/zhejiang/").content.decode()
    assert "增加任务7" in html
    assert "增加成果7" in html
    assert "x7.pdf" in html


def test_task_page_and_catalogue_keep_a_constant_query_count(
    client, office_user, zhejiang, django_assert_num_queries
):
    task = zhejiang.tasks.first()
    url = f"/units/zhejiang/tasks/{task.pk}/"
    achievement(office_user, task, "本任务成果", recommended=True)
    news(office_user, "本任务新闻", publish_at=timezone.now(), tasks=[task])
    with django_assert_num_queries(8):
        client.get(url)
    with django_assert_num_queries(7):
        client.get("/achievements/")
    _grow_unit(zhejiang, office_user, 8)
    for n in range(5):
        achievement(office_user, task, f"本任务成果{n}", recommended=True)
        news(office_user, f"本任务新闻{n}", publish_at=timezone.now(), tasks=[task])
    with django_assert_num_queries(8):
        html = client.get(url).content.decode()
    assert "本任务成果4" in html
    assert "本任务新闻4" in html
    with django_assert_num_queries(7):
        html = client.get("/achievements/").content.decode()
    assert "x7.pdf" in html
