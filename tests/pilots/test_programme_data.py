import datetime

from pilots.models import Batch, BusinessDomain, PilotUnit, Task, TechnologyDomain

EXPECTED_UNITS = {
    "changjiang": ("长江水利委员会", "basin"),
    "huanghe": ("黄河水利委员会", "basin"),
    "taihu": ("太湖流域管理局", "basin"),
    "zhejiang": ("浙江省水利厅", "province"),
    "fujian": ("福建省水利厅", "province"),
    "guangdong": ("广东省水利厅", "province"),
    "guizhou": ("贵州省水利厅", "province"),
    "ningxia": ("宁夏回族自治区水利厅", "province"),
    "shenzhen": ("深圳市水务局", "city"),
    "ningbo": ("宁波市水利局", "city"),
    "suzhou": ("苏州市水务局", "city"),
}


def test_data_migration_loads_exactly_the_eleven_units(db):
    units = {u.slug: (u.name, u.level) for u in PilotUnit.objects.all()}
    assert units == EXPECTED_UNITS


def test_every_unit_has_an_english_name_and_at_least_one_task(db):
    for unit in PilotUnit.objects.all():
        assert unit.name_en and unit.short_name and unit.short_name_en
        assert unit.tasks.exists(), unit.slug


def test_domains_are_the_notices_lists(db):
    assert list(BusinessDomain.objects.values_list("name", flat=True)) == [
        "水灾害",
        "水资源",
        "水工程",
        "水监督",
        "水政务",
    ]
    assert list(TechnologyDomain.objects.values_list("name", flat=True)) == [
        "物联网",
        "视频",
        "遥感",
        "大数据",
        "人工智能",
        "5G",
        "区块链",
    ]


def test_only_shenzhens_task_names_are_documented_facts(db):
    facts = Task.objects.filter(evidence=Task.Evidence.FACT)
    assert sorted(facts.values_list("title", flat=True)) == ["智慧排水", "水库智慧监管"]
    assert {t.unit.slug for t in facts} == {"shenzhen"}
    # Everything that is not a documented fact says where it comes from.
    for task in Task.objects.exclude(evidence=Task.Evidence.FACT):
        assert task.source


def test_first_batch_keeps_the_notices_dates(db):
    batch = Batch.objects.get(slug="2020")
    assert batch.plan_due == datetime.date(2020, 4, 15)
    assert batch.implementation_start == datetime.date(2020, 4, 1)
    assert batch.implementation_end == datetime.date(2021, 12, 31)
    assert batch.acceptance_due == datetime.date(2021, 12, 31)
    assert batch.units.count() == 11
    assert Batch.objects.current() == batch
