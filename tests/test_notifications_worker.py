"""A digest run killed in the middle (SIGKILL, a real process) resumes without mailing anyone twice.

The worker is a separate ``manage.py send_notification_digests`` process talking to a slow
real SMTP listener, so the kill lands mid-batch. Worker and test must share a database, and
pytest-django's test database is either in memory (SQLite) or flushed after transactional
tests: this test migrates a database file of its own and drives it only through
``manage.py`` processes, so it runs the same on every backend and leaves nothing behind.
"""

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from tests.test_notifications_fixtures import local

pytest_plugins = ["tests.test_notifications_fixtures"]

ROOT = Path(__file__).resolve().parent.parent
READERS = 12

SETUP = f"""
from django.contrib.auth import get_user_model
from groups.models import GroupCategory, GroupIndexPage, GroupPage, Membership
from groups.services import publish_post
from home.tree import ensure_home_page
index = ensure_home_page().add_child(instance=GroupIndexPage(title="Groupes", slug="groupes"))
category = GroupCategory.objects.create(name="Projets", slug="projets")
group = index.add_child(instance=GroupPage(title="Imagerie", category=category))
User = get_user_model()
author = User.objects.create_user("autrice", email="autrice@example.org")
Membership.objects.create(user=author, group=group)
for number in range({READERS}):
    reader = User.objects.create_user(f"lecteur{{number:02d}}", email=f"lecteur{{number:02d}}@example.org")
    Membership.objects.create(user=reader, group=group)
publish_post(group=GroupPage.objects.get(pk=group.pk), author=author, title="Nouvelle caméra", body="<p>Installée.</p>")
"""
STATUSES = """
import json
from collections import Counter
from notifications.models import Delivery, Notification
print(json.dumps({"pending": Notification.objects.filter(email_mode="daily").count(),
                  **Counter(Delivery.objects.values_list("status", flat=True))}))
"""


def manage(env: dict, *args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **kwargs,
    )


def finish(process: subprocess.Popen, timeout: int = 300) -> str:
    output, errors = process.communicate(timeout=timeout)
    assert process.returncode == 0, errors.decode()[-3000:]
    return output.decode()


def test_killed_worker_never_sends_twice_and_resumes(tmp_path, smtp_inbox):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_inbox.port}",
        "TEST_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    }
    finish(manage(env, "migrate", "--no-input", "-v0"), timeout=600)
    finish(manage(env, "shell", "-v0", "-c", SETUP))
    assert json.loads(finish(manage(env, "shell", "-v0", "-c", STATUSES)))["pending"] == READERS
    smtp_inbox.messages.clear()  # nobody wants it immediately; nothing should have left anyway
    smtp_inbox.delay = 0.4  # a slow server, so the kill lands in the middle of the batch
    tomorrow_morning = local(1, 8).isoformat()

    worker = manage(env, "send_notification_digests", "--now", tomorrow_morning)
    deadline = time.monotonic() + 120
    while len(smtp_inbox.messages) < 3 and time.monotonic() < deadline and worker.poll() is None:
        time.sleep(0.05)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    assert worker.returncode == -signal.SIGKILL
    assert 3 <= len(smtp_inbox.messages) < READERS

    smtp_inbox.delay = 0
    finish(manage(env, "send_notification_digests", "--now", tomorrow_morning))
    time.sleep(0.5)  # the listener's reply to the email that was in flight, if any

    received = Counter(message["X-Envelope-To"] for message in smtp_inbox.messages)
    assert max(received.values()) == 1, "someone got the digest twice"
    statuses = json.loads(finish(manage(env, "shell", "-v0", "-c", STATUSES)))
    # Everyone got it except, at most, the one whose email was in flight when the worker died:
    # that claim stays (the email may have left) and is never sent again.
    claimed, sent = statuses.get("claimed", 0), statuses.get("sent", 0)
    assert claimed <= 1 and sent + claimed == READERS
    assert sent <= len(received) <= sent + claimed
