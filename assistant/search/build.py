"""Open every part of the search index at once, building what is missing or stale.

The parts: the chunk table (from the document manifest, chunking only new or changed documents), the
vectors (``index``), the keyword index (``keywords``) and the manifest itself (``knowledge.catalog``),
written whenever a document had to be parsed or chunked. The keyword index is built in a thread while
the vectors are embedded and inserted; a large one is tokenized in two worker processes, so a build
uses both cores (jieba is pure Python, and Chroma's inserts hold this process's interpreter).
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from assistant.knowledge.catalog import entry_of, manifest_path, write_manifest
from assistant.knowledge.documents import Document
from assistant.search.chunk_table import ChunkTable
from assistant.search.index import BATCH, Progress, open_index, progress_line
from assistant.search.retrieval import Retriever, add_terms, keyword_dir, keyword_tokens, open_keywords

log = logging.getLogger(__name__)

PARALLEL_OVER = 20_000  # texts: below this, starting worker processes costs more than it saves
PIECE = 4_000  # texts per task sent to a worker
WORKERS = 2


def open_retriever(settings, docs: dict[str, Document], embedder, *, rebuild: bool = False,
                   progress: Progress | None = None, **kwargs) -> Retriever:
    """A retriever over every part of the index for ``docs``, each built or refreshed when needed."""
    kwargs.setdefault("keyword_dir", keyword_dir(settings))
    index, keywords = open_all(settings, docs, embedder, kwargs["keyword_dir"], rebuild=rebuild, progress=progress)
    return Retriever(docs, embedder, index, keywords=keywords, **kwargs)


def retriever_from_settings(settings=None, **kwargs) -> Retriever:
    """Corpus, embedder and index exactly as the settings say."""
    from assistant.knowledge.catalog import load_corpus
    from assistant.search.embeddings import make_embedder
    from assistant.settings import Settings

    settings = settings or Settings.from_env()
    docs = load_corpus(settings.corpus_dir, manifest_path(settings.index_dir))
    return open_retriever(settings, docs, make_embedder(settings.embedding, settings), **kwargs)


def open_all(settings, docs: dict[str, Document], embedder, keywords_in: Path | None, *, rebuild: bool = False,
             progress: Progress | None = None):
    """(PolicyIndex, KeywordIndex) for ``docs``; the manifest is rewritten when anything was parsed or chunked."""
    t = time.perf_counter()
    table = ChunkTable(docs)
    chunk_s = time.perf_counter() - t
    box: dict = {}

    def keywords() -> None:
        t = time.perf_counter()
        try:
            box["index"] = open_keywords(keywords_in, table, docs, tokenize_many=parallel_tokenizer)
        except BaseException as exc:  # handed to the caller below
            box["error"] = exc
        box["keywords_s"] = time.perf_counter() - t

    worker = threading.Thread(target=keywords, name="keyword-index", daemon=True)
    worker.start()
    if progress is None and len(table) > BATCH:  # one line for the whole build, as long as vectors are built
        progress = progress_line(lambda: "；关键词索引" + ("已完成" if "keywords_s" in box else "构建中"))
    try:
        index = open_index(settings, docs, embedder, rebuild=rebuild, progress=progress, chunks=table)
    finally:
        worker.join()
    if "error" in box:
        index.close()
        raise box["error"]
    t = time.perf_counter()
    if table.chunked or rebuild:
        write_manifest(manifest_path(settings.index_dir),
                       {docs[d].path.name: entry_of(docs[d], chunks=table.stored[d]) for d in table.doc_ids})
    index.timings.update(chunk_s=chunk_s, keywords_s=box["keywords_s"], manifest_s=time.perf_counter() - t)
    return index, box["index"]


def parallel_tokenizer(terms: list[str]):
    """Tokenize many texts in worker processes (each with the documents' terms); few texts here."""

    def many(texts: list[str]) -> list[list[str]]:
        if len(texts) < PARALLEL_OVER:
            return [keyword_tokens(t) for t in texts]
        pieces = [texts[i : i + PIECE] for i in range(0, len(texts), PIECE)]
        log.info("关键词索引：%d 个片段分 %d 批在 %d 个进程中分词", len(texts), len(pieces), WORKERS)
        context = multiprocessing.get_context("spawn")  # a fork of a process running Chroma's threads is unsafe
        with ProcessPoolExecutor(WORKERS, mp_context=context, initializer=add_terms, initargs=(terms,)) as pool:
            return [tokens for piece in pool.map(_tokenize, pieces) for tokens in piece]

    return many


def _tokenize(texts: list[str]) -> list[list[str]]:
    # one object per distinct word: pickled once, so the builder does not hold millions of equal strings
    words: dict[str, str] = {}
    return [[words.setdefault(w, w) for w in keyword_tokens(t)] for t in texts]
