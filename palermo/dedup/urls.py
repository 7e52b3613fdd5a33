from django.urls import path

from . import views

app_name = "dedup"

urlpatterns = [
    path("", views.queue_page, name="queue"),
    path("pairs/<uuid:pk>/", views.candidate_page, name="candidate"),
    path("pairs/<uuid:pk>/<slug:decision>/", views.candidate_decide, name="decide"),
    path("bulk-accept/", views.bulk_accept, name="bulk_accept"),
    path("run/", views.run_now, name="run"),
    path("merges/", views.merges_page, name="merges"),
    path("merges/<uuid:pk>/undo/", views.unmerge, name="unmerge"),
]
