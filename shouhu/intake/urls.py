from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    path("", views.import_start, name="start"),
    path("template.xlsx", views.template, name="template"),
    path("import/<uuid:uid>/", views.batch_detail, name="batch"),
    path("import/<uuid:uid>/confirm/", views.batch_confirm, name="confirm"),
    path("import/<uuid:uid>/cancel/", views.batch_cancel, name="cancel"),
    path("import/<uuid:uid>/errors.<str:fmt>", views.batch_errors, name="errors"),
    path("import/<uuid:uid>/report.<str:fmt>", views.batch_report, name="report"),
    path("export/", views.export_start, name="export_start"),
    path("form/<str:uid>/", views.form_print, name="form_print"),
    path("form/<str:uid>/form.xlsx", views.form_workbook, name="form_workbook"),
    path("export/<uuid:uid>/", views.export_detail, name="export"),
    path("export/<uuid:uid>/file/", views.export_file, name="export_file"),
]
