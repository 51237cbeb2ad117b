import io

from django.core.management import call_command

from reviews.models import Decision, Round, ScoreSheet, Submission


def test_seed_demo_adds_a_scored_round_with_a_decision_idempotent(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())

    assert Round.objects.filter(is_demo=True).count() == 1
    assert sorted(Submission.objects.values_list("unit__slug", flat=True)) == [
        "fujian",
        "zhejiang",
    ]
    fujian = ScoreSheet.objects.filter(assignment__submission__unit__slug="fujian")
    assert sorted(fujian.values_list("assignment__expert__username", flat=True)) == [
        "expert1",
        "expert2",
        "expert3",
    ]
    assert Decision.objects.get().submission.unit.slug == "fujian"
    assert ScoreSheet.objects.filter(status="draft").count() == 1
