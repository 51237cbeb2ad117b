"""Demo achievements (成果) of the five kinds, all marked 演示: some published, four
recommended for promotion with the office's reasons, one a unit's unpublished
draft. Safe to run twice: an achievement is found again by its unit and title."""

from django.core.files.base import ContentFile

from pilots.models import PilotUnit, User

from . import achievements
from .models import Achievement, AchievementFile, AchievementKind

# A one-page PDF, so the public download link has something real to serve.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

PUBLISHED, RECOMMENDED, DRAFT = "published", "recommended", "draft"

# (unit slug, kind, title, description, state, recommendation)
DEMO = [
    (
        "changjiang",
        AchievementKind.TECHNOLOGY,
        "流域洪水预报调度一体化技术（演示）",
        "演示数据：把降雨预报、产汇流计算和水库群调度放在同一平台上滚动计算，"
        "预见期内给出调度方案比选。",
        RECOMMENDED,
        "演示：预报与调度一体化的做法适用于其他大江大河的防洪调度。",
    ),
    (
        "taihu",
        AchievementKind.MODEL,
        "湖泊蓝藻监测预警与联防联控模式（演示）",
        "演示数据：卫星遥感、视频和浮标监测结合，预警信息同步推送到沿湖各地，"
        "按统一流程联合处置。",
        RECOMMENDED,
        "演示：跨行政区联防联控的机制可供其他湖泊管理机构借鉴。",
    ),
    (
        "zhejiang",
        AchievementKind.SCHEME,
        "省级“水利一张图”数据共享方案（演示）",
        "演示数据：统一水利对象编码与空间底图，省市县三级按目录共享数据。",
        RECOMMENDED,
        "演示：数据目录和对象编码的方案可直接复制到其他省份。",
    ),
    (
        "fujian",
        AchievementKind.PRODUCT,
        "山洪灾害监测预警平台（演示）",
        "演示数据：雨量、水位站点实时接入，预警信息分级推送到乡镇和村。",
        RECOMMENDED,
        "演示：平台已在多地部署，适合山丘区省份推广。",
    ),
    (
        "shenzhen",
        AchievementKind.METHOD,
        "基于视频智能识别的河湖“四乱”发现方法（演示）",
        "演示数据：用视频图像识别河湖乱占、乱采、乱堆、乱建，自动生成巡查工单。",
        PUBLISHED,
        "",
    ),
    (
        "guangdong",
        AchievementKind.PRODUCT,
        "水利工程安全运行监管系统（演示）",
        "演示数据：水库、堤防的安全监测数据集中展示，异常自动告警。",
        PUBLISHED,
        "",
    ),
    (
        "ningxia",
        AchievementKind.METHOD,
        "灌区用水计量与智能配水方法（演示）",
        "演示数据：按渠系计量来水与用水，依据墒情和作物需水自动生成配水计划。",
        PUBLISHED,
        "",
    ),
    (
        "suzhou",
        AchievementKind.TECHNOLOGY,
        "城市内涝物联网感知技术（演示，草稿）",
        "演示数据：单位尚在完善的草稿，未提交网信办发布。",
        DRAFT,
        "",
    ),
]


def _author(unit, office):
    member = User.objects.members_of(unit).order_by("pk").first()
    return member or office


def seed(batch, stdout):
    office = User.objects.office().order_by("pk").first()
    if office is None:
        stdout.write("milestones: no office account, demo achievements skipped")
        return
    units = {unit.slug: unit for unit in PilotUnit.objects.filter(batches=batch)}
    made = 0
    for slug, kind, title, description, state, recommendation in DEMO:
        unit = units.get(slug)
        task = unit and unit.tasks.order_by("order", "pk").first()
        if task is None:
            continue
        achievement, created = Achievement.objects.get_or_create(
            unit=unit,
            title=title,
            defaults={
                "task": task,
                "kind": kind,
                "description": description,
                "created_by": _author(unit, office),
                "is_demo": True,
            },
        )
        if not created:
            continue
        made += 1
        if state != DRAFT:
            AchievementFile.objects.create(
                achievement=achievement,
                file=ContentFile(DEMO_PDF, name="demo.pdf"),
                name=f"{title}简介.pdf",
                kind="pdf",
                size=len(DEMO_PDF),
                uploaded_by=achievement.created_by,
            )
        if state == PUBLISHED:
            achievements.publish(achievement=achievement, user=office)
        elif state == RECOMMENDED:
            achievements.recommend(
                achievement=achievement, recommendation=recommendation, user=office
            )
    stdout.write(f"milestones: {made} new demo achievements")
