from django.urls import path

from .views import editing, pages, pdf, versions, word, workflow

app_name = "plans"

urlpatterns = [
    path("", pages.plan_list, name="list"),
    path("mine/", pages.my_plan, name="mine"),
    path("<slug:slug>/", pages.plan_detail, name="detail"),
    path("<slug:slug>/sections/<slug:key>/", editing.section_edit, name="section"),
    path("<slug:slug>/contacts/", editing.contacts_edit, name="contacts"),
    path("<slug:slug>/schedule/", editing.schedule_edit, name="schedule"),
    path("<slug:slug>/deliverables/", editing.deliverables_edit, name="deliverables"),
    path(
        "<slug:slug>/<slug:what>/<int:pk>/delete/",
        editing.row_delete,
        name="row_delete",
    ),
    path("<slug:slug>/attachments/", editing.attachment_add, name="attachment_add"),
    path(
        "<slug:slug>/attachments/<int:pk>/",
        editing.attachment_download,
        name="attachment",
    ),
    path("<slug:slug>/start/", workflow.start, name="start"),
    path("<slug:slug>/submit/", workflow.submit, name="submit"),
    path("<slug:slug>/comments/", workflow.comment_add, name="comment_add"),
    path(
        "<slug:slug>/comments/<int:pk>/answer/",
        workflow.comment_answer,
        name="comment_answer",
    ),
    path(
        "<slug:slug>/comments/<int:pk>/resolve/",
        workflow.comment_resolve,
        name="comment_resolve",
    ),
    path("<slug:slug>/extension/", workflow.extension, name="extension"),
    path("<slug:slug>/versions/<int:number>/", versions.version_detail, name="version"),
    path("<slug:slug>/compare/", versions.compare, name="compare"),
    path("<slug:slug>/pdf", pdf.draft_pdf, name="draft_pdf"),
    path("<slug:slug>/pdf/", pdf.draft_pdf, name="draft_pdf_slash"),
    path("<slug:slug>/pdf/<int:pk>/", pdf.pdf_status, name="pdf_status"),
    path("<slug:slug>/pdf/<int:pk>/file/", pdf.pdf_download, name="pdf_download"),
    path("<slug:slug>/pdf/<int:pk>/retry/", pdf.pdf_retry, name="pdf_retry"),
    path("<slug:slug>/versions/<int:number>/pdf/", pdf.version_pdf, name="version_pdf"),
    path(
        "<slug:slug>/versions/<int:number>/archive/<slug:kind>.pdf",
        versions.version_archive,
        name="version_archive",
    ),
    path("<slug:slug>/docx/", word.draft_docx, name="draft_docx"),
    path(
        "<slug:slug>/versions/<int:number>/docx/",
        word.version_docx,
        name="version_docx",
    ),
    path("<slug:slug>/import/", word.import_upload, name="import"),
    path("<slug:slug>/import/preview/", word.import_preview, name="import_preview"),
]
