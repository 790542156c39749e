"""Qt-free event bus of the comms layer and the events the engine publishes.

Subscribers are plain callables, called synchronously on the publishing thread (the comms
thread for engine events). A GUI adapter re-emits them as Qt signals on the GUI thread; the
collector turns them into database state and alarms. A failing subscriber is logged, never
propagated into the engine.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

logger = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class CommEvent:
    """Base of all comms events."""

    at: datetime = field(default_factory=_now, kw_only=True)


@dataclass(frozen=True)
class GatewayOnline(CommEvent):
    """A gateway became reachable (its first bus line connected or answered)."""

    gateway_code: str
    bus_number: int
    url: str


@dataclass(frozen=True)
class GatewayOffline(CommEvent):
    """A gateway became unreachable (its last reachable bus line failed)."""

    gateway_code: str
    bus_number: int
    url: str
    reason: str


@dataclass(frozen=True)
class MeterOnline(CommEvent):
    """A meter answered after being offline (or for the first time since the engine started)."""

    gateway_code: str
    bus_number: int
    address: str


@dataclass(frozen=True)
class MeterOffline(CommEvent):
    """A meter failed ``failures`` jobs in a row."""

    gateway_code: str
    bus_number: int
    address: str
    failures: int
    reason: str


@dataclass(frozen=True)
class CommErrorEvent(CommEvent):
    """One job failed (after the channel's retries)."""

    gateway_code: str
    bus_number: int
    address: str
    label: str
    error_type: str
    message: str


@dataclass(frozen=True)
class DtuRegistered(CommEvent):
    """A DTU link registered (``connected``) or dropped its connection."""

    link_id: str
    port: int
    peer: str
    connected: bool


Callback = Callable[[Any], None]


class EventBus:
    """Publish/subscribe by event type (``None`` = every event); thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: list[tuple[tuple[type, ...] | None, Callback]] = []

    def subscribe(self, callback: Callback, *event_types: type) -> Callable[[], None]:
        """Call ``callback(event)`` for events of ``event_types`` (all when none given).

        Returns a function that unsubscribes.
        """
        entry = (tuple(event_types) or None, callback)
        with self._lock:
            self._subscribers.append(entry)

        def unsubscribe() -> None:
            with self._lock:
                if entry in self._subscribers:
                    self._subscribers.remove(entry)

        return unsubscribe

    def publish(self, event: object) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for types, callback in subscribers:
            if types is not None and not isinstance(event, types):
                continue
            try:
                callback(event)
            except Exception:
                logger.exception("event subscriber %r failed on %r", callback, event)
