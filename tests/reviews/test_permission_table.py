"""Who may open what in reviews: one case per address × role, so that a failure
names its cell (address, method, role). Every address of reviews/urls.py is here,
with the check material's stages page that wraps the same machinery."""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from milestones.models import CheckKind
from plans.models import PlanPdf
from reviews import services
from reviews.models import (
    Assignment,
    ConflictDeclaration,
    Decision,
    Round,
    ScoreSheet,
    SheetStatus,
    StageRecord,
)
from tests.conftest import client_for
from tests.reviews.builders import meeting_skipped, plan_round, through_pre_review
from tests.reviews.test_sheet_reading import upload

ROLES = ["anonymous", "office", "department", "unit", "other_unit", "expert"]
FIXTURES = {
    "office": "office_user",
    "department": "department_user",
    "unit": "unit_user",
    "other_unit": "other_unit_user",
    "expert": "expert_user",
}

# Shorthands for the rows: who gets what.
OFFICE_ONLY = {"anonymous": 302, "office": 200, **dict.fromkeys(ROLES[2:], 403)}
OFFICE_POSTS = {**OFFICE_ONLY, "office": 302}
EXPERT_ONLY = {
    "anonymous": 302,
    **dict.fromkeys(["office", "department", "unit", "other_unit"], 404),
    "expert": 200,
}

# (address, method) → the status each role gets.
TABLE = {
    ("home", "GET"): {"anonymous": 302, **dict.fromkeys(ROLES[1:], 200)},
    ("round-new", "GET"): OFFICE_ONLY,
    ("round-new", "POST"): {**OFFICE_ONLY, "office": 400},
    ("round", "GET"): OFFICE_ONLY,
    ("round-add-plans", "POST"): OFFICE_POSTS,
    ("round-criteria", "GET"): OFFICE_ONLY,
    ("round-export", "GET"): OFFICE_ONLY,
    ("round-export", "POST"): OFFICE_POSTS,
    ("submission", "GET"): OFFICE_ONLY,
    ("assign", "POST"): OFFICE_POSTS,
    # The joint meeting is not done: the decision is refused, saying why.
    ("decide", "POST"): {**OFFICE_ONLY, "office": 409},
    ("sheet-reopen", "POST"): OFFICE_POSTS,
    ("assignment", "GET"): EXPERT_ONLY,
    ("assignment-attachment", "GET"): EXPERT_ONLY,
    ("assignment-pdf-status", "GET"): EXPERT_ONLY,
    ("assignment-pdf-retry", "POST"): {**EXPERT_ONLY, "expert": 302},
    ("conflict", "POST"): {
        "anonymous": 302,
        **dict.fromkeys(["office", "department", "unit", "other_unit"], 403),
        "expert": 302,
    },
    ("feedback", "GET"): {
        "anonymous": 302,
        "office": 200,
        "department": 403,
        "unit": 200,
        "other_unit": 404,
        "expert": 403,
    },
    ("stages", "GET"): {
        "anonymous": 302,
        "office": 200,
        "department": 200,
        "unit": 200,
        "other_unit": 404,
        "expert": 404,
    },
    ("stages-meeting", "POST"): {
        "anonymous": 302,
        "office": 302,
        "department": 403,
        "unit": 403,
        "other_unit": 404,
        "expert": 404,
    },
    ("stages-pre-review", "POST"): {
        "anonymous": 302,
        "office": 409,  # already done for this version
        "department": 409,
        "unit": 403,
        "other_unit": 404,
        "expert": 404,
    },
    ("unit-reviewers", "GET"): OFFICE_ONLY,
    ("check-stages", "GET"): {
        "anonymous": 302,
        "office": 200,
        "department": 200,
        "unit": 200,
        "other_unit": 404,
        "expert": 403,
    },
}


@pytest.fixture
def world(settings, tmp_path, zhejiang, unit_user, office_user, expert_user):
    """Zhejiang's plan with an attachment, through 预审, before a round, assigned to
    the expert, whose sheet is submitted."""
    from plans import services as plan_services
    from plans.models import Status
    from tests.plans.builders import complete_plan, current_plan

    settings.VAR_DIR = tmp_path
    plan = complete_plan(current_plan(zhejiang))
    attachment = upload(plan, unit_user)
    plan_services.submit_plan(plan=plan, expected=Status.DRAFT, user=unit_user)
    through_pre_review(plan, office_user)
    round_ = plan_round(office_user, criteria=[("甲", 1, 10)])
    services.add_plan_submissions(round_=round_)
    submission = round_.submissions.get()
    assignment = services.assign(
        submission=submission, expert=expert_user, user=office_user
    )
    services.save_sheet(
        sheet=services.sheet_for(assignment),
        values={round_.criteria.get().pk: 8},
        reasons={},
        comments="意见",
        confidential="",
        submit=True,
    )
    # A rendered PDF of the version (rendering is tested in tests/plans/).
    PlanPdf.objects.create(
        plan=plan,
        version=submission.plan_version,
        number=submission.plan_version.number,
        content_hash="permission-table",
        status=PlanPdf.Status.READY,
    )
    return plan, round_, submission, assignment, attachment


def _address(name, world, request):
    plan, round_, submission, assignment, attachment = world
    stages = reverse("reviews:stages", args=["zhejiang"])
    other_expert = None
    if name == "assign":
        from tests.reviews.builders import expert

        other_expert = expert("another-expert")
    addresses = {
        "home": (reverse("reviews:home"), {}),
        "round-new": (reverse("reviews:round_create"), {}),
        "round": (reverse("reviews:round", args=[round_.pk]), {}),
        "round-add-plans": (
            reverse("reviews:round_add_submissions", args=[round_.pk]),
            {},
        ),
        "round-criteria": (reverse("reviews:round_criteria", args=[round_.pk]), {}),
        "round-export": (reverse("reviews:round_export", args=[round_.pk, "csv"]), {}),
        "submission": (reverse("reviews:submission", args=[submission.pk]), {}),
        "assign": (
            reverse("reviews:submission_assign", args=[submission.pk]),
            {"expert": other_expert.pk if other_expert else ""},
        ),
        "decide": (
            reverse("reviews:submission_decide", args=[submission.pk]),
            # Confirmed, as from the question it asks first: the action's answer.
            {"outcome": "approve", "opinion": "同意", "confirmed": "1"},
        ),
        "sheet-reopen": (
            reverse("reviews:sheet_reopen", args=[assignment.sheet.pk]),
            {},
        ),
        "assignment": (reverse("reviews:assignment", args=[assignment.pk]), {}),
        "assignment-attachment": (
            reverse(
                "reviews:assignment_attachment", args=[assignment.pk, attachment.pk]
            ),
            {},
        ),
        "assignment-pdf-status": (
            reverse("reviews:assignment_pdf_status", args=[assignment.pk]),
            {},
        ),
        "assignment-pdf-retry": (
            reverse("reviews:assignment_pdf_retry", args=[assignment.pk]),
            {},
        ),
        "conflict": (
            reverse("reviews:assignment_conflict", args=[assignment.pk]),
            {"reason": "曾参与该单位方案编制", "confirmed": "1"},
        ),
        "feedback": (reverse("reviews:feedback", args=[submission.pk]), {}),
        "stages": (stages, {}),
        "stages-meeting": (
            stages,
            {"confirmed": "1", "stage": "skip-meeting", "reason": "书面评审意见一致"},
        ),
        "stages-pre-review": (
            stages,
            {
                "confirmed": "1",
                "stage": "pre_review",
                "outcome": "recommend",
                "comments": "同意",
            },
        ),
        "unit-reviewers": (reverse("reviews:unit_reviewers", args=["zhejiang"]), {}),
        "check-stages": (
            reverse("milestones:check_stages", args=[CheckKind.MIDTERM, "zhejiang"]),
            {},
        ),
    }
    if name == "feedback":
        meeting_skipped(plan, request.getfixturevalue("office_user"))
        services.decide(
            submission=submission,
            outcome=Decision.Outcome.APPROVE,
            opinion="同意",
            user=request.getfixturevalue("office_user"),
        )
    return addresses[name]


def _state():
    """What a refused POST must leave as it was."""
    return (
        Decision.objects.count(),
        StageRecord.objects.count(),
        Assignment.objects.count(),
        ConflictDeclaration.objects.count(),
        ScoreSheet.objects.filter(status=SheetStatus.SUBMITTED).count(),
        Round.objects.count(),
    )


@pytest.mark.parametrize("cell", list(TABLE), ids=lambda cell: "-".join(cell))
def test_review_permission_table(request, cell, world):
    # The world is built once per address; each role's request runs in a savepoint
    # rolled back after it, so every role meets the same world.
    wrong = []
    for role in ROLES:
        with transaction.atomic():
            wrong += _check(request, cell, role, world)
            transaction.set_rollback(True)
    assert not wrong, (cell, wrong)


def _check(request, cell, role, world):
    """What is wrong with `role`'s answer at `cell`: [] when the table holds."""
    name, method = cell
    client = Client()
    url, data = _address(name, world, request)
    if role != "anonymous":
        client_for(client, request.getfixturevalue(FIXTURES[role]))
    before = _state()
    response = client.post(url, data) if method == "POST" else client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)
        response.close()
    if response.status_code != TABLE[cell][role]:
        return [(role, response.status_code)]
    if response.status_code in (302, 403, 404, 409) and method == "POST":
        if response.status_code != 302 or role == "anonymous":
            if _state() != before:
                return [(role, "a refused POST wrote")]
    if role == "anonymous" and not response["Location"].startswith("/accounts/login/"):
        return [(role, response["Location"])]
    return []


def test_the_table_covers_every_address_of_reviews():
    from reviews.urls import urlpatterns

    names = {pattern.name for pattern in urlpatterns}
    covered = {
        "home",
        "round_create",
        "round",
        "round_add_submissions",
        "round_criteria",
        "round_export",
        "submission",
        "submission_assign",
        "submission_decide",
        "sheet_reopen",
        "assignment",
        "assignment_attachment",
        "assignment_pdf_status",
        "assignment_pdf_retry",
        "assignment_conflict",
        "feedback",
        "stages",
        "unit_reviewers",
    }
    # The version PDF and the material page of a plan round are tested where they
    # are made: tests/reviews/test_sheet_reading.py, tests/milestones/.
    assert names - covered == {"assignment_pdf", "assignment_docx", "round_material"}
