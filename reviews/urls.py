from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("", views.home, name="home"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path(
        "rounds/<int:pk>/submissions/",
        views.round_add_submissions,
        name="round_add_submissions",
    ),
    path("rounds/<int:pk>/material/", views.round_add_material, name="round_material"),
    path("rounds/<int:pk>/criteria/", views.round_criteria, name="round_criteria"),
    path(
        "rounds/<int:pk>/export.<str:fmt>",
        views.round_export,
        name="round_export",
    ),
    path("submissions/<int:pk>/", views.submission_detail, name="submission"),
    path(
        "submissions/<int:pk>/assign/",
        views.submission_assign,
        name="submission_assign",
    ),
    path(
        "submissions/<int:pk>/decide/",
        views.submission_decide,
        name="submission_decide",
    ),
    path("sheets/<int:pk>/reopen/", views.sheet_reopen, name="sheet_reopen"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment"),
    path(
        "assignments/<int:pk>/attachments/<int:attachment_pk>/",
        views.assignment_attachment,
        name="assignment_attachment",
    ),
    path("assignments/<int:pk>/pdf/", views.assignment_pdf, name="assignment_pdf"),
    path("assignments/<int:pk>/docx/", views.assignment_docx, name="assignment_docx"),
    path(
        "assignments/<int:pk>/pdf/status/",
        views.assignment_pdf_status,
        name="assignment_pdf_status",
    ),
    path(
        "assignments/<int:pk>/pdf/retry/",
        views.assignment_pdf_retry,
        name="assignment_pdf_retry",
    ),
    path(
        "assignments/<int:pk>/conflict/",
        views.assignment_conflict,
        name="assignment_conflict",
    ),
    path("feedback/<int:pk>/", views.feedback, name="feedback"),
    path("stages/<slug:slug>/", views.stages, name="stages"),
    path("units/<slug:slug>/", views.unit_reviewers, name="unit_reviewers"),
]
