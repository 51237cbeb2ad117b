"""The unit's contact, guide and responsible experts (UnitReviewers): shown to the
office on the unit's review pages and offered first when assigning."""

import pytest

from pilots.models import Batch, PilotUnit, User
from reviews import services
from reviews.forms import AssignForm
from reviews.models import Assignment, Submission, UnitReviewers
from tests.conftest import client_for
from tests.reviews.builders import expert, plan_round, submitted_plan


@pytest.fixture
def submission(office_user, unit_user, zhejiang):
    submitted_plan(zhejiang, unit_user, pre_reviewed_by=office_user)
    round_ = plan_round(office_user)
    services.add_plan_submissions(round_=round_)
    return round_.submissions.get()


@pytest.fixture
def named(zhejiang, office_user, department_user):
    """Zhejiang's setup: a busy responsible expert, one who has since joined
    Zhejiang (tied) and one deactivated; both of the latter must never be offered."""
    setup = UnitReviewers.objects.create(
        batch=Batch.objects.current(),
        unit=zhejiang,
        contact=office_user,
        department=department_user.department,
        guide=department_user,
    )
    busy = expert("busy-business")
    tied = expert("now-tied")
    gone = expert("gone", is_active=False)
    setup.experts.set([busy, tied, gone])
    User.objects.filter(pk=tied.pk).update(affiliation=zhejiang)
    return busy


def _load(expert_user, office_user):
    other = Submission.objects.create(
        round=Submission.objects.get().round,
        unit=PilotUnit.objects.get(slug="fujian"),
        material_title="x",
    )
    Assignment.objects.create(
        submission=other, expert=expert_user, assigned_by=office_user
    )


def test_responsible_experts_are_active_and_never_tied(named, zhejiang):
    setup = UnitReviewers.objects.named_for(
        unit=zhejiang, batch=Batch.objects.current()
    )
    assert setup.responsible_experts == [named]


def test_named_for_is_none_until_the_office_names_anyone(zhejiang):
    assert (
        UnitReviewers.objects.named_for(unit=zhejiang, batch=Batch.objects.current())
        is None
    )


def test_suggestion_offers_responsible_experts_first(
    submission, named, office_user, zhejiang
):
    expert("idle-business")
    expert("it-expert", User.Expertise.IT)
    _load(named, office_user)
    setup = UnitReviewers.objects.named_for(
        unit=zhejiang, batch=Batch.objects.current()
    )
    chosen = services.suggest_experts(
        submission=submission, responsible=setup.responsible_experts, count=2
    )
    assert [e.username for e in chosen] == ["busy-business", "it-expert"]
    unnamed = services.suggest_experts(submission=submission, responsible=[], count=2)
    assert [e.username for e in unnamed] == ["idle-business", "it-expert"]


def test_suggestion_skips_a_responsible_expert_already_assigned(
    submission, named, office_user
):
    expert("idle-business")
    services.assign(submission=submission, expert=named, user=office_user)
    chosen = services.suggest_experts(
        submission=submission, responsible=[named], count=1
    )
    assert [e.username for e in chosen] == ["idle-business"]


def test_assign_form_lists_responsible_experts_first_and_marked(named, db):
    expert("aaa-first-by-name")
    form = AssignForm(responsible=[named])
    labels = [label for _value, label in form.fields["expert"].choices][1:]
    assert labels[0] == "busy-business（责任专家）"
    assert "aaa-first-by-name" in labels[1:]
    assert "now-tied" in labels  # unmarked; assign() refuses it with a reason
    assert "gone" not in labels
    plain = [label for _value, label in AssignForm().fields["expert"].choices][1:]
    assert plain[0] == "aaa-first-by-name"


def test_submission_page_shows_the_units_reviewers(
    client, submission, named, office_user, department_user
):
    client_for(client, office_user)
    page = client.get(f"/reviews/submissions/{submission.pk}/").content.decode()
    assert '<dt class="col-sm-3">对口联系人</dt>' in page
    assert '<dd class="col-sm-9">office-persona</dd>' in page
    assert '<dd class="col-sm-9">department-persona</dd>' in page
    assert '<dd class="col-sm-9">busy-business</dd>' in page
    assert "now-tied</dd>" not in page
    assert f'<option value="{named.pk}">busy-business（责任专家）</option>' in page
    assert "busy-business (业务专家, 责任专家)" in page


def test_submission_page_says_when_nobody_is_named(client, submission, office_user):
    client_for(client, office_user)
    page = client.get(f"/reviews/submissions/{submission.pk}/").content.decode()
    assert "尚未指定。" in page
    assert 'href="/reviews/units/zhejiang/"' in page


def test_stages_page_shows_the_units_reviewers_to_the_office_only(
    client, submission, named, office_user, unit_user, department_user
):
    client_for(client, office_user)
    page = client.get("/reviews/stages/zhejiang/").content.decode()
    assert '<dd class="col-sm-9">busy-business</dd>' in page
    assert '<dd class="col-sm-9">department-persona</dd>' in page
    for outsider in (unit_user, department_user):
        client_for(client, outsider)
        response = client.get("/reviews/stages/zhejiang/")
        assert response.status_code == 200
        assert "busy-business" not in response.content.decode()
        assert "对口联系人" not in response.content.decode()


def test_unit_reviewers_page_get_writes_nothing(client, office_user, zhejiang):
    client_for(client, office_user)
    response = client.get("/reviews/units/zhejiang/")
    assert response.status_code == 200
    assert not UnitReviewers.objects.exists()
