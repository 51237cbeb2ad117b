"""Demo news of the progress column (marked 演示): a dozen published posts spread
over the past months, one draft and one scheduled post. Safe to run twice: posts
are found by their address (slug) and left as the office may have edited them.

The stories are invented for the demo; every title and text says so.
"""

import datetime

from django.utils import timezone

from pilots.models import PilotUnit, Task, User

from .models import NewsPost

DEMO_NOTE = "【演示数据】本文为演示内容，不代表真实工作进展。"

# (slug, days ago, category, unit slugs, task title or None, title, summary, body)
POSTS = [
    (
        "demo-zhejiang-flash-flood",
        150,
        "progress",
        ["zhejiang"],
        "山洪灾害监测预警平台",
        "浙江省山洪灾害监测预警平台完成需求调研（演示）",
        "浙江省水利厅组织各地开展山洪灾害监测预警平台需求调研，形成需求清单。",
        "浙江省水利厅围绕山洪灾害“预报、预警、预演、预案”，组织各市县开展需求调研。\n\n"
        "- 梳理监测站点和预警发布流程\n- 形成平台功能需求清单\n- 明确数据共享责任分工",
    ),
    (
        "demo-shenzhen-reservoir",
        135,
        "progress",
        ["shenzhen"],
        "水库智慧监管",
        "深圳市水库智慧监管系统接入首批视频监控点（演示）",
        "深圳市水务局完成首批水库视频监控点接入，实现大坝关键部位实时查看。",
        "深圳市水务局推进水库智慧监管先行先试任务，首批视频监控点已接入统一平台。\n\n"
        "下一步将扩大接入范围，并试点视频智能识别。",
    ),
    (
        "demo-changjiang-forecast",
        120,
        "progress",
        ["changjiang"],
        "流域水旱灾害防御智能预报调度",
        "长江委开展流域预报调度模型率定（演示）",
        "长江水利委员会利用历史洪水资料开展预报调度模型率定，提升预报精度。",
        "长江委选取近年典型洪水过程，对流域预报调度模型进行率定和验证。\n\n"
        "1. 收集整理水文气象资料\n2. 开展模型参数率定\n3. 组织专家评审",
    ),
    (
        "demo-fujian-river-chief",
        105,
        "progress",
        ["fujian"],
        "河湖长制智慧管理",
        "福建省河湖长制智慧管理平台上线试运行（演示）",
        "福建省水利厅河湖长制智慧管理平台上线试运行，河湖长巡河实现移动端记录。",
        "福建省河湖长制智慧管理平台上线试运行，各级河湖长可通过移动端记录巡河情况，"
        "问题线索自动流转到责任单位。",
    ),
    (
        "demo-huanghe-allocation",
        90,
        "progress",
        ["huanghe"],
        "流域水资源智能调配",
        "黄委推进流域水资源智能调配数据底板建设（演示）",
        "黄河水利委员会整合遥感和监测数据，建设水资源调配数据底板。",
        "黄委整合取用水监测、遥感和水文数据，建设流域水资源智能调配数据底板，"
        "为水量调度提供支撑。",
    ),
    (
        "demo-taihu-shoreline",
        75,
        "results",
        ["taihu"],
        "河湖水域岸线智能监管",
        "太湖局岸线智能监管发现并处置一批问题（演示）",
        "太湖流域管理局利用遥感影像比对，发现并推动处置一批岸线问题。",
        "太湖局利用多期遥感影像比对，自动识别疑似岸线变化图斑，经现场核查后推动属地处置。\n\n"
        "该做法已形成工作规程，可供其他流域参考。",
    ),
    (
        "demo-guangdong-operation",
        60,
        "progress",
        ["guangdong"],
        "水利工程智慧运行管理",
        "广东省水利工程智慧运行管理试点启动5G应用（演示）",
        "广东省水利厅在试点水闸开展5G巡检应用，提升工程运行管理效率。",
        "广东省选取试点水闸，利用5G网络回传巡检视频和监测数据，实现远程巡检。",
    ),
    (
        "demo-guizhou-one-stop",
        50,
        "results",
        ["guizhou"],
        "水利政务服务一网通办",
        "贵州省水利政务服务事项实现“一网通办”（演示）",
        "贵州省水利厅梳理政务服务事项，实现网上申报、审批和结果查询。",
        "贵州省水利厅梳理水利政务服务事项，依托省级政务服务平台实现“一网通办”，"
        "群众办事少跑腿。",
    ),
    (
        "demo-zhejiang-water-supply",
        40,
        "results",
        ["zhejiang"],
        "城乡清洁供水数字化管理系统",
        "浙江省城乡供水数字化管理系统覆盖全部县（市、区）（演示）",
        "浙江省城乡清洁供水数字化管理系统完成推广，供水水质和水量数据实时汇聚。",
        "浙江省城乡清洁供水数字化管理系统完成全省推广，水厂水质、水量数据实时汇聚，"
        "异常情况自动预警。",
    ),
    (
        "demo-shenzhen-drainage",
        30,
        "results",
        ["shenzhen"],
        "智慧排水",
        "深圳市智慧排水系统在汛期发挥作用（演示）",
        "深圳市智慧排水系统在汛期实现内涝点实时监测和预警。",
        "汛期期间，深圳市智慧排水系统实时监测易涝点水位，提前发布预警，"
        "为排涝调度提供依据。",
    ),
    (
        "demo-ningxia-ningbo-suzhou",
        20,
        "progress",
        ["ningxia", "ningbo", "suzhou"],
        None,
        "宁夏、宁波、苏州交流先行先试经验（演示）",
        "三家先行先试单位召开视频交流会，分享实施方案编制和推进经验。",
        "宁夏、宁波、苏州三家先行先试单位召开视频交流会，围绕实施方案编制、"
        "数据共享和项目管理交流经验。",
    ),
    (
        "demo-midterm-preparation",
        10,
        "progress",
        [],
        None,
        "网信办部署先行先试中期检查准备工作（演示）",
        "水利部网信办部署中期检查准备工作，请各单位按要求准备自评材料。",
        "水利部网信办部署先行先试中期检查准备工作。\n\n"
        "- 对照实施方案开展自评\n- 整理阶段性成果材料\n- 按时提交中期检查材料",
    ),
]

DRAFT = (
    "demo-draft-guangdong",
    "广东省水利工程智慧运行管理取得阶段成效（演示草稿）",
    "草稿：待补充数据后发布。",
    "草稿正文，待补充。",
)
SCHEDULED = (
    "demo-scheduled-summary",
    "先行先试工作阶段总结将于近日发布（演示定时发布）",
    "网信办将发布先行先试工作阶段总结。",
    "本文为演示的定时发布稿件，到设定时间后自动在专栏中显示。",
)


def seed(batch, stdout):
    office = User.objects.get(username="office")
    now = timezone.now()
    created = 0
    for slug, days_ago, category, unit_slugs, task_title, title, summary, body in POSTS:
        post, is_new = _post(
            office,
            slug,
            title,
            summary,
            body,
            category=category,
            publish_at=now - datetime.timedelta(days=days_ago, hours=days_ago % 7),
        )
        if is_new:
            created += 1
            post.units.set(PilotUnit.objects.filter(slug__in=unit_slugs))
            post.tasks.set(
                Task.objects.filter(title=task_title, unit__slug__in=unit_slugs)
            )
    slug, title, summary, body = DRAFT
    created += _post(office, slug, title, summary, body, publish_at=None)[1]
    slug, title, summary, body = SCHEDULED
    in_three_days = timezone.localtime(now + datetime.timedelta(days=3)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    created += _post(office, slug, title, summary, body, publish_at=in_three_days)[1]
    stdout.write(f"Demo news: {created} posts created.")


def _post(office, slug, title, summary, body, **fields):
    return NewsPost.objects.get_or_create(
        slug=slug,
        defaults={
            "title": title,
            "summary": summary,
            "body": f"{DEMO_NOTE}\n\n{body}",
            "created_by": office,
            "is_demo": True,
            **fields,
        },
    )
