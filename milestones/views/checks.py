"""Mid-term check and acceptance material, results and plaques."""

urlpatterns = []
