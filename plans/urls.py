from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("mine/", views.my_plan, name="mine"),
    path("<slug:slug>/", views.plan_detail, name="detail"),
    path("<slug:slug>/sections/<slug:key>/", views.section_edit, name="section"),
    path("<slug:slug>/contacts/", views.contacts_edit, name="contacts"),
    path("<slug:slug>/schedule/", views.schedule_edit, name="schedule"),
    path("<slug:slug>/deliverables/", views.deliverables_edit, name="deliverables"),
    path(
        "<slug:slug>/<slug:what>/<int:pk>/delete/",
        views.row_delete,
        name="row_delete",
    ),
    path("<slug:slug>/attachments/", views.attachment_add, name="attachment_add"),
    path(
        "<slug:slug>/attachments/<int:pk>/",
        views.attachment_download,
        name="attachment",
    ),
    path("<slug:slug>/submit/", views.submit, name="submit"),
    path("<slug:slug>/decide/<slug:verb>/", views.decide, name="decide"),
    path("<slug:slug>/comments/", views.comment_add, name="comment_add"),
    path(
        "<slug:slug>/comments/<int:pk>/answer/",
        views.comment_answer,
        name="comment_answer",
    ),
    path("<slug:slug>/extension/", views.extension, name="extension"),
    path("<slug:slug>/versions/<int:number>/", views.version_detail, name="version"),
    path("<slug:slug>/compare/", views.compare, name="compare"),
    path("<slug:slug>/pdf", views.draft_pdf, name="draft_pdf"),
    path("<slug:slug>/pdf/", views.draft_pdf, name="draft_pdf_slash"),
    path("<slug:slug>/pdf/<int:pk>/", views.pdf_status, name="pdf_status"),
    path("<slug:slug>/pdf/<int:pk>/file/", views.pdf_download, name="pdf_download"),
    path("<slug:slug>/pdf/<int:pk>/retry/", views.pdf_retry, name="pdf_retry"),
    path(
        "<slug:slug>/versions/<int:number>/pdf/",
        views.version_pdf,
        name="version_pdf",
    ),
]
