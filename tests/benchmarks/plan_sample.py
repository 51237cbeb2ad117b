"""A realistic Chinese implementation plan as plain data, for the PDF tests and
the benchmark. `repeat` multiplies the prose (1 ≈ 10 pages, 4 ≈ 30 pages)."""

import datetime

from plans.pdf import (
    Contact,
    Deliverable,
    PlanDocument,
    ScheduleItem,
    Task,
    TaskContacts,
    outline_sections,
)

UNIT = "浙江省水利厅"
TASKS = (
    Task("水利工程建设与运行管理数字化", "水工程", ("物联网", "大数据", "人工智能")),
    Task("水资源管理与调配智能化", "水资源", ("遥感", "大数据")),
    Task("水旱灾害防御“四预”能力提升", "水灾害", ("视频", "5G", "人工智能")),
)

PARAGRAPH = (
    "浙江省水利信息化经过多年建设，已形成覆盖省、市、县三级的水利业务应用体系，"
    "建成了水利工程标准化管理平台、水资源监控能力建设项目和山洪灾害监测预警系统，"
    "积累了大量水文、水资源、水工程等基础数据。但是，各业务系统分散建设、标准不一，"
    "数据共享不充分，感知手段覆盖不全，业务协同和智能分析能力不足，难以满足新时期"
    "水利改革发展对精准化决策、智能化管理和高效化服务的要求。"
)
LIST = (
    "- 感知体系不完善，中小水库和堤防的自动化监测覆盖率偏低；\n"
    "- 数据资源分散，跨部门、跨层级的数据共享交换机制尚未建立；\n"
    "- 业务应用智能化水平不高，预报、预警、预演、预案能力有待提升。"
)
STEPS = (
    "1. 完善水利感知网，推进工程安全监测和视频监控全覆盖；\n"
    "2. 建设水利数据仓，统一数据标准，实现数据汇聚与共享；\n"
    "3. 构建水利智能中枢，开发模型库、知识库和算法库；\n"
    "4. 打造一批典型业务应用，形成可复制可推广的经验。"
)


def section_text(heading, repeat):
    parts = []
    for round_ in range(repeat):
        parts.append(f"（{round_ + 1}）围绕{heading}，" + PARAGRAPH)
        parts.append(PARAGRAPH * 2)
        parts.append(LIST if round_ % 2 == 0 else STEPS)
    return "\n\n".join(parts)


def person(name, post, phone, email):
    return Contact(name=name, post=post, phone=phone, email=email)


def schedule_items():
    d = datetime.date
    rows = []
    steps = (
        ("需求调研与方案细化", d(2020, 4, 16), d(2020, 6, 30)),
        ("平台设计与开发", d(2020, 7, 1), d(2021, 3, 31)),
        ("试点应用与中期评估", d(2021, 1, 1), d(2021, 8, 31)),
        ("完善推广与总结验收", d(2021, 9, 1), d(2021, 12, 31)),
    )
    for task in TASKS:
        for name, start, end in steps:
            rows.append(
                ScheduleItem(task.title, f"{task.business_domain}{name}", start, end)
            )
    return tuple(rows)


def sample_document(*, repeat=1, draft=True, texts=None):
    """The plan of 浙江省水利厅; `texts` overrides section texts by outline key."""
    from plans.pdf import OUTLINE

    section_texts = {key: section_text(heading, repeat) for key, heading in OUTLINE}
    section_texts.update(texts or {})
    kinds = ("方案", "模式", "方法", "产品", "技术")
    deliverables = tuple(
        Deliverable(
            task.title,
            kinds[(i + j) % 5],
            f"{task.business_domain}{kinds[(i + j) % 5]}成果{j + 1}",
            datetime.date(2021, 6 + 3 * j, 30),
        )
        for i, task in enumerate(TASKS)
        for j in range(2)
    )
    return PlanDocument(
        unit_name=UNIT,
        batch_name="智慧水利先行先试（第一批）",
        date=datetime.date(2020, 4, 15),
        version_number=2,
        is_draft=draft,
        sections=outline_sections(section_texts),
        window_start=datetime.date(2020, 4, 1),
        window_end=datetime.date(2021, 12, 31),
        overall_responsible=person(
            "王建国", "副厅长", "0571-87826500", "wang@zjwater.test"
        ),
        overall_contact=person(
            "李晓红", "科技处处长", "0571-87826501", "li@zjwater.test"
        ),
        task_contacts=tuple(
            TaskContacts(
                task.title,
                person(
                    f"负责人{i + 1}", "处长", f"0571-8782660{i}", f"r{i}@zjwater.test"
                ),
                person(
                    f"联系人{i + 1}", "主任科员", f"1380000000{i}", f"c{i}@zjwater.test"
                ),
            )
            for i, task in enumerate(TASKS)
        ),
        tasks=TASKS,
        schedule_items=schedule_items(),
        deliverables=deliverables,
    )
