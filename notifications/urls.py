from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.centre, name="centre"),
    path("<int:notification_id>/ouvrir/", views.open_notification, name="open"),
    path("<int:notification_id>/lue/", views.mark_read, name="mark-read"),
    path("tout-lu/", views.mark_all_read, name="mark-all-read"),
    path("reglages/", views.notification_settings, name="settings"),
    path("discussion/<int:page_id>/suivre/", views.follow_thread, name="follow-thread"),
    path("groupes/<int:group_id>/par-defaut/", views.group_default, name="group-default"),
    path("annonce-importante/", views.important_announcement, name="important"),
    path("desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
