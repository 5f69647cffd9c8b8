"""Where a notification goes besides the inbox. A channel gets the user and a short text without
names (an SMS is read on a lock screen, stored by the carrier): "您有1条红色预警待签收，请登录守护查看".
The county configures `SHOUHU_NOTIFY_CHANNELS` (dotted paths); the demo logs, tests collect, and a
real SMS or 政务微信 gateway is a class with the same `send`."""
import logging
from importlib import import_module

from django.conf import settings

log = logging.getLogger("shouhu.notify")


class Channel:
    def send(self, user, text: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class LoggingChannel(Channel):
    """The demo's channel: one log line, with the user's id only."""

    def send(self, user, text: str) -> None:
        log.info("notify user=%s: %s", user.pk, text)


class Outbox(Channel):
    """Tests: what would have been sent, in order."""

    sent: list[tuple[int, str]] = []

    def send(self, user, text: str) -> None:
        Outbox.sent.append((user.pk, text))


def channels() -> list[Channel]:
    out = []
    for path in getattr(settings, "SHOUHU_NOTIFY_CHANNELS", []):
        module, _, name = path.rpartition(".")
        out.append(getattr(import_module(module), name)())
    return out
