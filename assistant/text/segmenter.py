"""jieba, started in milliseconds: its prefix dictionary cached in shards that load on first use.

``jieba.Tokenizer.initialize`` unmarshals a 500,000-entry prefix dictionary (about 1 s on the
target machine) before it can cut a single word, and every process pays it: the first question
of a new process waited on it. Here the same dictionary is written once per machine to a cache
file (``$XDG_CACHE_HOME/policy-assistant/``, else ``~/.cache/…``, else the temp folder), split by
first character, and a word lookup loads only the shard of its first character. Cutting a question
touches a few dozen small shards; tokenizing a whole corpus loads them all, as before. Lookups
answer exactly as the full dictionary would, so every cut is the same as plain jieba's.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import mmap
import os
import struct
import tempfile
import threading
from pathlib import Path

log = logging.getLogger(__name__)

MAGIC = b"PASEG1\n"
_HEADER = struct.Struct("<Q")  # length of the marshalled header that follows MAGIC


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "policy-assistant"


class ShardedFreq:
    """The part of ``dict`` jieba uses (``in``, ``get``, ``[]``, ``[]=``) over a sharded cache file."""

    def __init__(self, path: Path):
        with open(path, "rb") as f:
            self._mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        if self._mm[: len(MAGIC)] != MAGIC:
            raise ValueError("not a prefix-dictionary cache")
        start = len(MAGIC) + _HEADER.size
        (size,) = _HEADER.unpack(self._mm[len(MAGIC) : start])
        self.total, self._where = marshal.loads(self._mm[start : start + size])
        self._base = start + size
        if self._base + max((end for _, end in self._where.values()), default=0) != len(self._mm):
            raise ValueError("truncated prefix-dictionary cache")
        self._shards: dict[str, dict[str, int]] = {}
        self._lock = threading.Lock()

    def _shard(self, key: str) -> dict[str, int]:
        first = key[:1]
        shard = self._shards.get(first)
        if shard is None:
            with self._lock:
                shard = self._shards.get(first)
                if shard is None:
                    where = self._where.get(first)
                    shard = marshal.loads(self._mm[self._base + where[0] : self._base + where[1]]) if where else {}
                    self._shards[first] = shard
        return shard

    def __contains__(self, key: str) -> bool:
        return key in self._shard(key)

    def get(self, key: str, default=None):
        return self._shard(key).get(key, default)

    def __getitem__(self, key: str) -> int:
        return self._shard(key)[key]

    def __setitem__(self, key: str, value: int) -> None:  # jieba's add_word
        self._shard(key)[key] = value

    def __delitem__(self, key: str) -> None:
        del self._shard(key)[key]


def write_cache(freq: dict[str, int], total: int, path: Path) -> None:
    """Write ``freq`` grouped by first character (atomically: readers see the old file or the new)."""
    groups: dict[str, dict[str, int]] = {}
    for word, count in freq.items():
        groups.setdefault(word[:1], {})[word] = count
    blobs, where, at = [], {}, 0
    for first, group in groups.items():
        blob = marshal.dumps(group)
        where[first] = (at, at + len(blob))
        blobs.append(blob)
        at += len(blob)
    header = marshal.dumps((total, where))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".seg-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(MAGIC + _HEADER.pack(len(header)) + header)
            f.writelines(blobs)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _cache_path(dictionary: str) -> Path:
    import jieba

    st = os.stat(dictionary)
    key = hashlib.sha256(f"{jieba.__version__}\0{dictionary}\0{st.st_size}\0{st.st_mtime_ns}".encode()).hexdigest()[:16]
    return cache_dir() / f"jieba-{key}.prefix"


def new_tokenizer():
    """A private jieba tokenizer (the global one stays untouched) on the sharded dictionary cache;
    the cache is (re)written when missing or unreadable, and a cache that cannot be written only
    costs the plain load."""
    import jieba

    jieba.setLogLevel(logging.WARNING)  # silence "Building prefix dict…" on stderr
    tk = jieba.Tokenizer()
    dictionary = tk.dictionary or os.path.join(os.path.dirname(jieba.__file__), jieba.DEFAULT_DICT_NAME)
    try:
        path = _cache_path(os.path.abspath(dictionary))
    except OSError:
        tk.initialize()
        return tk
    try:
        freq = ShardedFreq(path)
    except Exception:  # missing, truncated or foreign: the cache is only a shortcut, rebuild it
        tk.initialize()  # the plain way: jieba's own cache or the dictionary file
        try:
            write_cache(tk.FREQ, tk.total, path)
        except OSError as exc:
            log.info("无法写入分词词典缓存 %s（%s）", path, exc)
        return tk
    tk.FREQ, tk.total, tk.initialized = freq, freq.total, True
    return tk
