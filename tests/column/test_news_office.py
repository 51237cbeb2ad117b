"""The office writes the news: permissions, validation, workflow actions."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from column import news
from column.models import NewsImage, NewsPost
from tests.conftest import client_for

from .news_builders import add_png, make_post, png_upload


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def post(office_user):
    return make_post(office_user, state="draft", slug="draft-post")


def office_urls(post):
    return [
        ("get", reverse("column:office_news_list")),
        ("get", reverse("column:news_create")),
        ("get", reverse("column:news_edit", args=[post.pk])),
        ("get", reverse("column:news_preview", args=[post.pk])),
        ("post", reverse("column:news_action", args=[post.pk, "publish"])),
    ]


def test_editing_views_send_anonymous_to_login(client, post):
    for method, url in office_urls(post):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next="), url
    post.refresh_from_db()
    assert post.publish_at is None


@pytest.mark.parametrize(
    "persona",
    ["department_user", "unit_user", "other_unit_user", "expert_user"],
)
def test_editing_views_forbidden_to_other_roles(client, request, post, persona):
    client_for(client, request.getfixturevalue(persona))
    for method, url in office_urls(post):
        assert getattr(client, method)(url).status_code == 403, url
    post.refresh_from_db()
    assert post.publish_at is None


def test_editing_views_open_to_the_office(client, office_user, post):
    client_for(client, office_user)
    for _method, url in office_urls(post)[:-1]:
        assert client.get(url).status_code == 200, url
    response = client.post(reverse("column:news_action", args=[post.pk, "publish"]))
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.publish_at is not None


def form_data(**extra):
    return {
        "title": "福建：水利一张图全面上线",
        "slug": "",
        "category": "progress",
        "summary": "福建省水利一张图汇聚全省水利对象。",
        "body": "第一段。\n\n[图片1]",
        "image-alt": "",
        "image-caption": "",
        **extra,
    }


def test_office_writes_a_post_with_an_image(client, office_user, fujian):
    client_for(client, office_user)
    with time_machine.travel(datetime.datetime(2026, 5, 6, 2, tzinfo=datetime.UTC)):
        response = client.post(
            reverse("column:news_create"),
            form_data(
                title="Fujian water map 上线",
                units=[fujian.pk],
                preview="1",
                **{
                    "image-image": png_upload(),
                    "image-alt": "水利一张图界面",
                    "image-caption": "全省水利对象",
                },
            ),
        )

    post = NewsPost.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("column:news_preview", args=[post.pk])
    assert post.slug == "2026-05-06-fujian-water-map-shang-xian"
    assert post.publish_at is None and post.created_by == office_user
    assert list(post.units.all()) == [fujian]
    image = NewsImage.objects.get(post=post)
    assert (image.alt, image.caption) == ("水利一张图界面", "全省水利对象")
    assert image.image.name.endswith(".png")
    preview = client.get(response["Location"]).content.decode()
    assert "预览 · 草稿" in preview
    assert f'<img src="/news/images/{image.pk}/" alt="水利一张图界面"' in preview


def test_image_without_alt_text_refused_keeping_input(client, office_user):
    client_for(client, office_user)

    response = client.post(
        reverse("column:news_create"),
        form_data(**{"image-image": png_upload()}),
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "为看不到图片的读者描述图片内容" in html
    assert 'value="福建：水利一张图全面上线"' in html
    assert "福建省水利一张图汇聚全省水利对象。" in html
    assert not NewsPost.objects.exists()


def test_file_that_is_not_an_image_refused_keeping_input(client, office_user):
    client_for(client, office_user)
    fake = SimpleUploadedFile("photo.png", b"<html>not an image</html>")

    response = client.post(
        reverse("column:news_create"),
        form_data(**{"image-image": fake, "image-alt": "说明"}),
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "该文件不是 PNG 或 JPEG 图片。" in html
    assert 'value="福建：水利一张图全面上线"' in html
    assert not NewsPost.objects.exists()


def test_duplicate_address_refused_keeping_input(client, office_user):
    make_post(office_user, slug="fujian-map")
    client_for(client, office_user)

    response = client.post(reverse("column:news_create"), form_data(slug="fujian-map"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "已有稿件使用地址“fujian-map”，请另选一个。" in html
    assert 'value="福建：水利一张图全面上线"' in html
    assert NewsPost.objects.count() == 1


def test_address_frozen_once_published(client, office_user):
    post = make_post(office_user, slug="kept")
    client_for(client, office_user)

    client.post(
        reverse("column:news_edit", args=[post.pk]),
        form_data(title="新标题", slug="changed"),
    )

    post.refresh_from_db()
    assert (post.title, post.slug) == ("新标题", "kept")


def _written(client, title, when):
    with time_machine.travel(when):
        client.post(reverse("column:news_create"), form_data(title=title))
    return NewsPost.objects.get(title=title)


MAY_6 = datetime.datetime(2026, 5, 6, 2, tzinfo=datetime.UTC)


def test_address_of_a_chinese_title_reads_in_pinyin(client, office_user):
    client_for(client, office_user)

    post = _written(client, "福建：水利一张图全面上线", MAY_6)

    assert post.slug == "2026-05-06-fu-jian-shui-li-yi-zhang-tu-quan-mian-shang-xian"
    with time_machine.travel(MAY_6):
        client.post(reverse("column:news_action", args=[post.pk, "publish"]))
    url = "/news/2026/05/2026-05-06-fu-jian-shui-li-yi-zhang-tu-quan-mian-shang-xian/"
    post.refresh_from_db()
    assert post.get_absolute_url() == url
    assert "福建：水利一张图全面上线" in client.get(url).content.decode()


def test_address_of_a_long_title_ends_on_a_whole_syllable(client, office_user):
    client_for(client, office_user)
    title = "长江水利委员会流域水旱灾害防御智能预报调度系统建设取得阶段性进展（演示）"

    post = _written(client, title, MAY_6)

    words = post.slug.removeprefix("2026-05-06-")
    assert words == "chang-jiang-shui-li-wei-yuan-hui-liu-yu-shui-han-zai-hai"
    assert len(words) <= 60
    again = _written(client, title + "！", MAY_6)
    assert again.slug == post.slug + "-2"


def test_address_of_a_published_post_survives_a_new_title(client, office_user):
    client_for(client, office_user)
    post = _written(client, "宁波城市洪涝智能预警上线", MAY_6)
    client.post(reverse("column:news_action", args=[post.pk, "publish"]))
    post.refresh_from_db()
    url = post.get_absolute_url()

    data = form_data(title="宁波市城市洪涝预警平台投入运行", slug="")
    client.post(reverse("column:news_edit", args=[post.pk]), data)

    post.refresh_from_db()
    assert post.title == "宁波市城市洪涝预警平台投入运行"
    assert post.slug.endswith("-ning-bo-cheng-shi-hong-lao-zhi-neng-yu-jing-shang-xian")
    assert post.get_absolute_url() == url
    assert "宁波市城市洪涝预警平台投入运行" in client.get(url).content.decode()


def test_address_made_of_the_date_alone_keeps_working(client, office_user):
    # Posts written before titles were read in pinyin kept their addresses.
    post = make_post(office_user, slug="2026-04-01-2", title="旧稿件（日期地址）")

    response = client.get(post.get_absolute_url())

    assert post.get_absolute_url().endswith("/2026-04-01-2/")
    assert "旧稿件（日期地址）" in response.content.decode()


def test_schedule_reads_beijing_time(client, office_user, post):
    client_for(client, office_user)
    with time_machine.travel(datetime.datetime(2026, 5, 6, tzinfo=datetime.UTC)):
        response = client.post(
            reverse("column:news_action", args=[post.pk, "schedule"]),
            {"publish_at": "2026-05-07T09:30"},
        )

    assert response.status_code == 302
    post.refresh_from_db()
    assert post.publish_at == datetime.datetime(2026, 5, 7, 1, 30, tzinfo=datetime.UTC)


def test_schedule_in_the_past_refused_keeping_input(client, office_user, post):
    client_for(client, office_user)

    response = client.post(
        reverse("column:news_action", args=[post.pk, "schedule"]),
        {"publish_at": "2020-01-01T08:00"},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "请选择将来的时间，或立即发布。" in html
    assert 'value="2020-01-01T08:00"' in html
    post.refresh_from_db()
    assert post.publish_at is None


def test_unschedule_returns_to_draft(client, office_user):
    post = make_post(office_user, state="scheduled", slug="s")
    client_for(client, office_user)

    client.post(reverse("column:news_action", args=[post.pk, "unschedule"]))

    post.refresh_from_db()
    assert post.publish_at is None and news.state(post) == news.DRAFT


def test_withdraw_refused_for_a_draft(client, office_user, post):
    client_for(client, office_user)

    response = client.post(
        reverse("column:news_action", args=[post.pk, "withdraw"]), follow=True
    )

    assert "当前状态下不能进行此操作。" in response.content.decode()
    post.refresh_from_db()
    assert post.withdrawn_at is None


def test_withdraw_stale_when_someone_else_got_there_first(office_user):
    post = make_post(office_user, slug="stale")
    NewsPost.objects.filter(pk=post.pk).update(withdrawn_at=timezone.now())

    with pytest.raises(news.NewsStateError, match="Someone else|已有他人"):
        news.withdraw(post=post, by=office_user)


def test_unknown_action_is_404(client, office_user, post):
    client_for(client, office_user)

    response = client.post(reverse("column:news_action", args=[post.pk, "delete"]))

    assert response.status_code == 404


def test_office_list_shows_each_state(client, office_user):
    for state in ["draft", "scheduled", "published", "withdrawn"]:
        make_post(office_user, state=state, title=f"稿件-{state}", slug=state)

    html = (
        client_for(client, office_user)
        .get(reverse("column:office_news_list"))
        .content.decode()
    )

    for state, label in [
        ("draft", "草稿"),
        ("scheduled", "定时发布"),
        ("published", "已发布"),
        ("withdrawn", "已撤回"),
    ]:
        post = NewsPost.objects.get(slug=state)
        link = reverse("column:news_preview", args=[post.pk])
        assert f'<td><a href="{link}">{label}</a></td>' in html


@pytest.mark.parametrize("size", [3, 30])
def test_office_list_query_count_constant(
    client, django_assert_num_queries, office_user, zhejiang, size
):
    for n in range(size):
        post = make_post(office_user, slug=f"o{n}")
        post.units.add(zhejiang)
        add_png(post)
    client_for(client, office_user)

    # Session, user, posts with authors, their units, their images, unread count.
    with django_assert_num_queries(6):
        response = client.get(reverse("column:office_news_list"))

    assert response.status_code == 200


def test_office_removes_an_image_and_its_file(
    client, office_user, post, django_capture_on_commit_callbacks
):
    first, second = add_png(post, alt="第一张"), add_png(post, alt="第二张")
    storage, name = first.image.storage, first.image.name
    url = reverse("column:news_image_remove", args=[post.pk, first.pk])
    client_for(client, office_user)

    # Asked first, on a page of its own: what goes, and what it does to the text.
    asked = client.post(url)
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "图片1（“第一张”）及其文件将被删除。" in page
    assert "标记 [图片1] 届时显示的是现在的图片2" in page
    assert "公众" not in page  # a draft
    assert list(post.images.all()) == [first, second]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"confirmed": "1"})

    assert response.status_code == 302
    assert list(post.images.all()) == [second]
    assert not storage.exists(name)
    page = client.get(reverse("column:news_edit", args=[post.pk])).content.decode()
    assert "<code>[图片1]</code> / <code>[image 1]</code> · 第二张" in page


def test_removing_the_last_image_of_a_published_post(client, office_user):
    post = make_post(office_user, state="published", slug="published-images")
    add_png(post, alt="第一张")
    last = add_png(post, alt="第二张")
    page = (
        client_for(client, office_user)
        .post(reverse("column:news_image_remove", args=[post.pk, last.pk]))
        .content.decode()
    )
    assert "图片2（“第二张”）及其文件将被删除。" in page
    assert "届时显示" not in page  # no image after it
    assert "该稿件已发布，公众会立即看到这一变化。" in page
    assert post.images.count() == 2


@pytest.mark.parametrize(
    "persona", [None, "department_user", "unit_user", "expert_user"]
)
def test_image_removal_only_by_the_office(client, request, post, persona):
    image = add_png(post)
    if persona:
        client_for(client, request.getfixturevalue(persona))

    response = client.post(
        reverse("column:news_image_remove", args=[post.pk, image.pk])
    )

    if persona:
        assert response.status_code == 403
    else:
        assert response["Location"].startswith("/accounts/login/?next=")
    assert NewsImage.objects.filter(pk=image.pk).exists()


def test_edit_saved_after_a_withdrawal_keeps_it_withdrawn(office_user):
    post = make_post(office_user, slug="edited")
    stale = NewsPost.objects.get(pk=post.pk)
    news.withdraw(post=post, by=office_user)
    stale.title = "编辑后的标题"

    news.save_post(post=stale, by=office_user)

    post.refresh_from_db()
    assert post.title == "编辑后的标题"
    assert post.withdrawn_at is not None


def test_jpeg_kept_as_jpeg(client, office_user, post):
    jpeg = SimpleUploadedFile("photo.JPG", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00rest")
    client_for(client, office_user)

    client.post(
        reverse("column:news_edit", args=[post.pk]),
        form_data(**{"image-image": jpeg, "image-alt": "现场照片"}),
    )

    image = NewsImage.objects.get(post=post)
    assert image.image.name.endswith(".jpg")
    response = client.get(reverse("column:news_image", args=[image.pk]))
    assert response["Content-Type"] == "image/jpeg"
    response.close()
