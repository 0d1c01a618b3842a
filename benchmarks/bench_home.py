"""Home page against a minimal Wagtail page (a StandardPage with a title only), same run."""

from home.models import StandardPage
from home.tree import ensure_home_page


def run(bench):
    home = ensure_home_page()
    minimal = StandardPage.objects.filter(slug="bench-minimal").first()
    if minimal is None:
        minimal = home.add_child(instance=StandardPage(title="Page minimale", slug="bench-minimal"))
        minimal.save_revision().publish()
    baseline = bench.measure_get("minimal Wagtail page", minimal.url)
    anonymous = bench.measure_get("home (anonymous)", "/")
    from django.contrib.auth import get_user_model

    member = get_user_model().objects.filter(is_superuser=False, is_staff=False).order_by("pk").first()
    bench.measure_get("home (member)", "/", user=member)
    bench.note(f"home median / minimal page median = {anonymous.median_ms / baseline.median_ms:.2f} (target ≤ 3)")
