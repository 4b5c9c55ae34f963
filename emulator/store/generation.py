"""A number that moves whenever state every request reads changes (the clock's offset, the
accounts' features, the fault injection rules), so that each process may keep that state in
memory and read the store again only when the number has moved."""

from __future__ import annotations

import mmap
import os
import struct
from pathlib import Path

_COUNTER = struct.Struct("<Q")


class Generation:
    """Where the processes on one store see the same number.

    For a SQLite file it is eight bytes of a small file beside it, mapped into the memory of
    every process that opens the store: reading it costs no query. In memory it is this
    process's own. Instances on PostgreSQL may run on other machines, so there is none
    (`current` is None) and nothing is kept.

    `raise_` must be called after the change has committed and while no other writer can
    raise it at once (the store's write lock).
    """

    def __init__(self, path: Path | None, shared: bool) -> None:
        self._map: mmap.mmap | None = None
        self._local: int | None = 0 if shared else None
        if shared and path is not None:
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                if os.fstat(descriptor).st_size < _COUNTER.size:
                    os.ftruncate(descriptor, _COUNTER.size)
                # Shared by every process that maps it, forked workers included.
                self._map = mmap.mmap(descriptor, _COUNTER.size)
            finally:
                os.close(descriptor)

    def current(self) -> int | None:
        if self._map is not None:
            counter: int = _COUNTER.unpack_from(self._map)[0]
            return counter
        return self._local

    def raise_(self) -> None:
        if self._map is not None:
            _COUNTER.pack_into(self._map, 0, _COUNTER.unpack_from(self._map)[0] + 1)
        elif self._local is not None:
            self._local += 1
