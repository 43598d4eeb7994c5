"""Where the index lives (a local folder or a Chroma server) and how one build at a time is ensured.

* ``LocalStore``: a folder; builds are serialised by ``flock`` on ``.build.lock`` inside it (the OS
  drops the lock when a process dies); each finished build writes a new ``generation`` stamp, which
  is how other processes notice it: Chroma's in-process engine neither sees another process's
  writes nor notices its folder being replaced.
* ``ServerStore``: ``POLICY_CHROMA_URL``; a build holds a marker collection carrying its owner
  (host:pid:random) and an expiry, refreshed every batch, so a crashed builder's marker expires and
  is taken over.

Failures raise ``SearchUnavailable`` with a one-line Chinese message.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlparse

from assistant.errors import SearchUnavailable

log = logging.getLogger("assistant.search.index")  # one logger for the whole index layer

MARKER = "policy_chunks_building"  # on a Chroma server: exists while one process builds
LOCK_FILE = ".build.lock"  # in the local index folder; kept when a corrupt folder is wiped
GENERATION_FILE = "generation"  # in the local index folder; rewritten after every build or update
MARKER_TTL = 300.0  # seconds a server build marker stays valid unless its builder refreshes it


class Store:
    """A local folder or a Chroma server: how to connect, lock a build, and stamp a finished one."""

    where: str

    def connect(self, *, fresh: bool = False):
        raise NotImplementedError

    def exists(self) -> bool:
        """Whether there is anything to reopen (a local folder can be deleted under us)."""
        return True

    def stamp(self):
        """Changes whenever another process finishes a build (None where nothing needs watching)."""
        return None

    def mark_built(self) -> None:
        pass

    def build_lock(self, client, wait: float):
        raise NotImplementedError


class LocalStore(Store):
    def __init__(self, path: Path):
        self.path = Path(path).resolve()
        self.where = str(self.path)

    def connect(self, *, fresh: bool = False):
        if fresh or not self.exists():
            # Chroma caches one engine per path inside the process; it neither sees another
            # process's writes nor notices its folder being deleted, so a fresh look starts over.
            # Once per stamp: two indexes of one folder in a process must not stop each other's engine.
            stamp = self.stamp()
            seen = _FRESH.get(self.where)
            if fresh and stamp is not None and seen and seen[0] == stamp and _alive(seen[1]):
                return seen[1]
            _forget_system(self.path)
            client = _persistent_client(self.path)
            _FRESH[self.where] = (self.stamp(), client)
            return client
        return _persistent_client(self.path)

    def exists(self) -> bool:
        return (self.path / "chroma.sqlite3").exists()

    def stamp(self):
        try:
            inode = (self.path / "chroma.sqlite3").stat().st_ino
        except OSError:
            return None
        try:
            generation = (self.path / GENERATION_FILE).read_text(encoding="utf-8")
        except OSError:
            generation = ""
        return inode, generation

    def mark_built(self) -> None:
        tmp = self.path / f".{GENERATION_FILE}.{os.getpid()}"
        tmp.write_text(f"{uuid.uuid4().hex} {time.time():.3f}\n", encoding="utf-8")
        os.replace(tmp, self.path / GENERATION_FILE)

    @contextlib.contextmanager
    def build_lock(self, client, wait: float) -> Iterator[Callable[[], None]]:
        import fcntl

        try:
            self.path.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise SearchUnavailable(f"无法在 {self.path} 创建索引（{type(exc).__name__}），请检查 POLICY_INDEX_DIR 的写权限") from exc
        try:
            waiting = _Waiting(self.where, wait)
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    waiting(_read_owner(self.path / LOCK_FILE), 0.2)
            os.ftruncate(fd, 0)
            os.write(fd, f"{_owner()}\n".encode())
            yield lambda: None  # the OS drops the lock if this process dies: nothing to refresh
        finally:
            try:
                os.ftruncate(fd, 0)
            except OSError:
                pass
            os.close(fd)  # releases the lock

    def wipe(self) -> None:
        """Remove a corrupt index, keeping the lock file (another process may be waiting on it)."""
        import shutil

        _forget_system(self.path)
        for child in self.path.iterdir() if self.path.is_dir() else ():
            if child.name == LOCK_FILE:
                continue
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)


class ServerStore(Store):
    def __init__(self, url: str):
        self.url = url
        self.where = url
        self.host, self.port, self.ssl = _server_address(url)

    def connect(self, *, fresh: bool = False):
        return _http_client(self.url, self.host, self.port, self.ssl)

    @contextlib.contextmanager
    def build_lock(self, client, wait: float) -> Iterator[Callable[[], None]]:
        owner = _owner()
        waiting, vanished = _Waiting(self.where, wait), 0
        while True:
            try:
                marker = client.create_collection(MARKER, embedding_function=None,
                                                  metadata={"owner": owner, "expires": time.time() + MARKER_TTL})
                break
            except Exception as exc:  # exists (someone is building) or the server failed
                try:
                    meta = client.get_collection(MARKER, embedding_function=None).metadata or {}
                except Exception:
                    vanished += 1
                    if _exists(client, MARKER) is False and vanished < 5:
                        continue  # released between our two calls: try again
                    raise SearchUnavailable(f"无法在 Chroma 服务器 {self.url} 上登记索引构建（{type(exc).__name__}）") from exc
                holder = meta.get("owner", "?")
                if float(meta.get("expires") or 0) < time.time():
                    log.warning("Chroma 服务器上的构建标记（%s）已过期，接管构建", holder)
                    drop_collection(client, MARKER)
                    continue
                waiting(holder, 1.0)
        last = [time.monotonic()]

        def refresh() -> None:
            if time.monotonic() - last[0] > 5:
                marker.modify(metadata={"owner": owner, "expires": time.time() + MARKER_TTL})
                last[0] = time.monotonic()

        try:
            yield refresh
        finally:
            try:
                current = client.get_collection(MARKER, embedding_function=None).metadata or {}
                if current.get("owner") == owner:
                    drop_collection(client, MARKER)
            except Exception:  # gone already, or the server went away: it expires by itself
                pass


_FRESH: dict[str, tuple] = {}  # local folder -> (stamp, client) of its last fresh engine in this process


def _alive(client) -> bool:
    try:
        client.list_collections()
        return True
    except Exception:
        return False


class _Waiting:
    """One wait for another process's build: says so once, gives up after ``wait`` seconds."""

    def __init__(self, where: str, wait: float):
        self.where, self.wait = where, wait
        self.deadline, self.told = time.monotonic() + wait, False

    def __call__(self, holder: str, pause: float) -> None:
        if not self.told:
            log.warning("另一个进程（%s）正在构建索引 %s，等待其完成…", holder, self.where)
            self.told = True
        if time.monotonic() > self.deadline:
            raise SearchUnavailable(f"等待另一个进程（{holder}）构建索引超时（{self.wait:.0f} 秒）：{self.where}")
        time.sleep(pause)


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def _read_owner(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip() or "?"
    except OSError:
        return "?"


def make_store(settings) -> Store:
    return ServerStore(settings.chroma_url) if settings.chroma_url else LocalStore(Path(settings.index_dir))


def _server_address(url: str) -> tuple[str, int, bool]:
    """(host, port, ssl) of POLICY_CHROMA_URL; an address that cannot be one is a one-line error."""
    bad = (f"POLICY_CHROMA_URL 的值“{url}”不是有效的 Chroma 服务器地址，应形如 http://127.0.0.1:8000"
           "（清空此设置则改用本地索引）")
    try:
        parsed = urlparse(url if "://" in url else f"http://{url}")
        port = parsed.port or (443 if parsed.scheme == "https" else 8000)
    except ValueError:  # "http://[::1", "http://host:port"
        raise SearchUnavailable(bad) from None
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise SearchUnavailable(bad)
    return parsed.hostname, port, parsed.scheme == "https"


def _http_client(url: str, host: str, port: int, ssl: bool):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    try:
        client = chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=ChromaSettings(anonymized_telemetry=False))
        client.heartbeat()
    except Exception as exc:
        raise SearchUnavailable(
            f"无法连接 Chroma 服务器 {url}（{type(exc).__name__}）：请确认服务器已启动"
            f"（如 chroma run --path index --host 127.0.0.1 --port 8000），或清空 POLICY_CHROMA_URL 改用本地索引"
        ) from exc
    return client


def _persistent_client(path: Path):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))


def _forget_system(path: Path) -> None:
    from chromadb.api.shared_system_client import SharedSystemClient

    system = SharedSystemClient._identifier_to_system.pop(str(path), None)
    SharedSystemClient._identifier_to_refcount.pop(str(path), None)
    if system is not None:
        try:
            system.stop()
        except Exception:  # already broken; we are about to look again anyway
            pass


def collection_names(client) -> list[str]:
    return [c if isinstance(c, str) else c.name for c in client.list_collections()]


def _exists(client, name: str) -> bool | None:
    try:
        return name in collection_names(client)
    except Exception:  # cannot tell
        return None


def drop_collection(client, name: str) -> None:
    try:
        client.delete_collection(name)
    except Exception:  # nothing to delete
        pass


def close_client(client) -> None:
    close = getattr(client, "close", None)
    if close:
        try:
            close()
        except Exception:  # closing is best effort; nothing useful to report
            pass


def one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())[:200]
