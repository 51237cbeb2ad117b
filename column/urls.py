from .views import news, public, public_messages, todo

app_name = "column"

urlpatterns = [
    *public.urlpatterns,
    *news.urlpatterns,
    *public_messages.urlpatterns,
    *todo.urlpatterns,
]
