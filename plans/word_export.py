"""The implementation plan as a Word document (.docx), for units that go on
writing in Word or WPS: a pure function over the plan's snapshot.

`plan_docx(content, ...)` lays out what `plans.pdf.document_from_snapshot` reads
from a version's frozen JSON (or the draft's `services.snapshot`): a cover with
the title, the unit and the date; the outline's sections as Word heading styles
numbered 一、二、… (Heading 1) with 需求分析's parts （一）（二）… (Heading 2); the
schedule, the deliverables and the contacts as real tables; the fonts Chinese
offices expect (仿宋_GB2312 for the text, 黑体 and 楷体_GB2312 for the headings,
方正小标宋简体 for the title, each named as the East Asian font of its style and
given a common fallback in the font table); page numbers from a PAGE field in
the footer. `plans.word_import` reads such a file back.
"""

import io
import zipfile
from xml.sax.saxutils import quoteattr

from docx import Document
from docx.enum.section import WD_SECTION_START
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from .pdf import chinese_numeral, document_from_snapshot, ordered_schedule

# 三号 (16 pt) text on a 28 pt line, the usual setting of government documents
# (GB/T 9704); tables in 小四 (12 pt).
TEXT_SIZE = Pt(16)
TABLE_SIZE = Pt(12)
TITLE_SIZE = Pt(22)
LATIN_FONT = "Times New Roman"
# Each East Asian font with the font a machine without it most likely has: the
# GB2312 cuts ship with older Windows and every office's template, their plain
# names (仿宋, 楷体) with Windows since Vista, and WPS brings both.
FONTS = {
    "仿宋_GB2312": "仿宋",
    "黑体": "SimHei",
    "楷体_GB2312": "楷体",
    "方正小标宋简体": "宋体",
}
TEXT_FONT = "仿宋_GB2312"
HEADING_FONTS = {1: "黑体", 2: "楷体_GB2312"}
TITLE_FONT = "方正小标宋简体"
TABLE_STYLE = "Plan Table Text"

SCHEDULE_HEADER = ("任务", "工作内容", "开始时间", "结束时间")
DELIVERABLES_HEADER = ("任务", "成果名称", "成果类型", "完成时间")
CONTACTS_HEADER = ("任务", "角色", "姓名", "职务", "电话", "电子邮箱")


def cn_date(day):
    """2020年4月15日: the dates of the tables and the cover, which
    plans.word_import reads back."""
    return f"{day.year}年{day.month}月{day.day}日"


def _set_fonts(style_or_run, east_asian, *, size=None, bold=None):
    """Name `east_asian` as the East Asian font (w:eastAsia) and Times New Roman
    for Latin text; the theme fonts that Word's default styles carry would
    otherwise win over the names."""
    font = style_or_run.font
    font.name = LATIN_FONT
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    fonts.set(qn("w:eastAsia"), east_asian)
    if size is not None:
        font.size = size
    if bold is not None:
        font.bold = bold
    font.color.rgb = RGBColor(0, 0, 0)


def _styles(document):
    styles = document.styles
    normal = styles["Normal"]
    _set_fonts(normal, TEXT_FONT, size=TEXT_SIZE)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "en-US")
    language.set(qn("w:eastAsia"), "zh-CN")
    normal.element.get_or_add_rPr().append(language)
    text = normal.paragraph_format
    text.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    text.line_spacing = Pt(28)
    text.first_line_indent = Pt(32)  # two characters
    text.space_after = Pt(0)
    text.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    for level, font in HEADING_FONTS.items():
        heading = styles[f"Heading {level}"]
        _set_fonts(heading, font, size=TEXT_SIZE, bold=False)
        heading.font.italic = False
        layout = heading.paragraph_format
        layout.first_line_indent = Pt(32)
        layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        layout.line_spacing = Pt(28)
        layout.space_before = Pt(6)
        layout.space_after = Pt(6)
        layout.keep_with_next = True
    title = styles["Title"]
    _set_fonts(title, TITLE_FONT, size=TITLE_SIZE, bold=False)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.first_line_indent = Pt(0)
    title.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    # Word's Title draws a rule under itself; an official cover has none.
    border = title.element.pPr.find(qn("w:pBdr"))
    if border is not None:
        title.element.pPr.remove(border)
    cell = styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = normal
    _set_fonts(cell, TEXT_FONT, size=TABLE_SIZE)
    cell.paragraph_format.first_line_indent = Pt(0)
    cell.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    cell.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT


def _text(document, text):
    """The unit's plain text: a paragraph per block (blocks are separated by a
    blank line), its lines kept as line breaks, so that reading the file back
    gives the text as typed."""
    for chunk in text.replace("\r\n", "\n").strip().split("\n\n"):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        run = document.add_paragraph().add_run()
        for index, line in enumerate(lines):
            if index:
                run.add_break()
            run.add_text(line)


def _table(document, header, rows):
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    head = table.rows[0]
    # The header row repeats at the top of every page the table runs onto.
    head._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for cell, label in zip(head.cells, header, strict=True):
        paragraph = cell.paragraphs[0]
        paragraph.style = TABLE_STYLE
        paragraph.add_run(label).bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.paragraphs[0].style = TABLE_STYLE
            cell.paragraphs[0].add_run(value)
    return table


def _page_number(paragraph):
    """ "- 1 -" centred: a PAGE field, its cached value 1 until Word updates it."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = Pt(0)
    paragraph.add_run("- ")
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None)):
        run = paragraph.add_run()
        if kind:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), kind)
            run._r.append(field)
        else:
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run._r.append(instruction)
    paragraph.add_run("1")
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)
    paragraph.add_run(" -")
    for run in paragraph.runs:
        _set_fonts(run, "宋体", size=Pt(14))


def _cover(document, plan, *, date_text, status_text):
    for _ in range(4):
        document.add_paragraph()
    document.add_paragraph(plan.title, style="Title")
    for _ in range(6):
        document.add_paragraph()
    for line in (plan.unit_name, date_text, status_text):
        paragraph = document.add_paragraph(line)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.first_line_indent = Pt(0)


def _contact_rows(plan):
    rows = []
    for role, person in (
        ("总体负责人", plan.overall_responsible),
        ("联系人", plan.overall_contact),
    ):
        if person is not None:
            rows.append(("全部任务", role, person))
    for entry in plan.task_contacts:
        for role, person in (("负责人", entry.responsible), ("联系人", entry.contact)):
            if person is not None:
                rows.append((entry.task, role, person))
    return [(task, role, p.name, p.post, p.phone, p.email) for task, role, p in rows]


def plan_docx(content, *, number, date, is_draft, window_start, window_end):
    """The .docx (bytes) of the snapshot `content` (what the reader may see of
    it: the caller filters, as for the PDF). `number` is the version's number, or
    the number the draft would get; `date` the cover's."""
    plan = document_from_snapshot(
        content,
        version_number=number,
        date=date,
        is_draft=is_draft,
        window_start=window_start,
        window_end=window_end,
    )
    document = Document()
    _styles(document)
    # A justified line that ends in a line break is not spread out (Word's and
    # LibreOffice's compatibility setting): a section's typed line breaks stay
    # line breaks.
    compat = document.settings.element.find(qn("w:compat"))
    if compat is None:
        compat = OxmlElement("w:compat")
        document.settings.element.append(compat)
    compat.insert(0, OxmlElement("w:doNotExpandShiftReturn"))
    # Chinese, not python-docx's template's Japanese, for the East Asian text.
    language = document.settings.element.find(qn("w:themeFontLang"))
    if language is not None:
        language.set(qn("w:eastAsia"), "zh-CN")
    properties = document.core_properties
    properties.title = plan.title
    properties.author = plan.unit_name
    properties.last_modified_by = plan.unit_name
    properties.comments = ""

    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    status = f"草稿（第{number}版提交前）" if is_draft else f"第{number}版"
    _cover(document, plan, date_text=cn_date(date), status_text=status)

    # The body in a section of its own: its footer numbers the pages from 1,
    # the cover has none.
    body = document.add_section(WD_SECTION_START.NEW_PAGE)
    body.footer.is_linked_to_previous = False
    _page_number(body.footer.paragraphs[0])
    numbering = OxmlElement("w:pgNumType")
    numbering.set(qn("w:start"), "1")
    body._sectPr.append(numbering)

    for index, part in enumerate(plan.sections, start=1):
        document.add_heading(f"{chinese_numeral(index)}、{part.heading}", level=1)
        _text(document, part.text)
        for sub, subsection in enumerate(part.parts, start=1):
            document.add_heading(
                f"（{chinese_numeral(sub)}）{subsection.heading}", level=2
            )
            _text(document, subsection.text)
        if part.key == "schedule":
            _table(
                document,
                SCHEDULE_HEADER,
                [
                    (i.task, i.name, cn_date(i.start), cn_date(i.end))
                    for i in ordered_schedule(plan)
                ],
            )
        elif part.key == "deliverables":
            _table(
                document,
                DELIVERABLES_HEADER,
                [
                    (d.task, d.name, d.kind, cn_date(d.due) if d.due else "")
                    for d in plan.deliverables
                ],
            )
    document.add_heading(f"{chinese_numeral(len(plan.sections) + 1)}、联系人", level=1)
    _table(document, CONTACTS_HEADER, _contact_rows(plan))
    out = io.BytesIO()
    document.save(out)
    return _with_font_table(out.getvalue())


def _font_table():
    """word/fontTable.xml naming each East Asian font with its fallback
    (w:altName) and its character set (86: GB2312), which is how Word and
    LibreOffice choose a substitute on a machine without the font."""
    entries = [
        f'<w:font w:name={quoteattr(LATIN_FONT)}><w:charset w:val="00"/>'
        '<w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>'
    ]
    for name, fallback in {**FONTS, "宋体": "SimSun"}.items():
        family = "modern" if name.startswith("黑") else "roman"
        entries.append(
            f"<w:font w:name={quoteattr(name)}><w:altName w:val={quoteattr(fallback)}/>"
            f'<w:charset w:val="86"/><w:family w:val="{family}"/>'
            '<w:pitch w:val="fixed"/></w:font>'
        )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        + "".join(entries)
        + "</w:fonts>"
    ).encode()


def _with_font_table(data):
    """The package with python-docx's template font table replaced by ours."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename == "word/fontTable.xml":
                body = _font_table()
            target.writestr(item, body)
    return out.getvalue()
