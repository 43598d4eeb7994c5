"""The manifest of parsed documents, kept beside the index: a start parses only what changed.

``index`` and ``add`` (and any process that brings the index up to date) write, per corpus file, the
hash of its bytes (and of its ``.meta.yaml``), the parsed metadata, the spans of its structural units,
the hash of its cleaned text and whatever the search index stores with it (its chunk table). A later
start reads the manifest and hashes each file: an unchanged file becomes a ``StoredDocument`` whose
metadata is in memory at once and whose text and units are read from the file only when a citation,
the source tab or a rule check needs them (a few dozen at a time stay cached); a new or changed file
is parsed as before. The manifest is also keyed by the parser's own code, so a changed parser
re-parses everything; an unreadable or foreign manifest is ignored, never trusted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import marshal
import os
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path

from assistant.errors import CorpusError
from assistant.knowledge import documents, structure
from assistant.knowledge.documents import DocMeta, Document, clean, load_document, read_text
from assistant.knowledge.documents import load_corpus as _load_each
from assistant.knowledge.structure import Unit

log = logging.getLogger(__name__)

MANIFEST = "documents.manifest"
FORMAT = 1
CACHED = 64  # stored documents whose text is held at once (the most recently used)


def manifest_path(index_dir) -> Path:
    return Path(index_dir) / MANIFEST


def parser_version() -> str:
    """Changes whenever the code that turns a file into text, metadata and units changes."""
    h = hashlib.sha256(f"{FORMAT}".encode())
    for module in (documents, structure):
        h.update(Path(module.__file__).read_bytes())
    return h.hexdigest()[:16]


def source_hash(path: Path) -> str:
    """The file's bytes and its metadata file's bytes: what parsing it depends on."""
    h = hashlib.sha256(Path(path).read_bytes())
    meta = path.with_name(f"{path.stem}.meta.yaml")
    h.update(b"\0meta\0" + (meta.read_bytes() if meta.exists() else b""))
    return h.hexdigest()[:24]


def file_stat(path: Path) -> tuple:
    """Size and modification time of the file and its metadata file: when both are as recorded with
    the hash, the bytes are not read again (as git's index does); any change reads and hashes them."""
    out = []
    name = os.fspath(path)
    for p in (name, name[: len(name) - len(path.suffix)] + ".meta.yaml"):
        try:
            st = os.stat(p)
            out += [st.st_size, st.st_mtime_ns]
        except OSError:
            out += [-1, -1]
    return tuple(out)


def text_hash(doc: Document) -> str:
    """The hash of a document's id and cleaned text (the index's per-document key)."""
    stored = doc.__dict__.get("text_hash")
    return stored or _hash_text(doc.doc_id, doc.text)


def _hash_text(doc_id: str, text: str) -> str:
    return hashlib.sha256(f"{doc_id}\0{text}".encode()).hexdigest()[:16]


def stored(doc: Document, key: str):
    """What the search index stored with this document in the manifest (None when parsed afresh)."""
    entry = doc.__dict__.get("entry")
    return entry.get(key) if entry else None


_RECENT: OrderedDict[int, StoredDocument] = OrderedDict()
_LOCK = threading.Lock()


class StoredDocument(Document):
    """A document parsed by an earlier build: metadata in memory, text and units read when needed."""

    def __init__(self, path: Path, entry: dict):
        self.doc_id, self.path, self.entry = entry["doc_id"], Path(path), entry
        self.text_hash = entry["text_hash"]
        self._loaded: tuple | None = None
        self._meta: DocMeta | None = None

    @property
    def meta(self) -> DocMeta:
        if self._meta is None:
            self._meta = _meta(marshal.loads(self.entry["meta"]))
        return self._meta

    def _load(self) -> tuple:
        with _LOCK:
            loaded = self._loaded
            if loaded is None:
                raw = read_text(self.path)
                text, offsets = clean(raw)
                if _hash_text(self.doc_id, text) != self.text_hash:
                    raise CorpusError(f"文件 {self.path.name} 在建立索引后被修改，请运行 python -m assistant index 后重启")
                units = [Unit(k, label, section, s, e, text[s:e] if t is None else t)
                         for k, label, section, s, e, t in marshal.loads(self.entry["units"])]
                loaded = self._loaded = (raw, text, offsets, units)
            _RECENT[id(self)] = self
            _RECENT.move_to_end(id(self))
            while len(_RECENT) > CACHED:
                _RECENT.popitem(last=False)[1]._loaded = None
            return loaded

    @property
    def raw_text(self) -> str:
        return self._load()[0]

    @property
    def text(self) -> str:
        return self._load()[1]

    @property
    def raw_offsets(self):
        return self._load()[2]

    @property
    def units(self) -> list[Unit]:
        return self._load()[3]


class Catalog:
    """The manifest as read at start: ``load(path)`` gives a stored document when the file is unchanged."""

    def __init__(self, entries: dict[str, dict]):
        self.entries = entries

    @classmethod
    def read(cls, path: Path | None) -> Catalog:
        if path is None or not Path(path).exists():
            return cls({})
        try:
            with open(path, "rb") as f:
                data = marshal.load(f)
            if data.get("parser") != parser_version():
                log.info("文档清单 %s 由另一版本的解析程序写入，全部重新解析", path)
                return cls({})
            return cls(dict(data["files"]))
        except (OSError, EOFError, ValueError, TypeError, KeyError, AttributeError) as exc:
            log.warning("文档清单 %s 无法读取（%s），全部重新解析", path, type(exc).__name__)
            return cls({})

    def load(self, path: Path) -> Document:
        entry = self.entries.get(path.name)
        stat = file_stat(path)
        if entry and entry.get("stat") == stat:
            return StoredDocument(path, entry)
        digest = source_hash(path)
        if entry and entry.get("source") == digest:  # touched, not changed
            return StoredDocument(path, {**entry, "stat": stat})
        doc = load_document(path)
        doc.source_hash, doc.source_stat = digest, stat  # of the bytes read before parsing: a later edit shows
        return doc


def load_corpus(corpus_dir: Path, manifest: Path | None) -> dict[str, Document]:
    """Every document of the folder; those unchanged since ``manifest`` was written are not parsed."""
    return _load_each(corpus_dir, Catalog.read(manifest).load)


def entry_of(doc: Document, **extra) -> dict:
    """The manifest entry of a document (a stored one keeps its entry), with what the index stores."""
    entry = doc.__dict__.get("entry")
    if entry is None:
        text = doc.text
        stat = doc.__dict__.get("source_stat") or file_stat(doc.path)
        entry = {"source": doc.__dict__.get("source_hash") or source_hash(doc.path), "stat": stat,
                 "doc_id": doc.doc_id, "meta": marshal.dumps(_meta_data(doc.meta)), "text_hash": text_hash(doc),
                 # a nested blob: read only when the document's text is (a start decodes no unit)
                 "units": marshal.dumps([(u.kind, u.label, u.section, u.start, u.end,
                                          None if text[u.start:u.end] == u.text else u.text) for u in doc.units])}
    return {**entry, **extra}


def write_manifest(path: Path, entries: dict[str, dict]) -> None:
    """``entries``: file name -> ``entry_of(doc, …)``; replaced atomically, a failure only logged."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".manifest-")
        with os.fdopen(fd, "wb") as f:
            marshal.dump({"parser": parser_version(), "files": entries}, f)
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("无法写入文档清单 %s（%s），下次启动将重新解析文档", path, exc)


def _meta_data(meta: DocMeta) -> dict:
    return {k: {"date": v.isoformat()} if isinstance(v, dt.date) else v for k, v in meta.__dict__.items()}


def _meta(data: dict) -> DocMeta:
    return DocMeta(**{k: dt.date.fromisoformat(v["date"]) if isinstance(v, dict) else v for k, v in data.items()})
