from django.urls import path

from .views import other, records, registering

app_name = "registry"

urlpatterns = [
    path("search/", registering.search, name="search"),
    path("register/", registering.register, name="register"),
    path("persons/", records.person_list, name="persons"),
    path("persons/<uuid:pk>/", records.person_detail, name="person"),
    path("persons/<uuid:pk>/reads/", records.person_reads, name="person_reads"),
    path("access-reports/", records.access_reports, name="access_reports"),
    path("persons/<uuid:pk>/relations/", records.relation_create, name="relation_create"),
    path("cases/", records.case_list, name="cases"),
    path("cases/<uuid:pk>/", records.case_page, name="case"),
    path("cases/<uuid:pk>/team/", records.case_team_add, name="case_team_add"),
    path(
        "cases/<uuid:pk>/team/<int:member_id>/remove/",
        records.case_team_remove,
        name="case_team_remove",
    ),
    path("cases/<uuid:pk>/transfer/", records.case_transfer_view, name="case_transfer"),
    path("cases/<uuid:pk>/seal/", records.case_seal_view, name="case_seal"),
    path("cases/<uuid:pk>/unseal/", records.case_unseal_view, name="case_unseal"),
    path("cases/<uuid:pk>/attachments/", records.attachment_create, name="attachment_create"),
    path(
        "cases/<uuid:pk>/attachments/<uuid:attachment_id>/",
        other.attachment_download,
        name="attachment",
    ),
    path("break-glass/", other.break_glass, name="break_glass"),
    path("duplicates/", other.duplicate_alerts, name="duplicates"),
]
