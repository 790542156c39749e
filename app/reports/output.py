"""Writing report files whole or not at all: a temporary file beside the target, then a rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def check_writable(path: Path) -> Path:
    """Resolve ``path`` and make sure a file can be created there; raises ``OSError`` if not.

    Used before any database write, so that a bad ``--out`` fails before a receipt's print
    count moves.
    """
    target = path.expanduser().resolve()
    if target.is_dir():
        raise IsADirectoryError(21, "is a directory", str(target))
    parent = target.parent
    if not parent.is_dir():
        raise FileNotFoundError(2, "folder does not exist", str(parent))
    fd, probe = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".probe", dir=parent)
    os.close(fd)
    os.unlink(probe)
    return target


def atomic_write(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (readers see the old file or the whole new one)."""
    target = check_writable(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return target
