from django.urls import path

from discussions import views

app_name = "discussions"

urlpatterns = [
    path("page/<int:page_id>/commenter/", views.post_comment, name="post"),
    path("page/<int:page_id>/jaime/", views.toggle_page_reaction, name="react-page"),
    path("<int:comment_id>/", views.go_to_comment, name="go-to"),
    path("<int:comment_id>/modifier/", views.edit_comment, name="edit"),
    path("<int:comment_id>/supprimer/", views.delete_comment, name="delete"),
    path("<int:comment_id>/retirer/", views.remove_comment, name="remove"),
    path("<int:comment_id>/restaurer/", views.restore_comment, name="restore"),
    path("<int:comment_id>/signaler/", views.report_comment, name="report"),
    path("<int:comment_id>/jaime/", views.toggle_comment_reaction, name="react-comment"),
]
