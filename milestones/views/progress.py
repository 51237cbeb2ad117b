"""Progress reports and the approved plan as checklist."""

urlpatterns = []
