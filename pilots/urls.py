from .views import dashboard, news, public, public_messages, workspace

app_name = "pilots"

urlpatterns = [
    *public.urlpatterns,
    *workspace.urlpatterns,
    *dashboard.urlpatterns,
    *news.urlpatterns,
    *public_messages.urlpatterns,
]
