from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("notifications/", views.notifications, name="notifications"),
    path("audit/", views.audit_list, name="audit"),
    path("audit/export.csv", views.audit_export, name="audit_export"),
    path("audit/verify/", views.audit_verify, name="audit_verify"),
    path("audit/break-glass/", views.break_glass_list, name="break_glass"),
    path(
        "audit/break-glass/<uuid:pk>/review/",
        views.break_glass_acknowledge,
        name="break_glass_review",
    ),
    path("admin/code-lists/", views.code_lists, name="code_lists"),
    path("admin/code-lists/<slug:list_code>/", views.code_list_detail, name="code_list"),
    path(
        "admin/code-lists/<slug:list_code>/<int:pk>/",
        views.code_item_edit,
        name="code_item_edit",
    ),
]
