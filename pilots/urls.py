from .views import exports, inbox

app_name = "pilots"

urlpatterns = [
    *inbox.urlpatterns,
    *exports.urlpatterns,
]
