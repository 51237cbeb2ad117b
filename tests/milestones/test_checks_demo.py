"""The demo mid-term round: in progress, several units' material, one decided."""

import io

from django.core.management import call_command

from milestones.models import CheckMaterial, CheckResult
from pilots.models import User
from reviews.models import Assignment, Decision, Round, ScoreSheet, Submission


def test_seed_demo_has_a_midterm_round_in_progress_idempotent(db, settings, client):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())

    round_ = Round.objects.get(kind=Round.Kind.MIDTERM, is_demo=True)
    submissions = Submission.objects.filter(round=round_, is_current=True)
    assert sorted(submissions.values_list("unit__slug", flat=True)) == [
        "changjiang",
        "fujian",
        "huanghe",
        "taihu",
    ]
    assert all(s.check_material_id for s in submissions)
    states = dict(
        CheckMaterial.objects.filter(kind="midterm").values_list("unit__slug", "status")
    )
    assert states == {
        "fujian": "passed",
        "changjiang": "submitted",
        "huanghe": "submitted",
        "taihu": "submitted",
        "guizhou": "draft",
    }
    assert CheckResult.objects.get().material.unit.slug == "fujian"
    assert Decision.objects.filter(submission__round=round_).count() == 1
    sheets = ScoreSheet.objects.filter(assignment__submission__round=round_)
    assert sheets.filter(status="submitted").count() == 4
    assert sheets.filter(status="draft").count() == 1
    # expert3 is assigned to Huanghe and Taihu but has not opened a sheet yet.
    assert not sheets.filter(assignment__expert__username="expert3").exists()
    assert sorted(
        Assignment.objects.filter(
            submission__round=round_, expert__username="expert3"
        ).values_list("submission__unit__slug", flat=True)
    ) == ["huanghe", "taihu"]

    client.force_login(User.objects.get(username="office"))
    page = client.get("/checks/midterm/").content.decode()
    assert page.count("已提交") == 3 and "通过" in page
    client.force_login(User.objects.get(username="unit-fujian"))
    page = client.get("/checks/midterm/fujian/").content.decode()
    assert "中期检查通过，请按专家意见加快成果总结。" in page
    assert "设备采购延迟约一个月" in page
    assignment = Assignment.objects.get(
        submission__round=round_,
        submission__unit__slug="changjiang",
        expert__username="expert2",
    )
    client.force_login(assignment.expert)
    page = client.get(f"/checks/review/assignments/{assignment.pk}/").content.decode()
    assert "按批准的实施方案推进先行先试任务" in page
