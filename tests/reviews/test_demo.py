import io

from django.core.management import call_command

from reviews.models import Decision, Round, ScoreSheet, Submission


def test_seed_demo_adds_a_scored_round_with_a_decision_idempotent(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())

    plan_round = Round.objects.get(is_demo=True, kind=Round.Kind.PLAN)
    submissions = Submission.objects.filter(round=plan_round)
    assert sorted(submissions.values_list("unit__slug", flat=True)) == [
        "fujian",
        "zhejiang",
    ]
    fujian = ScoreSheet.objects.filter(assignment__submission__in=submissions).filter(
        assignment__submission__unit__slug="fujian"
    )
    assert sorted(fujian.values_list("assignment__expert__username", flat=True)) == [
        "expert1",
        "expert2",
        "expert3",
    ]
    decision = Decision.objects.get(submission__round=plan_round)
    assert decision.submission.unit.slug == "fujian"
    assert (
        ScoreSheet.objects.filter(
            status="draft", assignment__submission__round=plan_round
        ).count()
        == 1
    )
