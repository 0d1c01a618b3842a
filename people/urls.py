from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("imprimer/", views.print_list, name="print"),
    path("export.csv", views.export, name="export"),
    path("qui-contacter/", views.referents, name="referents"),
    path("mon-profil/", views.edit_my_profile, name="my_profile"),
    path("mon-profil/mes-donnees.json", views.download_my_data, name="my_data"),
    path("mon-profil/suppression/", views.delete_my_account, name="delete_account"),
    path("personnes/<slug:slug>/", views.profile, name="profile"),
    path("personnes/<slug:slug>/vcard/", views.vcard, name="vcard"),
    path("personnes/<slug:slug>/photo/<str:variant>/", views.photo, name="photo"),
]
