from django.urls import path

from . import views

app_name = "milestones"

urlpatterns = [
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/<int:pk>/", views.notification_open, name="notification_open"),
    path(
        "notifications/read-all/",
        views.notification_read_all,
        name="notification_read_all",
    ),
    path("timeline/", views.timeline, name="timeline"),
    path("calendar/", views.calendar_settings, name="calendar_settings"),
    path(
        "calendar/regenerate/",
        views.calendar_regenerate,
        name="calendar_regenerate",
    ),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
