"""This process's recently served feed bodies, by ETag, so a warm poll need not read its body again."""

import threading
from collections import OrderedDict


class RecentBodies:
    """A least-recently-used map from ETag (the SHA-256 of a body) to the body, bounded in bytes.

    Keyed by content, it can never hold a wrong body for an ETag: the database says which ETag is
    current, and this only saves fetching the bytes. Safe for threaded servers.
    """

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._bodies: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, etag: str) -> bytes | None:
        with self._lock:
            body = self._bodies.get(etag)
            if body is not None:
                self._bodies.move_to_end(etag)
            return body

    def put(self, etag: str, body: bytes) -> None:
        if len(body) > self.max_bytes:
            return
        with self._lock:
            if etag in self._bodies:
                self._bodies.move_to_end(etag)
                return
            self._bodies[etag] = body
            self._size += len(body)
            while self._size > self.max_bytes:
                _, dropped = self._bodies.popitem(last=False)
                self._size -= len(dropped)


RECENT = RecentBodies(max_bytes=32 * 1024 * 1024)
