"""News of the progress column: the office writes, the public reads; Atom feed."""

urlpatterns = []
