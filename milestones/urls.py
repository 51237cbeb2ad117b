from .views import achievements, checks, inbox, programme, progress, todo

app_name = "milestones"

urlpatterns = [
    *inbox.urlpatterns,
    *progress.urlpatterns,
    *checks.urlpatterns,
    *achievements.urlpatterns,
    *programme.urlpatterns,
    *todo.urlpatterns,
]
