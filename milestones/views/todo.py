"""我的待办: what is waiting for the signed-in user."""

urlpatterns = []
