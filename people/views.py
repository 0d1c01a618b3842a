import json
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import InvalidPage, Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from wagtail.images import get_image_model

from . import services
from .directory import InvalidDirectoryQuery, search_directory
from .forms import DeletionRequestForm, ProfileForm
from .models import Platform, Profile, Referent, Site

PAGE_SIZE = 24
CARD_PHOTO = "fill-96x96"
PROFILE_PHOTO = "fill-240x240"
PHOTO_VARIANTS = {"card": CARD_PHOTO, "large": PROFILE_PHOTO}


def directory_access(view):
    """The directory is for signed-in members unless DIRECTORY_REQUIRES_LOGIN is False."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if settings.DIRECTORY_REQUIRES_LOGIN and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def with_card_photos(profiles, rendition=CARD_PHOTO):
    renditions = get_image_model().get_rendition_model().objects.filter(filter_spec=rendition)
    return profiles.select_related("photo").prefetch_related(Prefetch("photo__renditions", queryset=renditions))


class CountedPaginator(Paginator):
    """A paginator told the total, which the directory already knows from its A–Z counts."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self.count = count


def attach_contacts(profiles, viewer):
    for profile in profiles:
        profile.contact = profile.contact_for(viewer)
    return profiles


def directory_or_404(request):
    try:
        return search_directory(request.user, request.GET)
    except InvalidDirectoryQuery as error:
        raise Http404(_("Unknown directory filter.")) from error


@directory_access
def directory(request):
    """Search, filters with counts, A–Z and pagination over the members' cards."""
    result = directory_or_404(request)
    profiles = with_card_photos(result.profiles.for_cards())
    paginator = CountedPaginator(profiles, PAGE_SIZE, count=result.total)
    try:
        page_obj = paginator.page(request.GET.get("page") or 1)
    except InvalidPage as error:
        raise Http404(_("This page of the directory does not exist.")) from error
    return render(
        request,
        "people/directory.html",
        {
            "result": result,
            "page_obj": page_obj,
            "profiles": attach_contacts(page_obj.object_list, request.user),
            "can_export": services.is_communication_staff(request.user),
        },
    )


@directory_access
def print_list(request):
    """Every matching member on a compact, print-friendly page."""
    result = directory_or_404(request)
    profiles = attach_contacts(list(result.profiles.for_cards()), request.user)
    return render(request, "people/print.html", {"result": result, "profiles": profiles})


@login_required
def export(request):
    if not services.is_communication_staff(request.user):
        raise PermissionDenied
    result = directory_or_404(request)
    profiles = result.profiles.for_cards()
    response = HttpResponse(
        "\ufeff" + services.export_csv(profiles, request.user), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="annuaire.csv"'
    return response


def visible_profile_or_404(request, slug):
    queryset = Profile.objects.visible_to(request.user).select_related("user", "site")
    return get_object_or_404(with_card_photos(queryset, PROFILE_PHOTO), slug=slug)


@require_GET
def photo(request, slug, variant):
    """A profile photo, for whoever its owner lets see it (``Profile.visible_fields_for``).

    Pages link photos here, never to their files, whose names are random: a photo kept to its
    owner or to members cannot be fetched by anyone else from an address seen once.
    """
    if variant not in PHOTO_VARIANTS:
        raise Http404
    profile = get_object_or_404(Profile.objects.visible_to(request.user).select_related("photo"), slug=slug)
    if profile.photo is None or "photo" not in profile.visible_fields_for(request.user):
        raise Http404
    rendition = profile.photo.get_rendition(PHOTO_VARIANTS[variant])
    response = FileResponse(rendition.file.open("rb"))
    response["Cache-Control"] = "private, max-age=86400"
    return response


@directory_access
def profile(request, slug):
    profile = visible_profile_or_404(request, slug)
    profile.contact = profile.contact_for(request.user)
    return render(
        request,
        "people/profile.html",
        {
            "profile": profile,
            "platforms": profile.platforms.select_related("site"),
            "referent_roles": profile.referent_roles.select_related("platform", "site"),
            "groups": services.profile_groups(profile.user, request.user),
            "recent_pages": services.recent_pages_by(profile.user, request.user),
            "recent_documents": services.recent_documents_by(profile.user, request.user),
            "is_own_profile": profile.user_id == request.user.pk,
        },
    )


@directory_access
def vcard(request, slug):
    profile = visible_profile_or_404(request, slug)
    profile_url = request.build_absolute_uri(profile.get_absolute_url())
    response = HttpResponse(
        services.vcard_for(profile, request.user, profile_url), content_type="text/vcard; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{profile.slug}.vcf"'
    return response


@directory_access
def referents(request):
    """Qui contacter ? The referents of each topic, platform and site."""
    roles = (
        Referent.objects.filter(profile__in=Profile.objects.visible_to(request.user))
        .select_related("profile__user", "platform", "site")
        .order_by("topic", "profile__sort_name")
    )
    by_topic, by_platform, by_site = {}, {}, {}
    for role in roles:
        role.profile.contact = role.profile.contact_for(request.user)
        if role.topic:
            by_topic.setdefault(role.topic, []).append(role)
        elif role.platform_id:
            by_platform.setdefault(role.platform_id, []).append(role)
        else:
            by_site.setdefault(role.site_id, []).append(role)
    return render(
        request,
        "people/referents.html",
        {
            "topics": sorted(by_topic.items()),
            "platforms": [(p, by_platform[p.pk]) for p in Platform.objects.filter(pk__in=by_platform)],
            "sites": [(s, by_site[s.pk]) for s in Site.objects.filter(pk__in=by_site)],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_my_profile(request):
    profile = services.profile_for(request.user)
    bound = request.method == "POST"
    form = ProfileForm(request.POST if bound else None, request.FILES if bound else None, instance=profile)
    if request.method == "POST":
        if form.is_valid():
            with transaction.atomic():
                user = request.user
                user.first_name = form.cleaned_data["first_name"]
                user.last_name = form.cleaned_data["last_name"]
                user.save(update_fields=["first_name", "last_name"])
                profile = form.save()
                if form.cleaned_data["photo_upload"]:
                    services.save_profile_photo(profile, form.cleaned_data["photo_upload"], user)
                elif form.cleaned_data["remove_photo"] and profile.photo:
                    photo, profile.photo = profile.photo, None
                    profile.save(update_fields=["photo"])
                    photo.delete()
            messages.success(request, _("Your profile has been saved."))
            return redirect("people:profile", slug=profile.slug)
        messages.error(request, _("Your profile has not been saved: please correct the errors below."))
    return render(request, "people/profile_form.html", {"form": form, "profile": profile})


@login_required
def download_my_data(request):
    data = services.personal_data(request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="mes-donnees.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_my_account(request):
    form = DeletionRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.anonymize_member(request.user)
        logout(request)
        messages.success(request, _("Your account has been closed and your personal data erased."))
        return redirect("/")
    return render(request, "people/delete_account.html", {"form": form, "my_profile_url": reverse("people:my_profile")})
