"""Deliver a background result only to a widget that still exists.

A page or dialog can be closed and deleted while its service call is still running on the db
worker; the result then arrives for a dead C++ object. ``alive(widget, fn)`` drops it instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject


def alive(owner: QObject, fn: Callable[..., Any]) -> Callable[..., None]:
    def call(*args: Any) -> None:
        if shiboken6.isValid(owner):
            fn(*args)

    return call
