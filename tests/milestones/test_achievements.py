import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from column import cache
from milestones import achievements
from milestones.models import Achievement, AchievementFile, AchievementKind
from pilots.models import Notification
from tests.conftest import client_for

PDF = b"%PDF-1.4\n%demo\n"


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def _task(unit):
    return unit.tasks.order_by("order", "pk").first()


def make_achievement(unit, user, **fields):
    values = {
        "unit": unit,
        "task": _task(unit),
        "kind": AchievementKind.PRODUCT,
        "title": "水利一张图",
        "description": "全省统一的水利数据底座。",
        "created_by": user,
        **fields,
    }
    return Achievement.objects.create(**values)


def _form(task, **extra):
    return {
        "task": task.pk,
        "kind": AchievementKind.SCHEME,
        "title": "数字孪生流域建设方案",
        "description": "覆盖全流域的建设方案。",
        **extra,
    }


# ------------------------------------------------------------------ registering


def test_unit_registers_achievement_with_file(client, unit_user, zhejiang):
    data = _form(_task(zhejiang), file=SimpleUploadedFile("方案.pdf", PDF))
    response = client_for(client, unit_user).post(
        reverse("milestones:achievement_create"), data, follow=True
    )
    achievement = Achievement.objects.get()
    assert response.redirect_chain == [
        (reverse("milestones:achievement_detail", args=[achievement.pk]), 302)
    ]
    assert (achievement.unit, achievement.kind, achievement.created_by) == (
        zhejiang,
        AchievementKind.SCHEME,
        unit_user,
    )
    assert achievement.published_at is None
    stored = achievement.files.get()
    assert (stored.name, stored.kind, stored.size) == ("方案.pdf", "pdf", len(PDF))
    with stored.file.open("rb") as handle:
        assert handle.read() == PDF
    page = response.content.decode()
    assert "数字孪生流域建设方案" in page
    assert "方案.pdf" in page


def test_registering_for_another_units_task_is_refused_and_input_kept(
    client, unit_user, fujian
):
    response = client_for(client, unit_user).post(
        reverse("milestones:achievement_create"), _form(_task(fujian))
    )
    assert response.status_code == 200
    assert Achievement.objects.count() == 0
    form = response.context["form"]
    assert form.errors["task"] == ["该任务属于其他单位：请选择本单位自己的任务。"]
    page = response.content.decode()
    assert "数字孪生流域建设方案" in page
    assert "覆盖全流域的建设方案。" in page


def test_registering_without_kind_is_refused(client, unit_user, zhejiang):
    data = _form(_task(zhejiang), kind="")
    response = client_for(client, unit_user).post(
        reverse("milestones:achievement_create"), data
    )
    assert response.context["form"].errors["kind"] == [
        "请选择成果类型：方案、模式、方法、产品或技术。"
    ]
    assert Achievement.objects.count() == 0
    assert "数字孪生流域建设方案" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("假的.pdf", b"MZ\x90\x00not a pdf", "文件内容与其扩展名（.pdf）不符。"),
        (
            "程序.exe",
            b"MZ\x90\x00",
            "仅接受 Word、PDF、图片（PNG、JPEG）和电子表格文件。",
        ),
    ],
)
def test_registering_with_bad_file_is_refused(
    client, unit_user, zhejiang, name, content, message
):
    data = _form(_task(zhejiang), file=SimpleUploadedFile(name, content))
    response = client_for(client, unit_user).post(
        reverse("milestones:achievement_create"), data
    )
    assert response.context["form"].errors["file"] == [message]
    assert Achievement.objects.count() == 0


def test_registering_with_too_large_file_is_refused(
    client, unit_user, zhejiang, settings
):
    settings.MAX_UPLOAD_MB = 1
    big = SimpleUploadedFile("大.pdf", PDF + b"0" * (1024 * 1024))
    response = client_for(client, unit_user).post(
        reverse("milestones:achievement_create"), _form(_task(zhejiang), file=big)
    )
    assert response.context["form"].errors["file"] == ["文件超过 1 MB。"]


def test_unit_edits_unpublished_achievement(client, unit_user, zhejiang):
    achievement = make_achievement(zhejiang, unit_user)
    data = _form(_task(zhejiang), title="改后的标题")
    client_for(client, unit_user).post(
        reverse("milestones:achievement_edit", args=[achievement.pk]), data
    )
    achievement.refresh_from_db()
    assert (achievement.title, achievement.kind) == ("改后的标题", "scheme")


def test_published_achievement_cannot_be_edited(
    client, unit_user, zhejiang, office_user
):
    achievement = make_achievement(zhejiang, unit_user)
    achievements.publish(achievement=achievement, user=office_user)
    url = reverse("milestones:achievement_edit", args=[achievement.pk])
    response = client_for(client, unit_user).post(url, _form(_task(zhejiang)))
    assert response.status_code == 403
    achievement.refresh_from_db()
    assert achievement.title == "水利一张图"


def test_edit_raced_by_publication_is_refused_with_message(
    unit_user, zhejiang, office_user
):
    achievement = make_achievement(zhejiang, unit_user)
    achievements.publish(achievement=Achievement.objects.get(), user=office_user)
    with pytest.raises(achievements.AchievementError) as refused:
        achievements.update_achievement(
            achievement=achievement,
            task=_task(zhejiang),
            kind="model",
            title="晚了",
            description="",
        )
    assert str(refused.value) == "网信办已发布该成果，不能再修改。"


def test_unit_adds_and_removes_file(client, unit_user, zhejiang):
    achievement = make_achievement(zhejiang, unit_user)
    client = client_for(client, unit_user)
    client.post(
        reverse("milestones:achievement_file_add", args=[achievement.pk]),
        {"file": SimpleUploadedFile("说明.pdf", PDF)},
    )
    stored = AchievementFile.objects.get()
    name = stored.file.name
    assert stored.file.storage.exists(name)
    response = client.post(
        reverse("milestones:achievement_file_remove", args=[stored.pk]),
        {"confirmed": "1"},
        follow=True,
    )
    assert AchievementFile.objects.count() == 0
    assert "已删除。" in response.content.decode()
    assert not stored.file.storage.exists(name)


def test_file_with_wrong_content_is_refused_on_detail(client, unit_user, zhejiang):
    achievement = make_achievement(zhejiang, unit_user)
    response = client_for(client, unit_user).post(
        reverse("milestones:achievement_file_add", args=[achievement.pk]),
        {"file": SimpleUploadedFile("图.png", PDF)},
        follow=True,
    )
    assert AchievementFile.objects.count() == 0
    assert "文件内容与其扩展名（.png）不符。" in response.content.decode()


# ------------------------------------------------------------------ the office


def test_office_publishes_and_unit_is_notified(
    client, office_user, unit_user, zhejiang, django_capture_on_commit_callbacks
):
    achievement = make_achievement(zhejiang, unit_user)
    url = reverse("milestones:achievement_action", args=[achievement.pk, "publish"])
    with django_capture_on_commit_callbacks(execute=False):
        response = client_for(client, office_user).post(url, follow=True)
    achievement.refresh_from_db()
    assert achievement.published_at is not None
    assert not achievement.recommended
    assert "已在工作专栏发布。" in response.content.decode()
    notification = Notification.objects.get(recipient=unit_user)
    assert notification.title == "您的成果“水利一张图”已发布"
    assert notification.url == f"/achievements/manage/{achievement.pk}/"


def test_office_recommends_which_also_publishes(
    client, office_user, unit_user, zhejiang
):
    achievement = make_achievement(zhejiang, unit_user)
    url = reverse("milestones:achievement_action", args=[achievement.pk, "recommend"])
    client_for(client, office_user).post(url, {"recommendation": "可在全国推广。"})
    achievement.refresh_from_db()
    assert achievement.recommended
    assert achievement.published_at is not None
    assert achievement.recommended_at is not None
    assert achievement.recommendation == "可在全国推广。"
    assert list(Achievement.objects.recommended()) == [achievement]
    assert Notification.objects.get(recipient=unit_user).title == (
        "您的成果“水利一张图”被推荐为可推广可复制成果"
    )


def test_recommending_without_text_is_refused(client, office_user, unit_user, zhejiang):
    achievement = make_achievement(zhejiang, unit_user)
    url = reverse("milestones:achievement_action", args=[achievement.pk, "recommend"])
    response = client_for(client, office_user).post(url, {"recommendation": " "})
    assert response.status_code == 200
    assert response.context["recommend_form"].errors["recommendation"] == [
        "请写一段简短的推荐理由：为什么值得其他单位借鉴。"
    ]
    achievement.refresh_from_db()
    assert (achievement.recommended, achievement.published_at) == (False, None)


def test_unpublishing_withdraws_the_recommendation(office_user, unit_user, zhejiang):
    achievement = make_achievement(zhejiang, unit_user)
    achievements.recommend(
        achievement=achievement, recommendation="好", user=office_user
    )
    achievements.unpublish(achievement=achievement, user=office_user)
    achievement.refresh_from_db()
    assert (achievement.published_at, achievement.recommended) == (None, False)
    assert list(Achievement.objects.public()) == []


def test_withdrawing_recommendation_keeps_it_published(
    office_user, unit_user, zhejiang
):
    achievement = make_achievement(zhejiang, unit_user)
    achievements.recommend(
        achievement=achievement, recommendation="好", user=office_user
    )
    achievements.withdraw_recommendation(achievement=achievement, user=office_user)
    assert list(Achievement.objects.public()) == [achievement]
    assert list(Achievement.objects.recommended()) == []


def test_second_publish_is_stale_and_refused(client, office_user, unit_user, zhejiang):
    achievement = make_achievement(zhejiang, unit_user)
    achievements.publish(achievement=Achievement.objects.get(), user=office_user)
    url = reverse("milestones:achievement_action", args=[achievement.pk, "publish"])
    response = client_for(client, office_user).post(url, follow=True)
    assert "该成果已被他人修改" in response.content.decode()
    assert Notification.objects.filter(kind="achievement_published").count() == 1


@pytest.mark.parametrize("action", ["publish", "recommend", "unpublish"])
def test_unit_and_department_cannot_publish(
    client, unit_user, department_user, zhejiang, action
):
    achievement = make_achievement(zhejiang, unit_user)
    url = reverse("milestones:achievement_action", args=[achievement.pk, action])
    for user in (unit_user, department_user):
        response = client_for(client, user).post(url, {"recommendation": "x"})
        assert response.status_code == 403
    achievement.refresh_from_db()
    assert achievement.published_at is None


def test_publishing_drops_the_public_page_cache(office_user, unit_user, zhejiang):
    before = cache.content_version()
    achievements.publish(
        achievement=make_achievement(zhejiang, unit_user), user=office_user
    )
    assert cache.content_version() != before
