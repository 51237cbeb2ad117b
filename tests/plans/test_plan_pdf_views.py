import pytest
from django.urls import reverse

from plans import services
from plans.models import Status
from tests.conftest import client_for

from .builders import complete_plan, current_plan


def test_version_pdf_is_a_download_for_readers(
    client, zhejiang, unit_user, office_user
):
    plan = complete_plan(current_plan(zhejiang))
    services.submit_plan(plan=plan, expected=Status.DRAFT, user=unit_user)
    client_for(client, office_user)
    response = client.get(reverse("plans:version_pdf", args=["zhejiang", 1]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="plan-zhejiang-v1.pdf"'
    )
    assert response.content.startswith(b"%PDF-")


def test_draft_pdf_is_a_download_for_members(client, zhejiang, unit_user):
    current_plan(zhejiang)
    client_for(client, unit_user)
    response = client.get(reverse("plans:draft_pdf", args=["zhejiang"]))
    assert response["Content-Disposition"] == (
        'attachment; filename="plan-zhejiang-draft.pdf"'
    )
    assert response.content.startswith(b"%PDF-")


@pytest.mark.parametrize("persona", ["other_unit_user", "expert_user"])
def test_plan_pdfs_are_404_to_outsiders(client, request, zhejiang, unit_user, persona):
    plan = complete_plan(current_plan(zhejiang))
    services.submit_plan(plan=plan, expected=Status.DRAFT, user=unit_user)
    client_for(client, request.getfixturevalue(persona))
    assert client.get(reverse("plans:draft_pdf", args=["zhejiang"])).status_code == 404
    url = reverse("plans:version_pdf", args=["zhejiang", 1])
    assert client.get(url).status_code == 404
