"""The plan PDF, rendered by the real WeasyPrint and read back with poppler."""

import datetime
import re
import shutil
import subprocess

import pytest

from plans.pdf import (
    OUTLINE,
    Block,
    Contact,
    Deliverable,
    ScheduleItem,
    chinese_numeral,
    document_from_snapshot,
    plan_html,
    plan_title,
    render_plan_pdf,
    text_blocks,
)
from tests.benchmarks.plan_sample import UNIT, sample_document, schedule_items
from tests.conftest import require_service

PAYLOAD = "<script>alert('x')</script>"


def poppler(tool, pdf_path, *args):
    if not shutil.which(tool):
        require_service(f"{tool} (poppler-utils)")
    done = subprocess.run(
        [tool, *args, str(pdf_path), "-"] if tool == "pdftotext" else [tool, pdf_path],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def page_count(pdf_path):
    info = poppler("pdfinfo", pdf_path)
    return int(re.search(r"^Pages:\s+(\d+)$", info, re.MULTILINE).group(1))


def flat(text):
    """pdftotext wraps lines (table cells, long headings): compare without spaces."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def draft_pdf(tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "draft.pdf"
    path.write_bytes(render_plan_pdf(sample_document(texts={"content": PAYLOAD})))
    return path


@pytest.fixture(scope="module")
def submitted_pdf(tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "submitted.pdf"
    path.write_bytes(render_plan_pdf(sample_document(draft=False)))
    return path


def test_plan_title_is_built_from_the_unit_name():
    assert plan_title("浙江省水利厅") == "《浙江省水利厅智慧水利先行先试实施方案》"
    assert sample_document().title == "《浙江省水利厅智慧水利先行先试实施方案》"


def test_chinese_numerals():
    assert [chinese_numeral(n) for n in (1, 9, 10, 11, 20, 21)] == [
        "一",
        "九",
        "十",
        "十一",
        "二十",
        "二十一",
    ]


def test_text_blocks_split_paragraphs_and_lists():
    text = (
        "第一段第一行\n第一段第二行\n\n"
        "- 甲\n- 乙\n  乙的续行\n\n"
        "1. 一\n2、二\n\n"
        "引言：\n- 丙\r\n\r\n\n末段"
    )
    assert text_blocks(text) == [
        Block("paragraph", ("第一段第一行第一段第二行",)),
        Block("bullets", ("甲", "乙乙的续行")),
        Block("numbered", ("一", "二")),
        Block("paragraph", ("引言：",)),
        Block("bullets", ("丙",)),
        Block("paragraph", ("末段",)),
    ]


def test_text_blocks_of_empty_text():
    assert text_blocks("") == []
    assert text_blocks("  \n\n ") == []


def test_html_escapes_user_text():
    html = plan_html(sample_document(texts={"status": PAYLOAD}))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def test_pdf_shows_unit_title_and_sections_in_order(draft_pdf):
    text = flat(poppler("pdftotext", draft_pdf))
    assert UNIT in text
    assert "《浙江省水利厅智慧水利先行先试实施方案》" in text
    body = flat(poppler("pdftotext", draft_pdf, "-f", "3"))  # after cover and contents
    headings = [
        f"{chinese_numeral(i)}、{heading}"
        for i, (_key, heading) in enumerate(OUTLINE, 1)
    ] + ["附：联系人信息表"]
    positions = [body.find(heading) for heading in headings]
    assert -1 not in positions
    assert positions == sorted(positions)


def test_pdf_contents_give_the_page_of_each_section(draft_pdf):
    contents = poppler("pdftotext", draft_pdf, "-f", "2", "-l", "2", "-layout")
    entry = re.search(r"一、现状与问题 ?\.+ ?(\d+)", contents)
    assert entry is not None
    page = int(entry.group(1))
    on_page = poppler("pdftotext", draft_pdf, "-f", str(page), "-l", str(page))
    assert "一、现状与问题" in on_page


def test_pdf_numbers_every_page_of_the_total(draft_pdf):
    pages = page_count(draft_pdf)
    assert pages >= 8
    text = poppler("pdftotext", draft_pdf)
    assert "第 1 页 共 " in text
    for page in range(1, pages + 1):
        assert f"第 {page} 页 共 {pages} 页" in text


def test_pdf_lists_schedule_deliverables_and_contacts(draft_pdf):
    text = flat(poppler("pdftotext", draft_pdf))
    for item in schedule_items():
        assert item.name in text
    assert "水工程方案成果1" in text
    assert "王建国" in text
    assert "li@zjwater.test" in text
    assert "进度计划横道图（2020年4月至2021年12月）" in text


def test_draft_pdf_has_the_watermark_on_every_page(draft_pdf):
    text = poppler("pdftotext", draft_pdf)
    pages = text.split("\f")[:-1]  # pdftotext ends each page with a form feed
    assert len(pages) == page_count(draft_pdf)
    assert all("草稿" in page for page in pages)


def test_submitted_pdf_has_no_watermark(submitted_pdf):
    text = poppler("pdftotext", submitted_pdf)
    assert "草稿" not in text
    assert "第 1 页 共 " in text


def test_pdf_shows_a_script_payload_as_text(draft_pdf):
    text = poppler("pdftotext", draft_pdf)
    assert PAYLOAD in text


def test_pdf_embeds_subset_noto_cjk_fonts(draft_pdf):
    listing = poppler("pdffonts", draft_pdf).splitlines()[2:]
    fonts = [line.split() for line in listing]
    names = [row[0] for row in fonts]
    assert any("Noto-Serif-CJK-SC" in name for name in names)
    assert any("Noto-Sans-CJK-SC" in name for name in names)
    assert not any("WenQuanYi" in name or "WQY" in name.upper() for name in names)
    for row in fonts:
        # name type… encoding emb sub uni object-id generation
        emb, sub = row[-5], row[-4]
        assert re.match(r"^[A-Z]{6}\+", row[0]), row
        assert (emb, sub) == ("yes", "yes"), row


SNAPSHOT = {  # the shape of plans.services.snapshot(plan)
    "unit": "浙江省水利厅",
    "batch": "第一批",
    "sections": {
        "status_quo": "现状文字",
        "business_goals": "业务目标文字",
        "functional_needs": "- 功能一\n- 功能二",
        "data_needs": "数据需求文字",
        "objectives": "目标文字",
        "content": "内容文字",
        "technical": "技术文字",
        "safeguards": "保障文字",
        "highlights": "亮点文字",
    },
    "tasks": [{"id": 7, "title": "任务甲"}, {"id": 8, "title": "任务乙"}],
    "contacts": [
        {
            "task": 8,
            "task_title": "任务乙",
            "role": "contact",
            "name": "乙联系人",
            "post": "科员",
            "phone": "2",
            "email": "b@example.test",
        },
        {
            "task": 7,
            "task_title": "任务甲",
            "role": "responsible",
            "name": "甲负责人",
            "post": "处长",
            "phone": "1",
            "email": "a@example.test",
        },
        {
            "task": None,
            "task_title": "",
            "role": "responsible",
            "name": "总负责人",
            "post": "厅长",
            "phone": "0",
            "email": "o@example.test",
        },
    ],
    "schedule": [
        {
            "task": 7,
            "task_title": "任务甲",
            "title": "调研",
            "start": "2020-04-16",
            "end": "2020-06-30",
        }
    ],
    "deliverables": [
        {
            "task": 8,
            "task_title": "任务乙",
            "title": "平台",
            "kind": "product",
            "due": "2021-12-31",
        }
    ],
    "attachments": [],
}


def test_document_from_snapshot_maps_the_plan_content():
    document = document_from_snapshot(
        SNAPSHOT,
        version_number=3,
        date=datetime.date(2020, 4, 15),
        is_draft=False,
        window_start=datetime.date(2020, 4, 1),
        window_end=datetime.date(2021, 12, 31),
    )
    assert document.title == "《浙江省水利厅智慧水利先行先试实施方案》"
    assert [s.heading for s in document.sections] == [h for _k, h in OUTLINE]
    requirements = document.sections[1]
    assert [(p.heading, p.text) for p in requirements.parts] == [
        ("业务目标", "业务目标文字"),
        ("功能需求", "- 功能一\n- 功能二"),
        ("数据需求", "数据需求文字"),
    ]
    assert document.overall_responsible == Contact(
        "总负责人", "厅长", "0", "o@example.test"
    )
    assert document.overall_contact is None
    assert [
        (t.task, t.responsible and t.responsible.name, t.contact and t.contact.name)
        for t in document.task_contacts
    ] == [("任务甲", "甲负责人", None), ("任务乙", None, "乙联系人")]
    assert document.schedule_items == (
        ScheduleItem(
            "任务甲", "调研", datetime.date(2020, 4, 16), datetime.date(2020, 6, 30)
        ),
    )
    assert document.deliverables == (
        Deliverable("任务乙", "产品", "平台", datetime.date(2021, 12, 31)),
    )


def test_pdf_from_snapshot_numbers_the_subsections(tmp_path):
    document = document_from_snapshot(
        SNAPSHOT,
        version_number=1,
        date=datetime.date(2020, 4, 15),
        is_draft=True,
        window_start=datetime.date(2020, 4, 1),
        window_end=datetime.date(2021, 12, 31),
    )
    path = tmp_path / "plan.pdf"
    path.write_bytes(render_plan_pdf(document))
    body = flat(poppler("pdftotext", path, "-f", "3"))
    parts = [
        "二、需求分析",
        "（一）业务目标",
        "（二）功能需求",
        "（三）数据需求",
        "三、目标任务",
    ]
    positions = [body.find(part) for part in parts]
    assert -1 not in positions
    assert positions == sorted(positions)
    assert "功能一" in body
    assert "总负责人" in body


def test_pdf_of_a_real_plan_snapshot(zhejiang, tmp_path):
    from plans import services
    from tests.plans.builders import complete_plan, current_plan

    plan = complete_plan(current_plan(zhejiang))
    batch = plan.batch
    document = document_from_snapshot(
        services.snapshot(plan),
        version_number=1,
        date=batch.plan_due,
        is_draft=False,
        window_start=batch.implementation_start,
        window_end=batch.implementation_end,
    )
    path = tmp_path / "plan.pdf"
    path.write_bytes(render_plan_pdf(document))
    text = flat(poppler("pdftotext", path))
    assert f"《{zhejiang.name}智慧水利先行先试实施方案》" in text
    assert len(document.schedule_items) == zhejiang.tasks.count()
    for item in document.schedule_items:
        assert flat(item.name) in text
    assert "现状良好。status_quo" in text
    assert "草稿" not in text
