"""The office edits the timeline, the reporting cadence and the reminders."""

urlpatterns = []
