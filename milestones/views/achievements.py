"""Achievements (成果): units register them, the office publishes and recommends."""

urlpatterns = []
