"""The whole programme walked through in the browser, once in Chinese and once in
English, by the people who use it and through the forms they use.

A unit writes its implementation plan and sees submission refused while the plan
is incomplete. The office records 初审, the supervising department 预审, the office
puts the plan before an expert round, and three experts score it. After 会审 the
office returns the plan; the unit revises and resubmits. The new version goes
through 初审, a skipped 预审, the round again (experts carried over, one rescores)
and a skipped 会审 with the quorum waived, and is approved. The unit downloads the
version's PDF (rendered by a real Celery worker), reports progress and registers
an achievement; the office publishes a news post and the achievement; a visitor
finds them all on the public column, in search and in the Atom feed.

The test body never touches the ORM (see `browser` in tests/conftest.py): the
fixture hands it plain values. When a step fails, every actor's page is
screenshotted into tmp_path and the folder is printed.
"""

import contextlib
import datetime
import re
import shutil
import subprocess

import feedparser
import pytest
from django.utils import timezone

from pilots.models import Batch, Department, PilotUnit, User
from plans.models import SectionKey
from tests.conftest import PASSWORD, make_user

pytestmark = [
    pytest.mark.browser,
    # The live server and the Celery worker see committed rows only; serialized
    # rollback restores the programme data (and the batch's dates) afterwards.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

UNIT = "guangdong"  # one task (水工程), supervised by 运行管理司
EXPERTS = [
    ("walk-expert-1", "王建国", User.Expertise.BUSINESS),
    ("walk-expert-2", "李华", User.Expertise.IT),
    ("walk-expert-3", "赵强", User.Expertise.BUSINESS),
]

# What the users read and click, in each language (the .po file's translations).
UI = {
    "zh-hans": {
        "html_lang": "zh-Hans",
        "log_in": "登录",
        "office_home": "水利部网信办",
        "our_plan": "本单位实施方案",
        "start_plan": "开始编写实施方案",
        "save": "保存",
        "section_saved": "本节已保存。",
        "submit_plan": "提交方案",
        "what_will_happen": "确认后将会发生",
        "incomplete": "方案尚未完整，暂不能提交。",
        "no_responsible": "尚未填写总体负责人。",
        "no_schedule": "任务“水利工程智慧运行管理”尚无进度安排。",
        "contacts_saved": "联系人信息已保存。",
        "add": "添加",
        "added": "已添加。",
        "back_to_plan": "返回方案",
        "complete": "方案已完整。",
        "plan_submitted": "方案已提交。",
        "submitted": "已提交",
        "under_review": "审查中",
        "returned": "退回修改",
        "approved": "已通过",
        "record": "记录",
        "record_step": "确认记录",
        "skip_stage": "确认跳过",
        "stage_recorded": "评审环节已记录。",
        "skip_pre_review": "跳过预审",
        "skip_meeting": "跳过会审",
        "new_round": "新建评审轮次",
        "create": "创建",
        "round_created": "评审轮次已创建。",
        "add_plans": "加入已提交的方案",
        "one_added": "已加入1份评审材料。",
        "assign": "指派",
        "assigned": "专家已指派。",
        "not_started": "未开始",
        "expert_reviews": "专家评审",
        "replaced": "已被新版本取代",
        "submit_scores": "提交评分",
        "scores_submitted": "评分已提交。",
        "review_link": "评审轮次中的提交：专家、评分和决定",
        "record_decision": "记录评审决定",
        "decision_recorded": "评审决定已记录。",
        "plan_pdf": "方案PDF",
        "make_pdf": "生成PDF",
        "ready": "已完成",
        "download_pdf": "下载PDF",
        "progress_reports": "进展报告",
        "write": "填写",
        "submit": "提交",
        "submit_report": "提交报告",
        "report_submitted": "报告已提交。",
        "achievements": "成果",
        "register_achievement": "登记成果",
        "achievement_registered": "成果已登记。",
        "not_published": "未发布",
        "news_posts": "动态管理",
        "new_post": "新建稿件",
        "save_and_preview": "保存并预览",
        "post_saved": "稿件已保存。",
        "publish_now": "立即发布",
        "published": "已发布。",
        "publish_achievement": "在工作专栏发布",
        "achievement_published": "已在工作专栏发布。",
        "recommend": "推荐为可推广可复制成果",
        "recommended": "已推荐为可推广可复制成果。",
        "pilot_units": "先行先试单位",
        "news": "工作动态",
        "results_to_promote": "可推广成果",
        "plan_approved": "实施方案已批准",
        "results_found": "“{query}”共找到 {count} 条结果。",
        "feed_title": "智慧水利先行先试：工作进展与成效成果",
    },
    "en": {
        "html_lang": "en",
        "log_in": "Log in",
        "office_home": "Programme office",
        "our_plan": "Our implementation plan",
        "start_plan": "Start the plan",
        "save": "Save",
        "section_saved": "Section saved.",
        "submit_plan": "Submit the plan",
        "what_will_happen": "What will happen",
        "incomplete": "The plan is not complete yet.",
        "no_responsible": "The overall responsible person is missing.",
        "no_schedule": "Task “Smart operation of water projects” has no schedule item.",
        "contacts_saved": "Contacts saved.",
        "add": "Add",
        "added": "Added.",
        "back_to_plan": "Back to the plan",
        "complete": "The plan is complete.",
        "plan_submitted": "Plan submitted.",
        "submitted": "Submitted",
        "under_review": "Under review",
        "returned": "Returned for revision",
        "approved": "Approved",
        "record": "Record",
        "record_step": "Record the step",
        "skip_stage": "Skip the stage",
        "stage_recorded": "The stage was recorded.",
        "skip_pre_review": "Skip the pre-review",
        "skip_meeting": "Skip the joint meeting",
        "new_round": "New review round",
        "create": "Create",
        "round_created": "The round was created.",
        "add_plans": "Add the submitted plans",
        "one_added": "1 submission(s) added.",
        "assign": "Assign",
        "assigned": "The expert was assigned.",
        "not_started": "Not started",
        "expert_reviews": "Expert reviews",
        "replaced": "Replaced by a newer version",
        "submit_scores": "Submit scores",
        "scores_submitted": "Your scores were submitted.",
        "review_link": (
            "The submission before the round: experts, scores and the decision"
        ),
        "record_decision": "Record the decision",
        "decision_recorded": "The decision was recorded.",
        "plan_pdf": "Plan PDF",
        "make_pdf": "Make the PDF",
        "ready": "Ready",
        "download_pdf": "Download PDF",
        "progress_reports": "Progress reports",
        "write": "Write",
        "submit": "Submit",
        "submit_report": "Submit the report",
        "report_submitted": "Report submitted.",
        "achievements": "Achievements",
        "register_achievement": "Register an achievement",
        "achievement_registered": "Achievement registered.",
        "not_published": "Not published",
        "news_posts": "News posts",
        "new_post": "New post",
        "save_and_preview": "Save and preview",
        "post_saved": "The post is saved.",
        "publish_now": "Publish now",
        "published": "Published.",
        "publish_achievement": "Publish in the progress column",
        "achievement_published": "Published in the progress column.",
        "recommend": "Recommend for promotion (可推广可复制)",
        "recommended": "Recommended for promotion.",
        "pilot_units": "Pilot units",
        "news": "News",
        "results_to_promote": "Results to promote",
        "plan_approved": "Implementation plan approved",
        "results_found": "{count} results for “{query}”.",
        "feed_title": "Smart-water pilot programme: progress and results",
    },
}

# What the users type, in the language they work in.
TYPED = {
    "zh-hans": {
        "section": "广东省水利工程运行管理：大纲第{n}节的内容。",
        "revised": "技术方案（修订稿）：补充数据共享与网络安全防护方案。",
        "contact": ("李明", "处长"),
        "work_item": "建设工程运行监测平台",
        "deliverable": "水利工程智慧运行管理平台",
        "comments": "材料齐全。",
        "guidance": "建议加强数据共享。",
        "round": "2020年实施方案专家评审",
        "sheet": "方案目标明确，技术路线可行。",
        "meeting": "请补充网络安全方案。",
        "return": "请补充网络安全方案后重新提交。",
        "skip_pre_review": "第一版已预审，修改不涉及业务内容",
        "skip_meeting": "修改内容简单，不再会审",
        "waive": "一位专家复核即可，其余专家意见已在第一版给出",
        "approve": "同意实施。",
        "summary": "平台建设按计划推进。",
        "done": "完成需求调研与总体设计。",
        "achievement": "广东水利工程智慧运行管理模式",
        "achievement_text": "以数字孪生支撑水利工程运行管理的新模式。",
        "recommendation": "模式清晰，可在其他省份复制推广。",
        "post": "广东智慧运管平台上线试运行",
        "post_summary": "广东省水利工程智慧运行管理平台上线试运行。",
        "post_body": "平台汇聚全省水利工程运行数据。\n\n- 实时监测\n- 智能预警",
        "query": "广东",
    },
    "en": {
        "section": "Operation of Guangdong's water projects: part {n} of the outline.",
        "revised": "Technical solution (revised): data sharing and cyber security.",
        "contact": ("Li Ming", "Division head"),
        "work_item": "Build the operation monitoring platform",
        "deliverable": "Smart operation platform for water projects",
        "comments": "The material is complete.",
        "guidance": "Share more data with the basin.",
        "round": "Plan review 2020",
        "sheet": "Clear goals and a workable technical approach.",
        "meeting": "Add a cyber security plan.",
        "return": "Please add a cyber security plan and submit again.",
        "skip_pre_review": "Pre-reviewed in version 1; the change is technical only",
        "skip_meeting": "A small change: no second meeting",
        "waive": "One expert rechecks; the others scored version 1",
        "approve": "Approved for implementation.",
        "summary": "The platform is on schedule.",
        "done": "Requirements gathered and the overall design done.",
        "achievement": "Guangdong model of smart project operation",
        "achievement_text": "A digital-twin model for operating water projects.",
        "recommendation": "A clear model other provinces can copy.",
        "post": "Guangdong smart operation platform goes live",
        "post_summary": "Guangdong's smart platform for water projects is live.",
        "post_body": "It gathers the province's project data.\n\n- Monitoring",
        "query": "Guangdong",
    },
}


@pytest.fixture
def programme(db, settings):
    """The 2020 batch with its dates moved around today, so that plans are due
    ahead, a reporting period is open and a round can be scored; and the people
    of the walk. Plain values only: the test body does not touch the ORM."""
    # Seven accounts and six log-ins: a fast hash keeps the walk's time on pages.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    today = timezone.localdate()
    batch = Batch.objects.current()
    batch.launch_date = today - datetime.timedelta(days=30)
    batch.plan_due = today + datetime.timedelta(days=30)
    batch.implementation_start = today - datetime.timedelta(days=7)
    batch.implementation_end = today + datetime.timedelta(days=365)
    batch.midterm_start = today + datetime.timedelta(days=120)
    batch.midterm_end = today + datetime.timedelta(days=180)
    batch.acceptance_due = batch.implementation_end
    batch.save()
    unit = PilotUnit.objects.get(slug=UNIT)
    (task,) = unit.tasks.all()
    make_user("walk-office", User.Role.OFFICE, full_name="网信办张")
    make_user("walk-unit", User.Role.UNIT, unit=unit, full_name="广东李")
    make_user(
        "walk-department",
        User.Role.DEPARTMENT,
        department=Department.objects.get(slug="operation"),
    )
    for username, name, expertise in EXPERTS:
        make_user(username, User.Role.EXPERT, full_name=name, expertise=expertise)
    return {
        "today": today,
        "batch": {"zh-hans": batch.name, "en": batch.name_en},
        "unit_pk": unit.pk,
        "unit": {"zh-hans": unit.name, "en": unit.name_en},
        "task_pk": task.pk,
    }


class Walk:
    """The actors' pages, each in its own browser context (its own session), in
    the walk's language; what each did last, for the screenshots of a failure."""

    def __init__(self, browser, base_url, language, shots):
        self.browser, self.base, self.language = browser, base_url, language
        self.ui, self.typed = UI[language], TYPED[language]
        self.shots = shots
        self.pages = {}
        self.steps = []
        self.round_url = None

    @contextlib.contextmanager
    def step(self, name, actor):
        """Mark what `actor` does next (for the screenshots of a failure)."""
        self.steps.append((name, actor))
        yield

    def open(self, actor, *, english_cookie=True):
        context = self.browser.new_context(
            locale="zh-CN",
            viewport={"width": 1280, "height": 900},
            # Bootstrap scrolls smoothly otherwise: every click far down a long
            # page would wait for the scroll to settle.
            reduced_motion="reduce",
        )
        if self.language == "en" and english_cookie:
            context.add_cookies(
                [{"name": "django_language", "value": "en", "url": self.base}]
            )
        context.set_default_timeout(15_000)
        page = self.pages[actor] = context.new_page()
        return page

    def log_in(self, actor, username):
        page = self.open(actor)
        with self.step(f"{username} logs in", actor):
            page.goto(f"{self.base}/accounts/login/")
            page.locator("#id_username").fill(username)
            page.locator("#id_password").fill(PASSWORD)
            button = page.locator("main").get_by_role("button", name=self.ui["log_in"])
            submit(page, button)
        return page

    def screenshot_all(self):
        """One screenshot per actor, as its page stands, named after the last step
        it took (the failing step's actor shows the failure)."""
        self.shots.mkdir(exist_ok=True)
        last = {actor: (n, name) for n, (name, actor) in enumerate(self.steps, 1)}
        written = []
        for actor, page in self.pages.items():
            n, name = last.get(actor, (0, "opened"))
            path = self.shots / f"{n:02d}-{actor}-{slugify(name)}.png"
            with contextlib.suppress(Exception):
                page.screenshot(path=path, full_page=True)
                written.append(path.name)
        failed = self.steps[-1][0] if self.steps else "(before the first step)"
        print(f"\nThe walk failed at step: {failed}")
        print(f"Screenshots of every actor's page in {self.shots}: {sorted(written)}")

    def close(self):
        for page in self.pages.values():
            with contextlib.suppress(Exception):
                page.context.close()


def slugify(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:50]


def submit(page, locator):
    """Click what posts a form (or follows a link) and wait for the page it
    leads to, redirects followed."""
    with page.expect_navigation():
        locator.click()


def confirm(page, ui, button):
    """The step before what cannot be undone: a page of its own says what will
    happen; its button carries on."""
    assert page.get_by_role("heading", name=ui["what_will_happen"]).is_visible()
    submit(page, page.get_by_role("button", name=button, exact=True))


def told(page):
    """The messages the page shows the user (successes, warnings, errors)."""
    return page.locator("main > .alert").all_inner_texts()


def section(page, heading_id):
    return page.locator("section", has=page.locator(f"#{heading_id}"))


def workspace(page, name):
    """A link of the workspace row; one in a menu is shown by opening its menu."""
    link = page.locator(".workspace-nav").get_by_role("link", name=name, exact=True)
    if not link.is_visible():
        # `has` is looked for inside each menu (the link without the row), and
        # among hidden elements: a closed menu's links are not displayed.
        named = page.get_by_role("link", name=name, exact=True, include_hidden=True)
        menu = page.locator(".workspace-nav .dropdown", has=named)
        menu.locator(".dropdown-toggle").click()
    return link


def public_nav(page, name):
    return page.locator("#main-nav").get_by_role("link", name=name, exact=True)


def plan_status(page):
    return page.locator("#plan-status").inner_text()


def iso(day):
    return day.isoformat()


# ------------------------------------------------------------------ the steps


def office_signs_in(walk, data):
    page = walk.log_in("office", "walk-office")
    with walk.step("the office is signed in", "office"):
        assert page.url == f"{walk.base}/office/"
        heading = page.get_by_role("heading", level=1).inner_text()
        assert heading == walk.ui["office_home"]
        assert data["batch"][walk.language] in page.locator("main").inner_text()
        assert page.locator("html").get_attribute("lang") == walk.ui["html_lang"]


def unit_writes_the_plan(walk, data):
    ui, typed = walk.ui, walk.typed
    page = walk.log_in("unit", "walk-unit")
    plan_url = f"{walk.base}/plans/{UNIT}/"
    with walk.step("the unit writes every section", "unit"):
        submit(page, workspace(page, ui["our_plan"]))
        assert page.url == plan_url
        # Opening the page wrote nothing: the unit starts its plan itself.
        submit(page, page.get_by_role("button", name=ui["start_plan"]))
        assert page.url == plan_url
        for n, key in enumerate(SectionKey.values, 1):
            submit(page, page.locator(f'a[href="/plans/{UNIT}/sections/{key}/"]'))
            page.locator("#id_text").fill(typed["section"].format(n=n))
            submit(page, page.get_by_role("button", name=ui["save"], exact=True))
            assert page.url == f"{plan_url}#section-{key}"
            assert ui["section_saved"] in told(page)

    with walk.step("submission is refused while the plan is incomplete", "unit"):
        submit(page, page.get_by_role("button", name=ui["submit_plan"]))
        # One alert: the refusal, then every blocker in a list.
        [alert] = told(page)
        assert alert.startswith(ui["incomplete"])
        blockers = page.locator("main > .alert li").all_inner_texts()
        assert ui["no_responsible"] in blockers
        assert ui["no_schedule"] in blockers
        assert page.locator("#plan-status").inner_text() != ui["submitted"]

    with walk.step("the unit fills in contacts, schedule, deliverables", "unit"):
        name, post = typed["contact"]
        submit(page, page.locator(f'a[href="/plans/{UNIT}/contacts/"]'))
        for slot in ("unit", data["task_pk"]):
            for role in ("responsible", "contact"):
                prefix = f"#id_{slot}-{role}"
                page.locator(f"{prefix}-name").fill(name)
                page.locator(f"{prefix}-post").fill(post)
                page.locator(f"{prefix}-phone").fill("13800138000")
                page.locator(f"{prefix}-email").fill("liming@example.test")
        submit(page, page.get_by_role("button", name=ui["save"], exact=True))
        assert ui["contacts_saved"] in told(page)
        assert page.locator("#section-contacts tbody tr").count() == 4

        today = data["today"]
        submit(page, page.locator(f'a[href="/plans/{UNIT}/schedule/"]'))
        page.locator("#id_task").select_option(str(data["task_pk"]))
        page.locator("#id_title").fill(typed["work_item"])
        page.locator("#id_start").fill(iso(today))
        page.locator("#id_end").fill(iso(today + datetime.timedelta(days=90)))
        submit(page, page.get_by_role("button", name=ui["add"], exact=True))
        assert ui["added"] in told(page)
        assert typed["work_item"] in page.locator("table").inner_text()
        submit(page, page.get_by_role("link", name=ui["back_to_plan"]))

        submit(page, page.locator(f'a[href="/plans/{UNIT}/deliverables/"]'))
        page.locator("#id_task").select_option(str(data["task_pk"]))
        page.locator("#id_title").fill(typed["deliverable"])
        page.locator("#id_kind").select_option("product")
        page.locator("#id_due").fill(iso(today + datetime.timedelta(days=180)))
        submit(page, page.get_by_role("button", name=ui["add"], exact=True))
        assert ui["added"] in told(page)
        assert typed["deliverable"] in page.locator("table").inner_text()
        submit(page, page.get_by_role("link", name=ui["back_to_plan"]))

    with walk.step("the unit submits the complete plan", "unit"):
        assert page.get_by_text(ui["complete"]).is_visible()
        submit(page, page.get_by_role("button", name=ui["submit_plan"]))
        confirm(page, ui, ui["submit_plan"])
        assert told(page) == [ui["plan_submitted"]]
        assert plan_status(page) == ui["submitted"]


def record_stage(page, ui, heading, fields):
    """Fill one stage's form on the stages page and record it."""
    for selector, value in fields.items():
        field = page.locator(selector)
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    submit(
        page,
        section(page, heading).get_by_role("button", name=ui["record"], exact=True),
    )
    confirm(page, ui, ui["record_step"])
    assert ui["stage_recorded"] in told(page)


def expert_scores(walk, data, n, scores, total, *, current_only=False):
    """Expert `n` opens the assignment from their list and submits `scores`
    (repeated over the six criteria), whose weighted total is `total`."""
    ui = walk.ui
    username = EXPERTS[n][0]
    page = walk.pages.get(username) or walk.log_in(username, username)
    with walk.step(f"expert {n + 1} scores", username):
        submit(page, workspace(page, ui["expert_reviews"]))
        rows = page.locator("main tbody tr")
        if current_only:
            # The first version's assignment is still listed, marked replaced.
            assert rows.filter(has_text=ui["replaced"]).count() == 1
            rows = rows.filter(has_not_text=ui["replaced"])
        link = rows.get_by_role("link", name=data["unit"][walk.language])
        submit(page, link)
        inputs = page.locator('input[id^="id_score_"]')
        assert inputs.count() == 6  # the 2020 criteria
        for i in range(inputs.count()):
            inputs.nth(i).fill(str(scores[i % len(scores)]))
        page.locator("#id_comments").fill(walk.typed["sheet"])
        submit(page, page.get_by_role("button", name=ui["submit_scores"]))
        confirm(page, ui, ui["submit_scores"])
        assert ui["scores_submitted"] in told(page)
        assert page.locator("#sheet-saved-total").inner_text() == total


def office_reviews_the_first_version(walk, data):
    ui, typed = walk.ui, walk.typed
    office = walk.pages["office"]
    stages_url = f"{walk.base}/reviews/stages/{UNIT}/"
    with walk.step("the office records 初审 (preliminary check) pass", "office"):
        office.goto(stages_url)
        record_stage(
            office,
            ui,
            "heading-preliminary",
            {
                "#preliminary-outcome": "pass",
                "#preliminary-comments": typed["comments"],
            },
        )
        assert ui["under_review"] in office.locator("main > p").first.inner_text()

    department = walk.log_in("department", "walk-department")
    with walk.step(
        "the supervising department records 预审 (pre-review)", "department"
    ):
        submit(department, workspace(department, ui["expert_reviews"]))
        submit(
            department,
            department.get_by_role("link", name=data["unit"][walk.language]),
        )
        assert department.url == stages_url
        record_stage(
            department,
            ui,
            "heading-pre-review",
            {
                "#pre_review-outcome": "recommend",
                "#pre_review-comments": typed["guidance"],
            },
        )

    with walk.step("the office creates a round, adds the plan, assigns", "office"):
        submit(office, workspace(office, ui["expert_reviews"]))
        submit(office, office.get_by_role("link", name=ui["new_round"]))
        office.locator("#id_kind").select_option("plan")
        office.locator("#id_title").fill(typed["round"])
        office.locator("#id_opens_on").fill(iso(data["today"]))
        office.locator("#id_closes_on").fill(
            iso(data["today"] + datetime.timedelta(days=14))
        )
        submit(office, office.get_by_role("button", name=ui["create"]))
        assert ui["round_created"] in told(office)
        walk.round_url = office.url
        submit(office, office.get_by_role("button", name=ui["add_plans"]))
        assert ui["one_added"] in told(office)
        submit(office, office.get_by_role("link", name=data["unit"][walk.language]))
        for _username, name, _expertise in EXPERTS:
            office.locator("#id_expert").select_option(label=name)
            submit(office, office.get_by_role("button", name=ui["assign"]))
            assert ui["assigned"] in told(office)
        experts = office.locator("main table").first.locator("tbody tr")
        assert experts.count() == 3

    # Weights 15, 20, 20, 20, 15, 10 of 10 points each: 8, 7, 8, … make 75.00.
    for n, (scores, total) in enumerate(
        [((8, 7), "75.00"), ((9, 8), "85.00"), ((7, 6), "65.00")]
    ):
        expert_scores(walk, data, n, scores, total)

    with walk.step(
        "the office records 会审 (joint meeting), returns the plan", "office"
    ):
        office.goto(stages_url)
        office.locator("#meeting-meeting_date").fill(iso(data["today"]))
        office.locator("#meeting-experts_present").select_option(
            label=[name for _u, name, _e in EXPERTS]
        )
        record_stage(
            office, ui, "heading-meeting", {"#meeting-comments": typed["meeting"]}
        )
        submit(office, office.get_by_role("link", name=ui["review_link"]))
        office.locator("#id_outcome").select_option("return")
        office.locator("#id_opinion").fill(typed["return"])
        submit(office, office.get_by_role("button", name=ui["record_decision"]))
        confirm(office, ui, ui["record_decision"])
        assert ui["decision_recorded"] in told(office)
        office.goto(f"{walk.base}/plans/{UNIT}/")
        assert plan_status(office) == ui["returned"]


def unit_revises_and_resubmits(walk, data):
    ui = walk.ui
    page = walk.pages["unit"]
    with walk.step("the unit revises a section and resubmits", "unit"):
        page.goto(f"{walk.base}/plans/{UNIT}/")
        assert plan_status(page) == ui["returned"]
        submit(page, page.locator(f'a[href="/plans/{UNIT}/sections/technical/"]'))
        page.locator("#id_text").fill(walk.typed["revised"])
        submit(page, page.get_by_role("button", name=ui["save"], exact=True))
        assert ui["section_saved"] in told(page)
        submit(page, page.get_by_role("button", name=ui["submit_plan"]))
        confirm(page, ui, ui["submit_plan"])
        assert told(page) == [ui["plan_submitted"]]
        assert plan_status(page) == ui["submitted"]
        versions = page.locator("section", has=page.locator("#heading-versions"))
        assert versions.get_by_role("link", name="v2").is_visible()


def office_approves_the_second_version(walk, data):
    ui, typed = walk.ui, walk.typed
    office = walk.pages["office"]
    stages_url = f"{walk.base}/reviews/stages/{UNIT}/"
    with walk.step("v2: the office records 初审, skips 预审 (pre-review)", "office"):
        office.goto(stages_url)
        assert "v2" in office.locator("main > p").first.inner_text()
        record_stage(
            office,
            ui,
            "heading-preliminary",
            {
                "#preliminary-outcome": "pass",
                "#preliminary-comments": typed["comments"],
            },
        )
        office.locator("#skip-pre_review-reason").fill(typed["skip_pre_review"])
        submit(office, office.get_by_role("button", name=ui["skip_pre_review"]))
        confirm(office, ui, ui["skip_stage"])
        assert ui["stage_recorded"] in told(office)

    with walk.step("v2: the office puts it before the round", "office"):
        office.goto(walk.round_url)
        submit(office, office.get_by_role("button", name=ui["add_plans"]))
        assert ui["one_added"] in told(office)
        submit(office, office.get_by_role("link", name=data["unit"][walk.language]))
        assert "v2" in office.locator("main > p").first.inner_text()
        # The experts of version 1 are carried over, with new sheets to fill.
        experts = office.locator("main table").first.locator("tbody tr")
        assert experts.count() == 3
        for row in experts.all():
            assert ui["not_started"] in row.inner_text()

    expert_scores(walk, data, 0, (9,), "90.00", current_only=True)

    with walk.step(
        "v2: the office skips 会审 (meeting), waives quorum, approves", "office"
    ):
        office.goto(stages_url)
        office.locator("#skip-meeting-reason").fill(typed["skip_meeting"])
        office.locator("#skip-meeting-quorum_reason").fill(typed["waive"])
        submit(office, office.get_by_role("button", name=ui["skip_meeting"]))
        confirm(office, ui, ui["skip_stage"])
        assert ui["stage_recorded"] in told(office)
        submit(office, office.get_by_role("link", name=ui["review_link"]))
        office.locator("#id_outcome").select_option("approve")
        office.locator("#id_opinion").fill(typed["approve"])
        submit(office, office.get_by_role("button", name=ui["record_decision"]))
        confirm(office, ui, ui["record_decision"])
        assert ui["decision_recorded"] in told(office)
        office.goto(f"{walk.base}/plans/{UNIT}/")
        assert plan_status(office) == ui["approved"]


def unit_downloads_the_pdf(walk, data, tmp_path):
    ui = walk.ui
    page = walk.pages["unit"]
    with walk.step("the unit downloads the approved version's PDF", "unit"):
        page.goto(f"{walk.base}/plans/{UNIT}/")
        assert plan_status(page) == ui["approved"]
        link = page.locator(f'a[href="/plans/{UNIT}/versions/2/pdf/"]')
        # The link leads to the button that asks for the PDF (a GET writes
        # nothing); the status page refreshes itself every 2 s and becomes the file
        # once the worker has rendered it; had it rendered already, its button
        # serves it.
        submit(page, link)
        make = page.get_by_role("button", name=ui["make_pdf"])
        with page.expect_download(timeout=60_000) as download_info:
            submit(page, make)
            assert re.search(rf"/plans/{UNIT}/pdf/\d+/$", page.url)
            heading = page.get_by_role("heading", level=1).inner_text()
            assert heading.startswith(ui["plan_pdf"])
            if page.locator("#pdf-status").inner_text() == ui["ready"]:
                page.get_by_role("link", name=ui["download_pdf"]).click()
        download = download_info.value
        assert download.suggested_filename == f"plan-{UNIT}-v2.pdf"
        path = tmp_path / f"plan-{walk.language}.pdf"
        download.save_as(path)
        assert path.read_bytes().startswith(b"%PDF")
        if shutil.which("pdftotext"):
            text = subprocess.run(
                ["pdftotext", str(path), "-"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            # The approved version, with the revised section.
            assert flat(walk.typed["revised"]) in flat(text)


def flat(text):
    return re.sub(r"\s+", "", text)


def unit_reports_progress_and_an_achievement(walk, data):
    ui, typed = walk.ui, walk.typed
    page = walk.pages["unit"]
    with walk.step("the unit files a progress report", "unit"):
        submit(page, workspace(page, ui["progress_reports"]))
        assert page.url == f"{walk.base}/progress/{UNIT}/"
        submit(page, page.get_by_role("link", name=ui["write"], exact=True).first)
        page.locator("#id_summary").fill(typed["summary"])
        page.locator(f"#id_task_{data['task_pk']}_percent").fill("30")
        page.locator(f"#id_task_{data['task_pk']}_done").fill(typed["done"])
        # The approved plan as checklist: its schedule item and its deliverable.
        states = page.locator('select[name$="_state"]')
        assert states.count() == 2
        for state in states.all():
            state.select_option("on_time")
        submit(page, page.get_by_role("button", name=ui["submit"], exact=True))
        confirm(page, ui, ui["submit_report"])
        assert ui["report_submitted"] in told(page)
        assert typed["done"] in page.locator("main").inner_text()

    with walk.step("the unit registers an achievement", "unit"):
        submit(page, workspace(page, ui["achievements"]))
        submit(page, page.get_by_role("link", name=ui["register_achievement"]))
        page.locator("#id_task").select_option(str(data["task_pk"]))
        page.locator("#id_kind").select_option("model")
        page.locator("#id_title").fill(typed["achievement"])
        page.locator("#id_description").fill(typed["achievement_text"])
        submit(page, page.get_by_role("button", name=ui["save"], exact=True))
        assert ui["achievement_registered"] in told(page)
        heading = page.get_by_role("heading", level=1).inner_text()
        assert typed["achievement"] in heading
        assert ui["not_published"] in heading


def office_publishes(walk, data):
    ui, typed = walk.ui, walk.typed
    office = walk.pages["office"]
    with walk.step("the office publishes a news post", "office"):
        submit(office, workspace(office, ui["news_posts"]))
        submit(office, office.get_by_role("link", name=ui["new_post"]))
        office.locator("#id_title").fill(typed["post"])
        office.locator("#id_slug").fill(f"guangdong-platform-{walk.language}")
        office.locator("#id_category").select_option("results")
        office.locator("#id_summary").fill(typed["post_summary"])
        office.locator("#id_body").fill(typed["post_body"])
        office.locator(f'input[name="units"][value="{data["unit_pk"]}"]').check()
        submit(office, office.get_by_role("button", name=ui["save_and_preview"]))
        assert ui["post_saved"] in told(office)
        submit(office, office.get_by_role("button", name=ui["publish_now"]))
        assert ui["published"] in told(office)

    with walk.step("the office publishes and recommends the achievement", "office"):
        submit(office, workspace(office, ui["achievements"]))
        submit(office, office.get_by_role("link", name=typed["achievement"]))
        submit(office, office.get_by_role("button", name=ui["publish_achievement"]))
        assert ui["achievement_published"] in told(office)
        office.locator("#id_recommendation").fill(typed["recommendation"])
        submit(office, office.get_by_role("button", name=ui["recommend"]))
        assert ui["recommended"] in told(office)


def visitor_finds_it_all(walk, data):
    ui, typed = walk.ui, walk.typed
    unit = data["unit"][walk.language]
    # No account, no cookie: the visitor picks English with the navbar's button.
    page = walk.open("visitor", english_cookie=False)
    with walk.step("a visitor reads the unit's public page", "visitor"):
        page.goto(f"{walk.base}/")
        if walk.language == "en":
            submit(page, page.get_by_role("button", name="English"))
        assert page.locator("html").get_attribute("lang") == ui["html_lang"]
        submit(page, public_nav(page, ui["pilot_units"]))
        submit(page, page.locator("main").get_by_role("link", name=unit, exact=True))
        assert page.url == f"{walk.base}/units/{UNIT}/"
        main = page.locator("main").inner_text()
        assert page.get_by_role("heading", level=1).inner_text() == unit
        assert ui["plan_approved"] in main
        assert "30%" in main
        assert typed["achievement"] in main
        assert typed["post"] in main

    with walk.step("a visitor reads the news and the results", "visitor"):
        submit(page, public_nav(page, ui["news"]))
        submit(page, page.get_by_role("link", name=typed["post"]))
        assert page.get_by_role("heading", level=1).inner_text() == typed["post"]
        submit(page, public_nav(page, ui["results_to_promote"]))
        titles = page.locator("article.achievement h2").all_inner_texts()
        assert titles == [typed["achievement"]]

    with walk.step("a visitor searches the column", "visitor"):
        page.locator("#nav-search").fill(typed["query"])
        with page.expect_navigation():
            page.locator("#nav-search").press("Enter")
        status = page.get_by_role("status").first.inner_text()
        assert status == ui["results_found"].format(count=3, query=typed["query"])
        found = page.locator(".search-results h2").all_inner_texts()
        assert sorted(found) == sorted([typed["post"], unit, typed["achievement"]])

    with walk.step("a visitor's feed reader reads the Atom feed", "visitor"):
        response = page.request.get(f"{walk.base}/feed/")
        assert response.ok
        feed = feedparser.parse(response.body())
        assert feed.feed.title == ui["feed_title"]
        assert [entry.title for entry in feed.entries] == [typed["post"]]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_whole_programme_in_the_browser(
    language, programme, celery_worker, live_server, tmp_path, browser
):
    walk = Walk(browser, live_server.url, language, tmp_path / "screenshots")
    try:
        office_signs_in(walk, programme)
        unit_writes_the_plan(walk, programme)
        office_reviews_the_first_version(walk, programme)
        unit_revises_and_resubmits(walk, programme)
        office_approves_the_second_version(walk, programme)
        unit_downloads_the_pdf(walk, programme, tmp_path)
        unit_reports_progress_and_an_achievement(walk, programme)
        office_publishes(walk, programme)
        visitor_finds_it_all(walk, programme)
    except BaseException:
        walk.screenshot_all()
        raise
    finally:
        walk.close()
