"""The public's messages (意见建议), their moderation, and public notices (公示)."""

urlpatterns = []
