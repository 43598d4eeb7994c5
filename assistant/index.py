"""The Chroma collection of chunk vectors: open, check freshness, rebuild, query.

The collection's metadata records what it was built from (corpus text hash, chunker version,
embedder fingerprint). ``open_index`` compares that with the present and rebuilds by itself,
so nobody ever searches vectors of an old text or of another model. Vectors are always
computed by our embedder and passed in explicitly: Chroma's default embedding function
would download a model, which this deployment must never do.

Safe to rebuild and share:
* a full build fills a staging collection and swaps it in at the end, so readers keep the old
  collection until the new one is complete;
* builds of one index are serialised: a file lock (``.build.lock`` in the index folder) locally, a
  marker collection with an owner and an expiry on a Chroma server (refreshed every batch, so a
  crashed builder's marker expires and is taken over);
* a running process notices a rebuilt or replaced collection and reopens it on its next search
  (locally each build writes a new ``generation`` stamp, because Chroma's in-process caches do not
  see another process's writes; on a server the old collection's id stops existing).

Every failure to open or query the index raises ``SearchUnavailable`` (a one-line Chinese message),
which callers can tell apart from a search that found nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import socket
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from .chunking import CHUNKER_VERSION, Chunk, chunk_corpus
from .corpus import Document
from .errors import PolicyError, SearchUnavailable

log = logging.getLogger(__name__)

COLLECTION = "policy_chunks"
STAGING = "policy_chunks_staging"  # a full build fills this, then renames it to COLLECTION
MARKER = "policy_chunks_building"  # on a Chroma server: exists while one process builds
LOCK_FILE = ".build.lock"  # in the local index folder; kept when a corrupt folder is wiped
GENERATION_FILE = "generation"  # in the local index folder; rewritten after every build or update
BATCH = 64  # chunks embedded and added per step; also the progress granularity
LOCK_WAIT = 1800.0  # seconds to wait for another process's build before giving up
MARKER_TTL = 300.0  # seconds a server build marker stays valid unless its builder refreshes it
REOPEN_TRIES = 10  # a rebuilt collection is swapped in with a delete and a rename: bridge that gap
REOPEN_PAUSE = 0.1
REBUILD = "按要求重建索引"
MISSING = "索引不存在，正在构建"
UNFINISHED = "索引上次未构建完成，正在重建"

Progress = Callable[[int, int], None]
CORPUS_CHANGED = "索引已过期（语料变化），正在更新"


def corpus_hash(docs: dict[str, Document]) -> str:
    h = hashlib.sha256()
    for doc_id in sorted(docs):
        h.update(f"{doc_id}\0{docs[doc_id].text}\0".encode())
    return h.hexdigest()[:16]


def stderr_progress(done: int, total: int) -> None:
    """One rewritten line on stderr, like tqdm: 正在构建索引：128/640 个片段（20%）."""
    end = "\n" if done >= total else ""
    print(f"\r正在构建索引：{done}/{total} 个片段（{done * 100 // max(total, 1)}%）", end=end, file=sys.stderr, flush=True)


@dataclass
class PolicyIndex:
    """An open, up-to-date collection plus the chunks it holds (by id)."""

    collection: object
    client: object
    chunks: list[Chunk]
    fingerprint: dict[str, str]
    rebuilt: bool = False
    reason: str = ""  # why it was (re)built; "" when reused
    updated: list[str] = field(default_factory=list)  # documents (re-)embedded by this open
    store: Store | None = field(default=None, repr=False)  # where it lives, for reopening
    by_id: dict[str, Chunk] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.by_id = {c.id: c for c in self.chunks}
        self._stamp = self.store.stamp() if self.store else None
        self._opened = 0  # counts reopenings, so concurrent failures reopen once
        self._reopen_lock = threading.Lock()

    def query(self, embedding: list[float], n: int) -> list[tuple[Chunk, float]]:
        """The ``n`` nearest chunks with cosine similarity, best first. SearchUnavailable when the
        collection is gone and cannot be reopened, or the server cannot be reached."""
        n = min(n, len(self.chunks))
        if n <= 0:
            return []
        opened = self._opened
        if self.store is not None and self.store.stamp() != self._stamp:
            self._reopen(opened, "索引已被其他进程重建或更新")
            opened = self._opened
        try:
            res = self.collection.query(query_embeddings=[embedding], n_results=n, include=["distances"])
        except Exception as exc:  # a rebuild swapped the collection, a server went away, a folder was deleted
            if self.store is None:
                raise SearchUnavailable(f"向量索引查询失败（{type(exc).__name__}），请运行 python -m assistant index") from exc
            log.warning("向量索引查询失败（%s: %s），重新打开索引", type(exc).__name__, _one_line(exc))
            self._reopen(opened, type(exc).__name__)
            try:
                res = self.collection.query(query_embeddings=[embedding], n_results=n, include=["distances"])
            except Exception as again:
                raise SearchUnavailable(f"向量索引查询失败（{type(again).__name__}），请稍后再试或运行 python -m assistant index") from again
        ids, dists = res["ids"][0], res["distances"][0]
        return [(self.by_id[i], 1.0 - float(d)) for i, d in zip(ids, dists, strict=True) if i in self.by_id]

    def _reopen(self, opened: int, why: str) -> None:
        """Open the collection again by name (after a rebuild it is another collection)."""
        with self._reopen_lock:
            if self._opened != opened:
                return  # another thread has just reopened it
            store = self.store
            last = why
            for attempt in range(REOPEN_TRIES):
                if attempt:
                    time.sleep(REOPEN_PAUSE)
                stamp = store.stamp()
                if not store.exists():
                    last = "索引文件不存在，可能正在重建"
                    continue
                try:
                    client = store.connect(fresh=True)
                    collection, reason = _inspect(client, self.fingerprint)
                except SearchUnavailable:
                    raise
                except Exception as exc:
                    raise SearchUnavailable(f"无法重新打开检索索引 {store.where}（{type(exc).__name__}），"
                                            "请稍后再试或运行 python -m assistant index") from exc
                if collection is not None and reason in ("", CORPUS_CHANGED):
                    if reason:
                        log.warning("索引已按新的语料重建；本进程仍按启动时的语料检索，请重启以使用新文档")
                    # The old client is not closed: its engine is already stopped, and closing
                    # it would release the new engine registered under the same path.
                    self.client, self.collection, self._stamp = client, collection, stamp
                    self._opened += 1
                    log.warning("检索索引已被重建或替换，已重新打开（%s）", why)
                    return
                if collection is not None and reason != UNFINISHED:
                    raise SearchUnavailable(f"检索索引已按不同的设置重建（{reason.removesuffix('，正在重建')}），请重启应用")
                last = "集合不存在或正在构建"
            raise SearchUnavailable(f"检索索引 {store.where} 暂不可用（{last}），请稍后再试或运行 python -m assistant index")

    def close(self) -> None:
        _close(self.client)


def _close(client) -> None:
    close = getattr(client, "close", None)
    if close:
        try:
            close()
        except Exception:  # closing is best effort; nothing useful to report
            pass


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())[:200]


# ----------------------------------------------------------------------------- where the index lives
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
                    _drop(client, MARKER)
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
                    _drop(client, MARKER)
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


# ----------------------------------------------------------------------------- open / build
def open_index(
    settings,
    docs: dict[str, Document],
    embedder,
    *,
    rebuild: bool = False,
    progress: Progress | None = None,
    wait: float = LOCK_WAIT,
) -> PolicyIndex:
    """Open the index for ``docs``/``embedder``, (re)building it when missing, stale or corrupt.

    ``settings.chroma_url`` selects a Chroma server, otherwise ``settings.index_dir`` is used.
    Raises SearchUnavailable when the server is unreachable or its address invalid, the folder
    cannot be written, a build fails, or another process's build outlasts ``wait`` seconds.
    """
    chunks = chunk_corpus(docs)
    fp = {"corpus": corpus_hash(docs), "chunker": CHUNKER_VERSION, "embedder": embedder.fingerprint}
    store = make_store(settings)
    stamp = store.stamp()
    client, collection, reason = _look(store, fp, embedder.dim)
    if rebuild:
        reason = REBUILD
    updated: list[str] = []
    rebuilt = False
    if reason:
        with store.build_lock(client, wait) as refresh:
            # Another process may have built while we waited; locally our engine would not see it.
            fresh = isinstance(store, LocalStore) and (store.stamp() != stamp or reason.startswith("索引目录"))
            if fresh:
                _close(client)
            client, collection, now = _look(store, fp, embedder.dim, fresh=fresh)
            if not now and not rebuild:
                log.warning("另一个进程已构建好索引，直接使用")
                return PolicyIndex(collection, client, chunks, fp, store=store)
            reason = reason if rebuild else now
            if reason.startswith("索引目录") and isinstance(store, LocalStore):
                log.warning(reason)
                _close(client)
                store.wipe()
                try:
                    client, collection = store.connect(fresh=True), None
                except Exception as exc:
                    raise SearchUnavailable(f"无法在 {store.where} 创建索引（{type(exc).__name__}），"
                                            "请检查 POLICY_INDEX_DIR 的写权限") from exc
            collection, reason, updated, rebuilt = _refresh(client, collection, reason, docs, chunks, embedder, fp,
                                                            _ticking(progress, refresh, len(chunks)))
            store.mark_built()
    return PolicyIndex(collection, client, chunks, fp, rebuilt=rebuilt, reason=reason, updated=updated, store=store)


def _look(store: Store, fp: dict[str, str], dim: int, *, fresh: bool = False):
    """(client, collection or None, reason to (re)build or "")."""
    client = None
    try:
        client = store.connect(fresh=fresh)
        collection, reason = _inspect(client, fp)
        if collection is not None and not reason and isinstance(store, LocalStore):
            # Reading sqlite metadata does not touch the vector segment; one tiny query does.
            collection.query(query_embeddings=[[1.0] + [0.0] * (dim - 1)], n_results=1, include=[])
        return client, collection, reason
    except PolicyError:
        raise
    except Exception as exc:
        if isinstance(store, ServerStore):
            raise SearchUnavailable(f"读取 Chroma 服务器 {store.url} 上的索引失败（{type(exc).__name__}）") from exc
        return client, None, f"索引目录 {store.where} 已损坏或无法读取（{type(exc).__name__}），正在重建"


def _ticking(progress: Progress | None, refresh: Callable[[], None], total: int) -> Progress:
    """The caller's progress (or the stderr line on long builds), also refreshing the build marker."""
    shown = progress if progress is not None else (stderr_progress if total > BATCH else None)

    def tick(done: int, total: int) -> None:
        refresh()
        if shown:
            shown(done, total)

    return tick


def _refresh(client, collection, reason, docs, chunks, embedder, fp, progress):
    """Bring the collection up to date: incrementally when only the text changed, else a full build."""
    if reason == CORPUS_CHANGED and collection is not None:
        # Only the text changed: re-embed just the documents whose text differs.
        try:
            updated = _update(collection, docs, chunks, embedder, fp, progress)
            reason = f"索引已增量更新（{len(updated)} 个文档变化：{'、'.join(updated) or '仅删除'}）"
            log.warning(reason)
            return collection, reason, updated, False
        except Exception as exc:  # fall back to a full rebuild rather than serve a half-updated index
            reason = f"增量更新失败（{type(exc).__name__}），正在重建"
    log.warning(reason)
    try:
        collection = _build(client, chunks, embedder, fp, progress, docs)
    except PolicyError:
        raise
    except Exception as exc:
        raise SearchUnavailable(f"构建索引失败（{type(exc).__name__}: {_one_line(exc)}），请检查索引目录或 Chroma 服务器") from exc
    return collection, reason, sorted(docs), True


def doc_hash(doc: Document) -> str:
    return hashlib.sha256(f"{doc.doc_id}\0{doc.text}".encode()).hexdigest()[:16]


def _update(collection, docs: dict[str, Document], chunks: list[Chunk], embedder, fp, progress) -> list[str]:
    """Delete the chunks of changed or removed documents and add the changed ones; returns their ids."""
    have = {}
    for meta in collection.get(include=["metadatas"])["metadatas"] or []:
        have[meta.get("doc_id")] = meta.get("doc_hash")
    changed = sorted(d for d, doc in docs.items() if have.get(d) != doc_hash(doc))
    gone = sorted(d for d in have if d not in docs)
    collection.modify(metadata={**fp, "complete": False})
    for d in changed + gone:
        collection.delete(where={"doc_id": d})
    _add(collection, [c for c in chunks if c.doc_id in set(changed)], embedder, docs, progress)
    collection.modify(metadata={**fp, "complete": True, "chunks": len(chunks)})
    return changed


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


def _names(client) -> list[str]:
    return [c if isinstance(c, str) else c.name for c in client.list_collections()]


def _exists(client, name: str) -> bool | None:
    try:
        return name in _names(client)
    except Exception:  # cannot tell
        return None


def _drop(client, name: str) -> None:
    try:
        client.delete_collection(name)
    except Exception:  # nothing to delete
        pass


def _inspect(client, fp: dict[str, str]):
    """(collection or None, reason to rebuild or "")."""
    names = _names(client)
    if COLLECTION not in names:
        return None, UNFINISHED if STAGING in names else MISSING
    collection = client.get_collection(COLLECTION, embedding_function=None)
    meta = collection.metadata or {}
    if meta.get("complete") is not True:
        return collection, "索引上次未构建完成，正在重建"
    changed = [name for key, name in (("corpus", "语料"), ("chunker", "切分规则"), ("embedder", "向量模型"))
               if meta.get(key) != fp[key]]
    if changed == ["语料"]:
        return collection, CORPUS_CHANGED
    if changed:
        return collection, f"索引已过期（{'、'.join(changed)}变化），正在重建"
    return collection, ""


def _build(client, chunks: list[Chunk], embedder, fp: dict[str, str], progress: Progress | None, docs):
    """A full build into STAGING, swapped in when complete: readers keep the old collection meanwhile."""
    _drop(client, STAGING)  # left by a build that was killed
    # "complete" is set only after the last batch, so a build killed halfway is detected.
    staging = client.create_collection(
        STAGING,
        embedding_function=None,
        metadata={**fp, "complete": False},
        configuration={"hnsw": {"space": "cosine"}},
    )
    _add(staging, chunks, embedder, docs, progress)
    staging.modify(metadata={**fp, "complete": True, "chunks": len(chunks)})
    _drop(client, COLLECTION)
    staging.modify(name=COLLECTION)
    return client.get_collection(COLLECTION, embedding_function=None)


def _add(collection, chunks: list[Chunk], embedder, docs, progress: Progress | None) -> None:
    hashes = {d: doc_hash(doc) for d, doc in docs.items()}
    for i in range(0, len(chunks), BATCH):
        batch = chunks[i : i + BATCH]
        collection.add(
            ids=[c.id for c in batch],
            embeddings=embedder.embed_documents([c.embed_text for c in batch]),
            documents=[c.text for c in batch],
            metadatas=[_metadata(c, hashes) for c in batch],
        )
        if progress:
            progress(i + len(batch), len(chunks))


def _metadata(c: Chunk, hashes: dict[str, str]) -> dict:
    # Chroma metadata values cannot be None; the chunk objects stay the source of truth.
    return {"doc_id": c.doc_id, "clause": c.clause or "", "section": c.section or "",
            "kind": c.kind, "start": c.start, "end": c.end, "doc_hash": hashes[c.doc_id]}
