"""The Communication staff's review list: reported and removed comments, in the Wagtail admin.

Review only (list and inspect); removing and restoring happen in the thread itself,
where the moderator sees the context, through the same services as everyone.
"""

from django.contrib.admin import SimpleListFilter
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django_comments.models import CommentFlag
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, modeladmin_register

from discussions.models import Comment, CommentReport
from discussions.services import AUTHOR_DELETION


class ReviewOnlyPermissionHelper(PermissionHelper):
    def user_can_create(self, user):
        return False

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class ReviewStatusFilter(SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            ("open", _("Reports to review")),
            ("reviewed", _("Reports reviewed")),
            ("removed", _("Removed by the moderators")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(open_report_count__gt=0)
        if self.value() == "reviewed":
            return queryset.filter(report_count__gt=0, open_report_count=0)
        if self.value() == "removed":
            return queryset.filter(is_removed=True)
        return queryset


class ReportReasonFilter(SimpleListFilter):
    title = _("reason")
    parameter_name = "reason"

    def lookups(self, request, model_admin):
        return CommentReport.Reason.choices

    def queryset(self, request, queryset):
        if self.value() in CommentReport.Reason.values:
            return queryset.filter(reports__reason=self.value()).distinct()
        return queryset


class CommentReviewAdmin(ModelAdmin):
    model = Comment
    menu_label = _("Comments to review")
    menu_icon = "comment"
    menu_order = 600
    add_to_admin_menu = True
    permission_helper_class = ReviewOnlyPermissionHelper
    inspect_view_enabled = True
    inspect_view_fields = ["comment", "user_name", "user_email", "submit_date", "is_removed", "ip_address"]
    list_display = ["excerpt", "author", "on_page", "submit_date", "state", "open_reports"]
    list_filter = [ReviewStatusFilter, ReportReasonFilter, "submit_date"]
    search_fields = ["comment", "user_name"]
    ordering = ["-submit_date"]
    list_per_page = 50

    def get_queryset(self, request):
        author_deleted = Exists(CommentFlag.objects.filter(comment=OuterRef("pk"), flag=AUTHOR_DELETION))
        return (
            Comment.objects.select_related("user")
            .annotate(
                report_count=Count("reports", distinct=True),
                open_report_count=Count("reports", filter=Q(reports__reviewed_at__isnull=True), distinct=True),
                author_deleted=author_deleted,
            )
            .filter(Q(report_count__gt=0) | Q(is_removed=True, author_deleted=False))
            .order_by("-submit_date")
        )

    @staticmethod
    def excerpt(comment):
        return Truncator(comment.comment).chars(90) or "—"

    excerpt.short_description = _("comment")

    @staticmethod
    def author(comment):
        return comment.user.get_full_name() if comment.user else comment.user_name

    author.short_description = _("author")

    @staticmethod
    def on_page(comment):
        return format_html(
            '<a href="{}">{}</a>', reverse("discussions:go-to", args=[comment.pk]), _("See in the thread")
        )

    on_page.short_description = _("page")

    @staticmethod
    def state(comment):
        return _("Removed") if comment.is_removed else _("Published")

    state.short_description = _("state")

    @staticmethod
    def open_reports(comment):
        return f"{comment.open_report_count} / {comment.report_count}"

    open_reports.short_description = _("open reports / total")


modeladmin_register(CommentReviewAdmin)
