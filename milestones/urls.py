from .views import (
    achievements,
    batches,
    checks,
    circulars,
    dashboard,
    programme,
    progress,
    timeline,
    workspace,
)

app_name = "milestones"

urlpatterns = [
    *workspace.urlpatterns,
    *dashboard.urlpatterns,
    *timeline.urlpatterns,
    *progress.urlpatterns,
    *checks.urlpatterns,
    *achievements.urlpatterns,
    *programme.urlpatterns,
    *batches.urlpatterns,
    *circulars.urlpatterns,
]
