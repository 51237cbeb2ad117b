"""PlanTransition's rows live in pilots.History since 0006; the table goes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("plans", "0007_plan_transitions_into_history")]

    operations = [migrations.DeleteModel(name="PlanTransition")]
