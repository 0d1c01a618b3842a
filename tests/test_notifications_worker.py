"""A digest run killed in the middle (SIGKILL, a real process) resumes without mailing anyone twice.

The worker is a separate ``manage.py send_notification_digests`` process talking to the
test database and to a slow real SMTP listener, so the kill lands mid-batch. It needs a
database two processes can share: PostgreSQL (SQLite's test database lives in memory).
"""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

from groups import services as group_services
from notifications.models import Delivery, Notification

pytest_plugins = ["tests.test_groups_fixtures", "tests.test_notifications_fixtures"]

ROOT = Path(__file__).resolve().parent.parent
READERS = 12

needs_shared_database = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the worker process must share the test database: run with DATABASE_URL=postgres://…",
)


def worker_env(smtp_port: int) -> dict:
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    url = f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "TEST_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    }


def run_worker(env: dict, now: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "send_notification_digests", "--now", now],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@needs_shared_database
@pytest.mark.django_db(transaction=True)
def test_killed_worker_never_sends_twice_and_resumes(
    make_group, make_user, add_member, smtp_inbox, next_morning, django_capture_on_commit_callbacks
):
    group = make_group("Imagerie")
    author = make_user("autrice")
    add_member(author, group)
    readers = [make_user(f"lecteur{number:02d}") for number in range(READERS)]
    for reader in readers:
        add_member(reader, group)
    with django_capture_on_commit_callbacks(execute=True):
        group_services.publish_post(group=group, author=author, title="Nouvelle caméra", body="<p>Installée.</p>")
    assert Notification.objects.filter(email_mode="daily").count() == READERS
    smtp_inbox.messages.clear()
    smtp_inbox.delay = 0.4  # a slow server, so the kill lands in the middle of the batch
    env = worker_env(smtp_inbox.port)

    worker = run_worker(env, next_morning.isoformat())
    deadline = time.monotonic() + 60
    while len(smtp_inbox.messages) < 3 and time.monotonic() < deadline and worker.poll() is None:
        time.sleep(0.05)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    assert worker.returncode == -signal.SIGKILL
    sent_before_kill = len(smtp_inbox.messages)
    assert 3 <= sent_before_kill < READERS

    smtp_inbox.delay = 0
    rerun = run_worker(env, next_morning.isoformat())
    output, errors = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, errors.decode()
    time.sleep(0.5)  # the listener's last DATA reply

    received = Counter(message["X-Envelope-To"] for message in smtp_inbox.messages)
    assert max(received.values()) == 1, "someone got the digest twice"
    # Everyone got it except, at most, the one whose email was in flight when the worker died:
    # that claim stays (the email may have left) and is never sent again.
    claimed = Delivery.objects.filter(status="claimed").count()
    sent = Delivery.objects.filter(status="sent").count()
    assert claimed <= 1 and sent + claimed == READERS
    assert sent <= len(received) <= sent + claimed
