"""A submitted version names a deliverable's kind and a contact's role in the
reader's words, never by the value its frozen JSON keeps (product, responsible)."""

from django.urls import reverse

from plans import services
from plans.models import Contact, Deliverable, Status
from tests.conftest import client_for

from .builders import complete_plan, current_plan


def _two_versions(zhejiang, unit_user, office_user):
    """v1, then v2 with every deliverable and contact changed."""
    plan = complete_plan(current_plan(zhejiang))
    services.submit_plan(plan=plan, expected=Status.DRAFT, user=unit_user)
    services.return_plan(plan=plan, expected=Status.SUBMITTED, user=office_user)
    Deliverable.objects.filter(plan=plan).update(title="平台二期")
    Contact.objects.filter(plan=plan).update(name="李四")
    services.submit_plan(plan=plan, expected=Status.RETURNED, user=unit_user)
    return plan


def test_version_page_shows_kinds_and_roles_in_chinese(
    client, zhejiang, unit_user, office_user
):
    _two_versions(zhejiang, unit_user, office_user)
    client_for(client, office_user)
    page = client.get(reverse("plans:version", args=["zhejiang", 1])).content.decode()
    assert ": 平台 (产品)</li>" in page
    assert "· 负责人: 张三" in page and "· 联系人: 张三" in page
    assert "(product)" not in page
    assert "responsible:" not in page and "contact:" not in page


def test_version_page_shows_kinds_and_roles_in_english(
    client, zhejiang, unit_user, office_user
):
    _two_versions(zhejiang, unit_user, office_user)
    client_for(client, office_user)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("plans:version", args=["zhejiang", 1])).content.decode()
    assert ": 平台 (Product (产品))</li>" in page
    assert "· Responsible person: 张三" in page


def test_comparison_shows_kinds_and_roles_in_chinese(
    client, zhejiang, unit_user, office_user
):
    _two_versions(zhejiang, unit_user, office_user)
    client_for(client, office_user)
    response = client.get(reverse("plans:compare", args=["zhejiang"]))
    page = response.content.decode()
    assert "[产品]" in page
    # The changed names are marked up inside the row; the role stays plain.
    assert "* 负责人: <del>张三</del>" in page
    assert "* 联系人: <ins>李四</ins>" in page
    assert "[product]" not in page and "responsible:" not in page
