from .views import inbox

app_name = "pilots"

urlpatterns = [
    *inbox.urlpatterns,
]
