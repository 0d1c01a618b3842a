"""Fixtures shared by the notifications test modules (imported by them; this module holds no tests).

The SMTP listener is a real aiosmtpd server on a free localhost port: emails travel over
SMTP exactly as in production and are parsed as a mail client would.
"""

import asyncio
import email
import socket
import threading
from datetime import datetime, time, timedelta
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from news.models import NewsIndexPage, NewsPage


class Inbox:
    """What the listener received; it can refuse some recipients and answer slowly."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.refused: set[str] = set()
        self.delay = 0.0
        self.received = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        self.received.set()
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if address in m["X-Envelope-To"]]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_inbox(settings):
    """A running SMTP listener, with Django's SMTP backend pointed at it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    inbox.port = controller.port
    yield inbox
    controller.stop()


@pytest.fixture
def news_index(home_page):
    return home_page.add_child(instance=NewsIndexPage(title="Actualités", slug="actualites"))


@pytest.fixture
def publish_news(news_index):
    def publish(title="Assemblée générale", excerpt="Le réseau se réunit à Lyon.", owner=None):
        news = NewsPage(title=title, excerpt=excerpt, owner=owner)
        news_index.add_child(instance=news)
        news.save_revision(user=owner).publish(user=owner)
        news.refresh_from_db()
        return news

    return publish


def local(day_offset: int, hour: int, minute: int = 0) -> datetime:
    """An instant on the Paris clock, ``day_offset`` days from today."""
    return timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=day_offset), time(hour, minute)))


@pytest.fixture
def next_morning():
    """Tomorrow 08:00 in Paris: the daily digest (07:00) is due and every item of today is in it."""
    return local(1, 8)
