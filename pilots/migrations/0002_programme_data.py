"""The programme as notice 水信息〔2020〕46号 sets it out, so every database has it.

Units: part 二 (all 11 confirmed by the 2020 joint-review report). Domains: part 二.2
and 一.(二).2. Dates: part 五. The tasks of annex 1 are not public: Shenzhen's two
task names are documented (the ministry's catalogue of pilot results), Zhejiang's
are inferred from a provincial meeting, the rest are examples (示例) that the office
replaces with the real annex.
"""

import datetime

from django.db import migrations

BUSINESS_DOMAINS = [
    ("disaster", "水灾害", "Water disasters"),
    ("resources", "水资源", "Water resources"),
    ("engineering", "水工程", "Water engineering"),
    ("supervision", "水监督", "Water supervision"),
    ("administration", "水政务", "Water administration"),
]

TECHNOLOGY_DOMAINS = [
    ("iot", "物联网", "Internet of Things"),
    ("video", "视频", "Video"),
    ("remote-sensing", "遥感", "Remote sensing"),
    ("big-data", "大数据", "Big data"),
    ("ai", "人工智能", "Artificial intelligence"),
    ("5g", "5G", "5G"),
    ("blockchain", "区块链", "Blockchain"),
]

# Ministry departments that guide each business domain (业务司局). The pairing is
# the portal's reading of the ministry's organisation, editable by the office.
DEPARTMENTS = [
    ("flood-drought", "水旱灾害防御司", "Department of Flood and Drought Disaster Prevention", ["disaster"]),
    ("water-resources", "水资源管理司", "Department of Water Resources Management", ["resources"]),
    ("operation", "运行管理司", "Department of Operation and Management", ["engineering"]),
    ("supervision", "监督司", "Department of Supervision", ["supervision"]),
    ("general-office", "办公厅", "General Office", ["administration"]),
]

UNITS = [
    ("changjiang", "长江水利委员会", "Changjiang Water Resources Commission", "长江委", "CWRC", "basin"),
    ("huanghe", "黄河水利委员会", "Yellow River Conservancy Commission", "黄委", "YRCC", "basin"),
    ("taihu", "太湖流域管理局", "Taihu Basin Authority", "太湖局", "TBA", "basin"),
    ("zhejiang", "浙江省水利厅", "Zhejiang Provincial Department of Water Resources", "浙江省", "Zhejiang", "province"),
    ("fujian", "福建省水利厅", "Fujian Provincial Department of Water Resources", "福建省", "Fujian", "province"),
    ("guangdong", "广东省水利厅", "Guangdong Provincial Department of Water Resources", "广东省", "Guangdong", "province"),
    ("guizhou", "贵州省水利厅", "Guizhou Provincial Department of Water Resources", "贵州省", "Guizhou", "province"),
    ("ningxia", "宁夏回族自治区水利厅", "Water Resources Department of Ningxia Hui Autonomous Region", "宁夏", "Ningxia", "province"),
    ("shenzhen", "深圳市水务局", "Shenzhen Water Authority", "深圳市", "Shenzhen", "city"),
    ("ningbo", "宁波市水利局", "Ningbo Water Resources Bureau", "宁波市", "Ningbo", "city"),
    ("suzhou", "苏州市水务局", "Suzhou Water Affairs Bureau", "苏州市", "Suzhou", "city"),
]

CATALOGUE = "水利部智慧水利先行先试成果目录 (the ministry's catalogue of pilot results); business and technology domains inferred"
ZHEJIANG = "Inferred: a Zhejiang provincial meeting listed it beside the ministry pilot; not confirmed as an annex-1 task"
EXAMPLE = "示例 (example): annex 1 of the notice is not public; the office replaces this with the official task"

# (unit, title, English title, business domain, technology domains, evidence, source)
TASKS = [
    ("shenzhen", "水库智慧监管", "Smart reservoir supervision", "engineering", ["iot", "video"], "fact", CATALOGUE),
    ("shenzhen", "智慧排水", "Smart drainage", "disaster", ["iot", "big-data"], "fact", CATALOGUE),
    ("zhejiang", "山洪灾害监测预警平台", "Flash-flood monitoring and early-warning platform", "disaster", ["iot", "big-data"], "inferred", ZHEJIANG),
    ("zhejiang", "水利工程运行管理数字化平台", "Digital platform for the operation of water projects", "engineering", ["iot", "video"], "inferred", ZHEJIANG),
    ("zhejiang", "农村水电站管理数字化平台", "Digital management of rural hydropower stations", "engineering", ["iot", "big-data"], "inferred", ZHEJIANG),
    ("zhejiang", "城乡清洁供水数字化管理系统", "Digital management of clean urban and rural water supply", "resources", ["iot", "big-data"], "inferred", ZHEJIANG),
    ("changjiang", "流域水旱灾害防御智能预报调度", "Intelligent forecasting and dispatch for basin flood and drought defence", "disaster", ["big-data", "ai"], "illustration", EXAMPLE),
    ("huanghe", "流域水资源智能调配", "Intelligent allocation of the basin's water resources", "resources", ["remote-sensing", "big-data"], "illustration", EXAMPLE),
    ("taihu", "河湖水域岸线智能监管", "Intelligent supervision of river and lake shorelines", "supervision", ["remote-sensing", "video"], "illustration", EXAMPLE),
    ("fujian", "河湖长制智慧管理", "Smart management under the river and lake chief system", "supervision", ["video", "ai"], "illustration", EXAMPLE),
    ("guangdong", "水利工程智慧运行管理", "Smart operation of water projects", "engineering", ["iot", "5g"], "illustration", EXAMPLE),
    ("guizhou", "水利政务服务一网通办", "One-stop online water administration services", "administration", ["big-data", "blockchain"], "illustration", EXAMPLE),
    ("ningxia", "灌区水资源智能配置", "Intelligent water allocation in irrigation districts", "resources", ["iot", "remote-sensing"], "illustration", EXAMPLE),
    ("ningbo", "城市洪涝智能预警", "Intelligent early warning of urban flooding", "disaster", ["iot", "ai"], "illustration", EXAMPLE),
    ("suzhou", "城市水环境智慧监管", "Smart supervision of the urban water environment", "supervision", ["video", "big-data"], "illustration", EXAMPLE),
]


def load(apps, schema_editor):
    BusinessDomain = apps.get_model("pilots", "BusinessDomain")
    TechnologyDomain = apps.get_model("pilots", "TechnologyDomain")
    Department = apps.get_model("pilots", "Department")
    PilotUnit = apps.get_model("pilots", "PilotUnit")
    Task = apps.get_model("pilots", "Task")
    Batch = apps.get_model("pilots", "Batch")

    business = {}
    for order, (slug, name, name_en) in enumerate(BUSINESS_DOMAINS):
        business[slug] = BusinessDomain.objects.create(
            slug=slug, name=name, name_en=name_en, order=order
        )
    technology = {}
    for order, (slug, name, name_en) in enumerate(TECHNOLOGY_DOMAINS):
        technology[slug] = TechnologyDomain.objects.create(
            slug=slug, name=name, name_en=name_en, order=order
        )
    for slug, name, name_en, domains in DEPARTMENTS:
        department = Department.objects.create(slug=slug, name=name, name_en=name_en)
        department.business_domains.set([business[d] for d in domains])

    units = {}
    for order, (slug, name, name_en, short, short_en, level) in enumerate(UNITS):
        units[slug] = PilotUnit.objects.create(
            slug=slug,
            name=name,
            name_en=name_en,
            short_name=short,
            short_name_en=short_en,
            level=level,
            order=order,
        )
    for order, (unit, title, title_en, domain, techs, evidence, source) in enumerate(
        TASKS
    ):
        task = Task.objects.create(
            unit=units[unit],
            title=title,
            title_en=title_en,
            business_domain=business[domain],
            evidence=evidence,
            source=source,
            order=order,
        )
        task.technology_domains.set([technology[t] for t in techs])

    # Notice 五: plans due 2020-04-15; implementation 2020-04 … 2021-12; mid-term
    # check late 2020 … 2021 H1; acceptance and summary by the end of 2021.
    batch = Batch.objects.create(
        slug="2020",
        name="智慧水利先行先试（2020年）",
        name_en="Smart-water pilots (2020)",
        is_current=True,
        launch_date=datetime.date(2020, 3, 1),
        plan_due=datetime.date(2020, 4, 15),
        implementation_start=datetime.date(2020, 4, 1),
        implementation_end=datetime.date(2021, 12, 31),
        midterm_start=datetime.date(2020, 12, 1),
        midterm_end=datetime.date(2021, 6, 30),
        acceptance_due=datetime.date(2021, 12, 31),
    )
    batch.units.set(units.values())


class Migration(migrations.Migration):
    dependencies = [("pilots", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
