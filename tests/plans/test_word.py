"""Plans in and out of Word: the .docx of a draft or a version (headings, tables,
fonts, page numbers, cover; as each reader may read the plan), and a unit's
.docx read into its draft (preview first, then the normal section saves)."""

import datetime
import io
import re
import shutil
import subprocess
import zipfile

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from docx.oxml.ns import qn

from pilots.files import private_storage
from plans import services
from plans.models import (
    SECTION_MAX_CHARS,
    Deliverable,
    PlanSection,
    SectionKey,
    Status,
)
from plans.views.word import SESSION_KEY
from plans.word_export import plan_docx
from plans.word_import import (
    MAX_ENTRIES,
    UPLOAD_FOLDER,
    apply_import,
    delete_stale_uploads,
    preview,
    read_docx,
)
from tests.conftest import client_for, require_service

from .builders import complete_plan, current_plan
from .test_department_view import OTHER, OTHER_TASK, OWN, OWN_TASK, UNIT_WIDE, _mark

TEXTS = {
    "status_quo": (
        "浙江已建成水利数据仓。\n覆盖全省十一个地市。\n\n但数据分散，标准不一。"
    ),
    "business_goals": "实现水利工程运行管理全过程数字化。",
    "functional_needs": "- 工程巡查\n- 安全监测\n- 调度运行",
    "data_needs": "1. 工程基础数据\n2. 监测数据",
    "objectives": "到2021年底建成数字化平台。",
    "content": "建设一个平台、两套体系。",
    "technical": "采用物联网、大数据和人工智能技术。",
    "safeguards": "成立领导小组，落实资金。",
    "highlights": "重点：数据共享。难点：标准统一。亮点：数字孪生。",
}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _plan(zhejiang):
    plan = complete_plan(current_plan(zhejiang))
    for key, text in TEXTS.items():
        PlanSection.objects.filter(plan=plan, key=key).update(text=text)
    return plan


def _download(client, user, url):
    response = client_for(client, user).get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == DOCX
    assert response["X-Content-Type-Options"] == "nosniff"
    return b"".join(response.streaming_content), response


def _upload(client, data, name="plan.docx"):
    return client.post(
        reverse("plans:import", args=["zhejiang"]),
        {"file": SimpleUploadedFile(name, data, content_type=DOCX)},
    )


def _preview(client):
    response = client.get(reverse("plans:import_preview", args=["zhejiang"]))
    assert response.status_code == 200
    return response


def _confirm(client, preview, **extra):
    result = preview.context["preview"]
    data = {"confirmed": "1", "rows": "1"}
    data["section"] = [s.key for s in result.importable]
    for section in result.importable:
        data[f"revision-{section.key}"] = str(section.revision)
    data.update(extra)
    return client.post(reverse("plans:import_preview", args=["zhejiang"]), data)


def _stored_imports():
    storage = private_storage()
    if not storage.exists(UPLOAD_FOLDER):
        return []
    return storage.listdir(UPLOAD_FOLDER)[1]


def _state(plan):
    return (
        sorted(plan.sections.values_list("key", "text", "revision")),
        sorted(plan.schedule.values_list("task_id", "title", "start", "end")),
        sorted(plan.deliverables.values_list("task_id", "title", "kind", "due")),
    )


@pytest.fixture(autouse=True)
def _private_files_of_this_test(settings, tmp_path):
    # The private storage reads VAR_DIR at every use: each test starts with none
    # of the uploads another test left.
    settings.VAR_DIR = tmp_path


# ------------------------------------------------------------------ export


def test_draft_docx_has_headings_tables_fonts_page_numbers_and_cover(
    client, zhejiang, unit_user
):
    plan = _plan(zhejiang)
    data, response = _download(
        client, unit_user, reverse("plans:draft_docx", args=["zhejiang"])
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="plan-zhejiang-draft.docx"'
    )
    document = docx.Document(io.BytesIO(data))
    headings = [
        (p.style.name, p.text)
        for p in document.paragraphs
        if p.style.name.startswith("Heading")
    ]
    assert headings == [
        ("Heading 1", "一、现状与问题"),
        ("Heading 1", "二、需求分析"),
        ("Heading 2", "（一）业务目标"),
        ("Heading 2", "（二）功能需求"),
        ("Heading 2", "（三）数据需求"),
        ("Heading 1", "三、目标任务"),
        ("Heading 1", "四、主要内容"),
        ("Heading 1", "五、技术方案"),
        ("Heading 1", "六、进度计划"),
        ("Heading 1", "七、主要成果"),
        ("Heading 1", "八、保障措施"),
        ("Heading 1", "九、重点、难点、亮点"),
        ("Heading 1", "十、联系人"),
    ]
    # The cover: title, unit, date, draft.
    cover = [p.text for p in document.paragraphs[:16] if p.text]
    assert cover[0] == "《浙江省水利厅智慧水利先行先试实施方案》"
    assert document.paragraphs[4].style.name == "Title"
    assert "浙江省水利厅" in cover and "草稿（第1版提交前）" in cover
    assert any(text.endswith("日") and "年" in text for text in cover)
    # Real tables: the schedule, the deliverables, the contacts.
    schedule, deliverables, contacts = document.tables
    assert [c.text for c in schedule.rows[0].cells] == [
        "任务",
        "工作内容",
        "开始时间",
        "结束时间",
    ]
    assert len(schedule.rows) == 1 + plan.schedule.count()
    assert len(deliverables.rows) == 1 + plan.deliverables.count()
    assert [c.text for c in deliverables.rows[1].cells][2] == "产品"
    assert len(contacts.rows) == 1 + plan.contacts.count()
    assert contacts.rows[1].cells[1].text == "总体负责人"
    # Chinese fonts by their East Asian names, with fallbacks in the font table.
    styles = document.styles
    east_asian = {
        name: styles[name].element.rPr.rFonts.get(qn("w:eastAsia"))
        for name in ("Normal", "Heading 1", "Heading 2", "Title")
    }
    assert east_asian == {
        "Normal": "仿宋_GB2312",
        "Heading 1": "黑体",
        "Heading 2": "楷体_GB2312",
        "Title": "方正小标宋简体",
    }
    assert styles["Heading 1"].element.rPr.rFonts.get(qn("w:eastAsiaTheme")) is None
    fonts = zipfile.ZipFile(io.BytesIO(data)).read("word/fontTable.xml").decode()
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in fonts
    assert '<w:font w:name="黑体"><w:altName w:val="SimHei"/>' in fonts
    # Page numbers: a PAGE field in the body's footer; the cover has none.
    cover_section, body = document.sections
    footer = body.footer._element.xml
    assert "<w:instrText" in footer and " PAGE " in footer
    assert 'w:fldCharType="begin"' in footer and 'w:fldCharType="end"' in footer
    assert "PAGE" not in cover_section.footer._element.xml
    # The section texts: a paragraph per block, its lines as line breaks.
    texts = [p.text for p in document.paragraphs]
    assert "浙江已建成水利数据仓。\n覆盖全省十一个地市。" in texts
    assert "但数据分散，标准不一。" in texts


def test_version_docx_is_the_frozen_version(client, zhejiang, unit_user, office_user):
    plan = _plan(zhejiang)
    services.submit_plan(plan=plan, expected=Status.DRAFT, user=unit_user)
    services.return_plan(plan=plan, expected=Status.SUBMITTED, user=office_user)
    PlanSection.objects.filter(plan=plan, key="content").update(text="草稿已改。")
    data, response = _download(
        client, office_user, reverse("plans:version_docx", args=["zhejiang", 1])
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="plan-zhejiang-v1.docx"'
    )
    texts = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    assert "第1版" in texts
    assert TEXTS["content"] in texts and "草稿已改。" not in texts
    draft, _response = _download(
        client, office_user, reverse("plans:draft_docx", args=["zhejiang"])
    )
    draft_texts = [p.text for p in docx.Document(io.BytesIO(draft)).paragraphs]
    assert "草稿已改。" in draft_texts and "草稿（第2版提交前）" in draft_texts


def _all_text(data):
    document = docx.Document(io.BytesIO(data))
    cells = [
        cell.text
        for table in document.tables
        for row in table.rows
        for cell in row.cells
    ]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_department_downloads_only_the_tasks_it_supervises(
    client, zhejiang, unit_user, department_user, office_user
):
    plan = _plan(zhejiang)
    PlanSection.objects.filter(plan=plan, key="status_quo").update(text="现状良好。")
    _mark(plan, OWN_TASK, *OWN[:3])
    _mark(plan, OTHER_TASK, *OTHER[:3])
    plan.contacts.filter(task=None, role="responsible").update(name=UNIT_WIDE[0])
    services.submit_plan(plan=plan, expected=Status.DRAFT, user=unit_user)
    for url in (
        reverse("plans:draft_docx", args=["zhejiang"]),
        reverse("plans:version_docx", args=["zhejiang", 1]),
    ):
        seen = _all_text(_download(client, department_user, url)[0])
        for text in OWN + UNIT_WIDE:
            assert text in seen, text
        for text in OTHER:
            assert text not in seen, text
        whole = _all_text(_download(client, office_user, url)[0])
        for text in OWN + OTHER + UNIT_WIDE:
            assert text in whole, text


@pytest.mark.parametrize("who", ["other_unit_user", "expert_user"])
def test_outsiders_get_404_for_the_word_files(
    client, zhejiang, unit_user, who, request
):
    plan = _plan(zhejiang)
    services.submit_plan(plan=plan, expected=Status.DRAFT, user=unit_user)
    client_for(client, request.getfixturevalue(who))
    for url in (
        reverse("plans:draft_docx", args=["zhejiang"]),
        reverse("plans:version_docx", args=["zhejiang", 1]),
        reverse("plans:import", args=["zhejiang"]),
        reverse("plans:import_preview", args=["zhejiang"]),
    ):
        assert client.get(url).status_code == 404, url


def test_the_pages_link_to_the_word_files(client, zhejiang, unit_user, office_user):
    plan = _plan(zhejiang)
    client_for(client, unit_user)
    page = client.get(reverse("plans:detail", args=["zhejiang"])).content.decode()
    assert reverse("plans:draft_docx", args=["zhejiang"]) in page
    assert reverse("plans:import", args=["zhejiang"]) in page
    services.submit_plan(plan=plan, expected=Status.DRAFT, user=unit_user)
    page = client.get(reverse("plans:detail", args=["zhejiang"])).content.decode()
    assert reverse("plans:version_docx", args=["zhejiang", 1]) in page
    # Submitted: nothing to import into.
    assert reverse("plans:import", args=["zhejiang"]) not in page
    version = client.get(reverse("plans:version", args=["zhejiang", 1]))
    assert (
        reverse("plans:version_docx", args=["zhejiang", 1]) in version.content.decode()
    )


def test_libreoffice_opens_the_docx(client, zhejiang, unit_user, tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        require_service("LibreOffice (soffice)")
    _plan(zhejiang)
    data, _response = _download(
        client, unit_user, reverse("plans:draft_docx", args=["zhejiang"])
    )
    (tmp_path / "plan.docx").write_bytes(data)
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "plan.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pdf = (tmp_path / "plan.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "plan.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "现状与问题" in text.replace(" ", "")
    # The cover has no number; the body's first page is 1.
    assert re.search(r"^\s*-\s*1\s*-\s*$", text, re.MULTILINE)


# ------------------------------------------------------------------ round trip


def test_round_trip_export_clear_import_gives_the_same_plan(
    client, zhejiang, unit_user
):
    plan = _plan(zhejiang)
    before = _state(plan)
    data, _response = _download(
        client, unit_user, reverse("plans:draft_docx", args=["zhejiang"])
    )
    PlanSection.objects.filter(plan=plan).update(text="")
    plan.schedule.all().delete()
    plan.deliverables.all().delete()

    response = _upload(client, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:import_preview", args=["zhejiang"])
    # Uploading saved nothing into the plan.
    assert all(text == "" for text in plan.sections.values_list("text", flat=True))
    preview = _preview(client)
    result = preview.context["preview"]
    assert {s.key: s.text for s in result.sections} == TEXTS
    assert {s.key: s.headings for s in result.sections}["business_goals"] == [
        "（一）业务目标"
    ]
    assert len(result.schedule) == len(before[1])
    assert len(result.deliverables) == len(before[2])
    assert all(row.is_new for row in result.schedule + result.deliverables)
    # The cover is the only part that matched nothing; the contacts are seen.
    assert [heading for heading, _text in result.unmatched] == [""]
    assert result.contacts_tables == 1

    response = _confirm(client, preview)
    assert response.status_code == 302
    assert response["Location"] == plan.get_absolute_url()
    after = _state(plan)
    assert [(k, t) for k, t, _r in after[0]] == [(k, t) for k, t, _r in before[0]]
    assert after[1:] == before[1:]
    # Through the normal saves: each section's revision went up by one.
    assert all(r == 1 for _k, _t, r in after[0])
    assert plan.sections.filter(updated_by=unit_user).count() == len(SectionKey)
    assert SESSION_KEY not in client.session and _stored_imports() == []

    # The same file again: nothing new to import, no row twice.
    _upload(client, data)
    result = _preview(client).context["preview"]
    assert result.importable == [] and result.new_rows == []
    assert all(row.duplicate for row in result.schedule + result.deliverables)


def test_round_trip_into_another_units_empty_plan(
    client, zhejiang, fujian, unit_user, other_unit_user
):
    _plan(zhejiang)
    data, _response = _download(
        client, unit_user, reverse("plans:draft_docx", args=["zhejiang"])
    )
    fujian_plan = current_plan(fujian)
    client_for(client, other_unit_user)
    client.post(
        reverse("plans:import", args=["fujian"]),
        {"file": SimpleUploadedFile("zj.docx", data, content_type=DOCX)},
    )
    preview = client.get(reverse("plans:import_preview", args=["fujian"]))
    result = preview.context["preview"]
    assert {s.key: s.text for s in result.sections} == TEXTS
    # Zhejiang's tasks are not Fujian's: the rows are shown, with the reason.
    assert result.schedule and not result.new_rows
    assert "No task of this plan" not in preview.content.decode()  # in Chinese
    assert "本方案没有名为" in preview.content.decode()
    data = {"confirmed": "1", "section": list(TEXTS)}
    data.update({f"revision-{key}": "0" for key in TEXTS})
    client.post(reverse("plans:import_preview", args=["fujian"]), data)
    texts = dict(fujian_plan.sections.values_list("key", "text"))
    assert texts == TEXTS


def _styled_document():
    """A plan written another way: numbered 1. / 1.1 in heading styles, 需求分析
    without 数据需求, no 技术方案, an extra section, a schedule table of its own
    shape."""
    document = docx.Document()
    document.add_paragraph("浙江省智慧水利先行先试实施方案（征求意见稿）")
    document.add_heading("1 现状及存在问题", level=1)
    document.add_paragraph("现状一段。")
    document.add_heading("2 需求分析", level=1)
    document.add_paragraph("总述不归任何部分。")
    document.add_heading("2.1 业务目标", level=2)
    document.add_paragraph("目标一段。")
    document.add_heading("2.2 功能需求", level=2)
    document.add_paragraph("巡查", style="List Bullet")
    document.add_paragraph("监测", style="List Bullet")
    document.add_heading("3 目标与任务", level=1)
    document.add_heading("3.1 总体目标", level=2)
    document.add_paragraph("建成平台。")
    document.add_heading("4 建设内容", level=1)
    document.add_paragraph("内容一段。")
    document.add_heading("5 投资估算", level=1)
    document.add_paragraph("总投资三千万元。")
    document.add_heading("6 进度安排", level=1)
    table = document.add_table(rows=1, cols=3)
    for cell, text in zip(
        table.rows[0].cells, ["序号", "工作内容", "起止时间"], strict=True
    ):
        cell.text = text
    for number, title, span in [
        ("1", "需求调研", "2020年5月—2020年6月"),
        ("2", "平台建设", "2020.7.1至2021.6.30"),
        ("3", "前期准备", "2019年1月—2019年2月"),
    ]:
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = number, title, span
    document.add_heading("7 保障措施", level=1)
    document.add_paragraph("保障一段。")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _plain_document():
    """Numbered by hand in the body style: 第一章, then 一、 for the parts."""
    document = docx.Document()
    for text in [
        "第一章 现状与问题",
        "现状。",
        "第二章 需求分析",
        "一、业务目标",
        "目标。",
        "二、功能需求",
        "功能。",
        "三、数据需求",
        "数据。",
        "1、数据要统一；",
        "第三章 重点难点亮点",
        "亮点。",
        "第四章 附则",
        "其他。",
    ]:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_document_written_another_way_shows_the_right_mapping(
    client, zhejiang, unit_user
):
    plan = current_plan(zhejiang)
    task = plan.batch.tasks_of(zhejiang).first()
    client_for(client, unit_user)
    assert _upload(client, _styled_document()).status_code == 302
    preview = _preview(client)
    result = preview.context["preview"]
    sections = {s.key: s for s in result.sections}
    assert sections["status_quo"].text == "现状一段。"
    assert sections["status_quo"].headings == ["1 现状及存在问题"]
    assert sections["business_goals"].text == "目标一段。"
    assert sections["functional_needs"].text == "- 巡查\n- 监测"
    assert sections["data_needs"].text == "" and sections["data_needs"].headings == []
    # A sub-heading inside a section stays in its text.
    assert sections["objectives"].text == "3.1 总体目标\n\n建成平台。"
    assert sections["content"].text == "内容一段。"
    assert sections["technical"].headings == []
    assert sections["safeguards"].text == "保障一段。"
    unmatched = dict(result.unmatched)
    assert unmatched["5 投资估算"] == "总投资三千万元。"
    assert unmatched["2 需求分析"] == "总述不归任何部分。"
    assert unmatched[""] == "浙江省智慧水利先行先试实施方案（征求意见稿）"
    # The schedule table: no task column, so a unit of several tasks must say.
    assert [row.cells[1] for row in result.schedule] == [
        "需求调研",
        "平台建设",
        "前期准备",
    ]
    many_tasks = plan.batch.tasks_of(zhejiang).count() > 1
    if many_tasks:
        assert all(row.errors for row in result.schedule)
    page = preview.content.decode()
    assert "5 投资估算" in page and "not in the document" not in page
    assert "文档中没有" in page

    assert _upload(client, _plain_document()).status_code == 302
    result = _preview(client).context["preview"]
    sections = {s.key: s for s in result.sections}
    assert sections["status_quo"].text == "现状。"
    assert sections["business_goals"].text == "目标。"
    assert sections["functional_needs"].text == "功能。"
    assert sections["data_needs"].text == "数据。\n\n1、数据要统一；"
    assert sections["highlights"].text == "亮点。"
    assert dict(result.unmatched)["第四章 附则"] == "其他。"
    assert task is not None


def test_schedule_rows_of_a_one_task_plan_need_no_task_column(zhejiang):
    plan = current_plan(zhejiang)
    tasks = plan.batch.tasks_of(zhejiang)
    keep = tasks.first()
    plan.batch.tasks.remove(*[t for t in tasks if t.pk != keep.pk])
    result = preview(read_docx(io.BytesIO(_styled_document())), plan)
    rows = [(r.data["start"], r.data["end"], r.is_new) for r in result.schedule]
    assert rows == [
        ("2020-05-01", "2020-06-30", True),
        ("2020-07-01", "2021-06-30", True),
        ("2019-01-01", "2019-02-28", False),
    ]
    assert all(r.data["task"] == keep.pk for r in result.schedule)
    # The schedule form's own rule refuses the row outside the period.
    assert "实施期" in " ".join(result.schedule[2].errors)


# ------------------------------------------------------------------ refusals


def _zip(entries, content_types=b"<Types/>"):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        for name, body in entries:
            archive.writestr(name, body)
    return out.getvalue()


def _bomb():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", b"<w:document/>")
        with archive.open("word/media/zeros.bin", "w") as entry:
            block = b"\0" * (1024 * 1024)
            for _ in range(101):
                entry.write(block)
    return out.getvalue()


def _lying_bomb():
    """The bomb with its directory saying the big entry holds 1,000 bytes."""
    data = bytearray(_bomb())
    name = b"word/media/zeros.bin"
    entry = data.rindex(b"PK\x01\x02", 0, data.rindex(name))
    # The central directory's uncompressed size: bytes 24-27 of the entry.
    data[entry + 24 : entry + 28] = (1000).to_bytes(4, "little")
    return bytes(data)


def _docm(data):
    """The exported .docx made macro-enabled, as Word saves a .docm."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                body = body.replace(
                    b"wordprocessingml.document.main+xml",
                    b"ms-word.document.macroEnabled.main+xml",
                )
            target.writestr(item, body)
        target.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 macros")
    return out.getvalue()


REFUSALS = {
    "pdf": (lambda good: b"%PDF-1.4 not a word file", "这不是Word文档（.docx）。"),
    "encrypted": (
        lambda good: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
        "此文件设有密码或为旧版Word格式（.doc）",
    ),
    "docm": (_docm, "此文档含有宏（.docm）"),
    "bomb": (lambda good: _bomb(), "文档解压后超过100 MB"),
    "lying_sizes": (lambda good: _lying_bomb(), "无法读取此文档"),
    "entries": (
        lambda good: _zip([(f"word/{n}.xml", b"") for n in range(MAX_ENTRIES + 1)]),
        "文档解压后超过100 MB",
    ),
    "zip_not_word": (lambda good: _zip([("xl/workbook.xml", b"")]), "这不是Word文档"),
    "broken": (
        lambda good: _zip([("word/document.xml", b"<broken")]),
        "无法读取此文档",
    ),
    "too_big": (lambda good: good, "文件超过 1 MB。"),
}


@pytest.fixture(scope="module")
def exported(django_db_setup, django_db_blocker):
    content = {
        "unit": "浙江省水利厅",
        "sections": TEXTS,
        "tasks": [],
        "contacts": [],
        "schedule": [],
        "deliverables": [],
    }
    return plan_docx(
        content,
        number=1,
        date=datetime.date(2020, 4, 15),
        is_draft=True,
        window_start=datetime.date(2020, 4, 1),
        window_end=datetime.date(2021, 12, 31),
    )


@pytest.mark.parametrize("case", list(REFUSALS))
def test_bad_files_are_refused_with_a_message_and_change_nothing(
    client, zhejiang, unit_user, settings, exported, case
):
    plan = _plan(zhejiang)
    make, message = REFUSALS[case]
    data = make(exported)
    if case == "too_big":
        settings.MAX_UPLOAD_MB = 1
        data = data + b"\0" * (1024 * 1024)
    before = _state(plan)
    client_for(client, unit_user)
    response = _upload(client, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _state(plan) == before
    assert SESSION_KEY not in client.session and _stored_imports() == []


def test_bad_file_message_in_english(client, zhejiang, unit_user, exported):
    current_plan(zhejiang)
    client_for(client, unit_user)
    client.cookies["django_language"] = "en"
    response = _upload(client, _docm(exported), name="plan.docm")
    assert response.status_code == 400
    assert "This document contains macros (.docm)." in response.content.decode()


# ------------------------------------------------------------------ saving


def test_a_section_saved_after_the_preview_refuses_the_whole_import(
    client, zhejiang, unit_user, exported
):
    plan = current_plan(zhejiang)
    client_for(client, unit_user)
    _upload(client, exported)
    preview = _preview(client)
    # Another member saves a section meanwhile.
    section = services.section_for(plan=plan, key="content")
    services.save_section(
        plan=plan, key="content", text="别人的文字。", revision=0, user=unit_user
    )
    response = _confirm(client, preview)
    assert response.status_code == 409
    assert "在生成预览之后被他人保存" in response.content.decode()
    texts = dict(plan.sections.values_list("key", "text"))
    assert texts.get("content") == "别人的文字。"
    assert all(not texts.get(key) for key in TEXTS if key != "content")
    # The upload waits for another look; the new preview has the new revision.
    result = response.context["preview"]
    assert {s.key: s for s in result.sections}["content"].revision == 1
    assert section.pk and SESSION_KEY in client.session


def test_only_the_chosen_sections_are_saved_and_cancel_drops_the_upload(
    client, zhejiang, unit_user, exported
):
    plan = current_plan(zhejiang)
    client_for(client, unit_user)
    _upload(client, exported)
    assert len(_stored_imports()) == 1
    preview = _preview(client)
    # A POST without confirmed=1 only shows the preview again.
    unconfirmed = client.post(reverse("plans:import_preview", args=["zhejiang"]))
    assert unconfirmed.status_code == 200 and not plan.sections.exists()
    response = _confirm(client, preview, section=["status_quo"])
    assert response.status_code == 302
    texts = dict(plan.sections.exclude(text="").values_list("key", "text"))
    assert texts == {"status_quo": TEXTS["status_quo"]}

    _upload(client, exported)
    response = client.post(
        reverse("plans:import_preview", args=["zhejiang"]),
        {"confirmed": "1", "cancel": "1", "section": list(TEXTS)},
    )
    assert response.status_code == 302
    assert SESSION_KEY not in client.session and _stored_imports() == []
    assert dict(plan.sections.exclude(text="").values_list("key", "text")) == texts


def test_import_is_for_members_of_an_editable_draft(
    client, zhejiang, unit_user, office_user, department_user, exported
):
    plan = _plan(zhejiang)
    url = reverse("plans:import", args=["zhejiang"])
    for user in (office_user, department_user):
        client_for(client, user)
        assert client.get(url).status_code == 403
        assert _upload(client, exported).status_code == 403
    services.submit_plan(plan=plan, expected=Status.DRAFT, user=unit_user)
    client_for(client, unit_user)
    assert client.get(url).status_code == 403
    assert _upload(client, exported).status_code == 403
    assert _stored_imports() == []


def test_rows_are_added_beside_the_rows_kept(client, zhejiang, unit_user):
    plan = _plan(zhejiang)
    data, _response = _download(
        client, unit_user, reverse("plans:draft_docx", args=["zhejiang"])
    )
    kept = plan.schedule.first()
    plan.schedule.exclude(pk=kept.pk).delete()
    plan.deliverables.all().delete()
    _upload(client, data)
    preview = _preview(client)
    result = preview.context["preview"]
    assert [row.duplicate for row in result.schedule].count(True) == 1
    _confirm(client, preview)
    assert plan.schedule.count() == len(result.schedule)
    assert plan.deliverables.count() == len(result.deliverables)
    assert set(plan.deliverables.values_list("kind", flat=True)) == {
        Deliverable.Kind.PRODUCT
    }


def test_an_upload_never_confirmed_is_deleted_after_a_day(
    client, zhejiang, unit_user, exported
):
    current_plan(zhejiang)
    client_for(client, unit_user)
    _upload(client, exported)
    now = timezone.now()
    assert delete_stale_uploads(now=now) == 0 and len(_stored_imports()) == 1
    assert delete_stale_uploads(now=now + datetime.timedelta(days=2)) == 1
    assert _stored_imports() == []
    # The session still names it: the preview asks for the file again.
    response = client.get(reverse("plans:import_preview", args=["zhejiang"]))
    assert response["Location"] == reverse("plans:import", args=["zhejiang"])


def test_a_section_too_long_is_shown_and_not_imported(client, zhejiang, unit_user):
    plan = current_plan(zhejiang)
    document = docx.Document()
    document.add_heading("一、现状与问题", level=1)
    document.add_paragraph("长" * (SECTION_MAX_CHARS + 1))
    document.add_heading("二、主要内容", level=1)
    document.add_paragraph("内容。")
    out = io.BytesIO()
    document.save(out)
    client_for(client, unit_user)
    _upload(client, out.getvalue())
    preview = _preview(client)
    assert [s.key for s in preview.context["preview"].importable] == ["content"]
    assert "每节最多20000字" in preview.content.decode()
    # Even if the box is posted for it, the long section is not saved.
    response = _confirm(client, preview, section=["status_quo", "content"])
    assert response.status_code == 302
    texts = dict(plan.sections.exclude(text="").values_list("key", "text"))
    assert texts == {"content": "内容。"}


def test_two_confirmations_of_one_preview_add_each_row_once(zhejiang, unit_user):
    plan = _plan(zhejiang)
    content = services.snapshot(plan)
    data = plan_docx(
        content,
        number=1,
        date=datetime.date(2020, 4, 15),
        is_draft=True,
        window_start=plan.batch.implementation_start,
        window_end=plan.batch.implementation_end,
    )
    plan.schedule.all().delete()
    # Both requests made their preview before either saved.
    first = preview(read_docx(io.BytesIO(data)), plan)
    second = preview(read_docx(io.BytesIO(data)), plan)
    assert first.new_rows and len(first.new_rows) == len(second.new_rows)
    arguments = {"plan": plan, "keys": set(), "revisions": {}, "rows": True}
    assert apply_import(preview=first, user=unit_user, **arguments)[1] == len(
        content["schedule"]
    )
    assert apply_import(preview=second, user=unit_user, **arguments)[1] == 0
    assert plan.schedule.count() == len(content["schedule"])
