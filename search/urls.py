from django.urls import path

from search import views

app_name = "search"

urlpatterns = [
    path("", views.search_page, name="search"),
    path("suggestions/", views.suggestions, name="suggestions"),
    path("documents/<int:document_id>/versions/", views.document_versions, name="document_versions"),
    path(
        "documents/<int:document_id>/versions/<int:version_id>/",
        views.document_version,
        name="document_version",
    ),
]
