"""Who may open which achievement page: the full permission table."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from milestones import achievements
from milestones.models import Achievement, AchievementFile, AchievementKind
from pilots.models import PilotUnit
from tests.conftest import client_for, make_user
from tests.milestones.test_achievements import PDF, make_achievement

PERSONAS = [
    "anonymous",
    "office_user",
    "department_user",
    "unit_user",
    "other_unit_user",
    "expert_user",
]


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.fixture
def draft(zhejiang, unit_user):
    achievement = make_achievement(zhejiang, unit_user)
    AchievementFile.objects.create(
        achievement=achievement,
        file=SimpleUploadedFile("说明.pdf", PDF),
        name="说明.pdf",
        kind="pdf",
        size=len(PDF),
        uploaded_by=unit_user,
    )
    return achievement


def _get(client, request, persona, url):
    if persona != "anonymous":
        client_for(client, request.getfixturevalue(persona))
    return client.get(url)


def _expect(response, expected, url):
    if expected == "login":
        assert response.status_code == 302
        assert response.url == f"/accounts/login/?next={url}"
    else:
        assert response.status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", "login"),
        ("office_user", 200),
        ("department_user", 200),
        ("unit_user", 200),
        ("other_unit_user", 200),
        ("expert_user", 403),
    ],
)
def test_achievement_list_access(client, request, persona, expected, draft):
    url = reverse("milestones:achievement_list")
    response = _get(client, request, persona, url)
    _expect(response, expected, url)
    if expected == 200:
        shown = "水利一张图" in response.content.decode()
        assert shown == (persona != "other_unit_user")


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", "login"),
        ("office_user", 200),
        ("department_user", 200),
        ("unit_user", 200),
        ("other_unit_user", 404),
        ("expert_user", 404),
    ],
)
def test_achievement_detail_access(client, request, persona, expected, draft):
    url = reverse("milestones:achievement_detail", args=[draft.pk])
    _expect(_get(client, request, persona, url), expected, url)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", "login"),
        ("office_user", 403),
        ("department_user", 403),
        ("unit_user", 200),
        ("other_unit_user", 200),
        ("expert_user", 403),
    ],
)
def test_achievement_create_access(client, request, persona, expected, db):
    url = reverse("milestones:achievement_create")
    _expect(_get(client, request, persona, url), expected, url)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", "login"),
        ("office_user", 403),
        ("department_user", 403),
        ("unit_user", 200),
        ("other_unit_user", 404),
        ("expert_user", 404),
    ],
)
def test_achievement_edit_access(client, request, persona, expected, draft):
    url = reverse("milestones:achievement_edit", args=[draft.pk])
    _expect(_get(client, request, persona, url), expected, url)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 404),
        ("office_user", 200),
        ("department_user", 200),
        ("unit_user", 200),
        ("other_unit_user", 404),
        ("expert_user", 404),
    ],
)
def test_unpublished_file_download_access(client, request, persona, expected, draft):
    url = reverse("milestones:achievement_file", args=[draft.files.get().pk])
    response = _get(client, request, persona, url)
    assert response.status_code == expected
    if expected == 200:
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Disposition"] == (
            "attachment; filename*=utf-8''%E8%AF%B4%E6%98%8E.pdf"
        )
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("persona", PERSONAS)
def test_published_file_download_for_everyone(
    client, request, persona, draft, office_user
):
    achievements.publish(achievement=draft, user=office_user)
    url = reverse("milestones:achievement_file", args=[draft.files.get().pk])
    response = _get(client, request, persona, url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_unpublished_again_file_is_private_again(client, draft, office_user):
    achievements.publish(achievement=draft, user=office_user)
    achievements.unpublish(achievement=draft, user=office_user)
    url = reverse("milestones:achievement_file", args=[draft.files.get().pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", "login"),
        ("office_user", 403),
        ("department_user", 403),
        ("unit_user", 302),
        ("other_unit_user", 404),
        ("expert_user", 404),
    ],
)
def test_file_add_and_remove_access(client, request, persona, expected, draft):
    if persona != "anonymous":
        client_for(client, request.getfixturevalue(persona))
    stored = draft.files.get()
    add = reverse("milestones:achievement_file_add", args=[draft.pk])
    response = client.post(add, {"file": SimpleUploadedFile("b.pdf", PDF)})
    _expect(response, expected, add)
    remove = reverse("milestones:achievement_file_remove", args=[stored.pk])
    _expect(client.post(remove, {"confirmed": "1"}), expected, remove)
    remaining = AchievementFile.objects.filter(pk=stored.pk).exists()
    assert remaining == (expected != 302)


def test_files_of_published_achievement_cannot_change(
    client, unit_user, draft, office_user
):
    achievements.publish(achievement=draft, user=office_user)
    client_for(client, unit_user)
    add = reverse("milestones:achievement_file_add", args=[draft.pk])
    assert (
        client.post(add, {"file": SimpleUploadedFile("b.pdf", PDF)}).status_code == 403
    )
    stored = draft.files.get()
    remove = reverse("milestones:achievement_file_remove", args=[stored.pk])
    assert client.post(remove).status_code == 403
    assert draft.files.count() == 1


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", "login"),
        ("office_user", 302),
        ("department_user", 403),
        ("unit_user", 403),
        ("other_unit_user", 403),
        ("expert_user", 403),
    ],
)
def test_office_action_access(client, request, persona, expected, draft):
    if persona != "anonymous":
        client_for(client, request.getfixturevalue(persona))
    url = reverse("milestones:achievement_action", args=[draft.pk, "publish"])
    _expect(client.post(url), expected, url)
    draft.refresh_from_db()
    assert (draft.published_at is not None) == (expected == 302)


def test_office_filters_by_unit_kind_and_state(client, office_user, unit_user, draft):
    fujian = PilotUnit.objects.get(slug="fujian")
    fujian_member = make_user("fujian-x", "unit", unit=fujian)
    other = make_achievement(
        fujian, fujian_member, title="福建成果", kind=AchievementKind.METHOD
    )
    achievements.publish(achievement=other, user=office_user)
    client_for(client, office_user)
    url = reverse("milestones:achievement_list")

    def titles(**query):
        rows = client.get(url, query).context["rows"]
        return [row.title for row in rows]

    assert titles() == ["水利一张图", "福建成果"]
    assert titles(unit=fujian.pk) == ["福建成果"]
    assert titles(kind="product") == ["水利一张图"]
    assert titles(state="published") == ["福建成果"]
    assert titles(state="draft") == ["水利一张图"]
    assert titles(state="recommended") == []


def _list_queries(client, django_assert_num_queries, count, office_user, unit_user):
    zhejiang = unit_user.unit
    for n in range(count):
        achievement = make_achievement(zhejiang, unit_user, title=f"成果{n}")
        AchievementFile.objects.create(
            achievement=achievement,
            file=SimpleUploadedFile("a.pdf", PDF),
            name="a.pdf",
            kind="pdf",
            size=len(PDF),
            uploaded_by=unit_user,
        )
    client_for(client, office_user)
    url = reverse("milestones:achievement_list")
    client.get(url)  # warm the session and the content types
    with django_assert_num_queries(QUERIES):
        response = client.get(url)
    assert len(response.context["rows"]) == Achievement.objects.count()


# Session, user, the navigation's unread count, the rows with their file counts,
# and the filter's unit choices.
QUERIES = 5


@pytest.mark.parametrize("count", [1, 6])
def test_office_list_query_count_constant(
    client, django_assert_num_queries, office_user, unit_user, count
):
    _list_queries(client, django_assert_num_queries, count, office_user, unit_user)
