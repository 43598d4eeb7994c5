"""Adding a policy document: validate first, then copy into the corpus, write its metadata, update the index.

A file that cannot be read or parsed raises before anything is written, so a bad file leaves
the corpus and the index untouched.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from .corpus import SUFFIXES, load_document, missing_meta
from .errors import CorpusError
from .settings import Settings

ASK = {"title": "标题 title", "valid_from": "施行日期 valid_from（YYYY-MM-DD）", "valid_to": "有效期截止日期 valid_to（YYYY-MM-DD）"}


def add_document(settings: Settings, file: str | Path, *, force: bool = False, update_index: bool = True) -> list[str]:
    src = Path(file)
    if not src.is_file():
        raise CorpusError(f"找不到文件 {src}")
    if src.suffix.lower() not in SUFFIXES:
        raise CorpusError(f"不支持的文件类型 {src.name}，只接受 {'、'.join(SUFFIXES)}")
    doc = load_document(src)  # parse before touching the corpus: errors leave it as it was
    corpus = Path(settings.corpus_dir)
    dest = corpus / src.name
    clash = [p for p in corpus.glob(f"{src.stem}.*") if p.suffix.lower() in SUFFIXES and p != dest]
    if clash:
        raise CorpusError(f"语料库中已有同名文档 {clash[0].name}，请改名后再添加")
    if dest.exists() and not force and dest.resolve() != src.resolve():
        raise CorpusError(f"语料库中已有 {dest.name}；如需替换请加 --force")
    if dest.resolve() != src.resolve():
        shutil.copy2(src, dest)
    report = [f"已添加《{doc.meta.title}》→ {dest}（{len(doc.measures)} 个条款）"]
    meta_path = dest.with_name(f"{dest.stem}.meta.yaml")
    if not meta_path.exists():
        m = doc.meta
        meta_path.write_text(
            "# 由 python -m assistant add 生成：请核对；空着的字段必须人工填写，系统不会猜测。\n"
            + yaml.safe_dump({"doc_id": m.doc_id, "title": m.title, "issuers": list(m.issuers),
                              "doc_number": m.doc_number, "region": m.region,
                              "valid_from": m.valid_from.isoformat() if m.valid_from else "",
                              "valid_to": m.valid_to.isoformat() if m.valid_to else "",
                              "source": str(src.name)}, allow_unicode=True, sort_keys=False),
            encoding="utf-8")
        report.append(f"已生成元数据文件 {meta_path.name}")
    for key in missing_meta(load_document(dest).meta):
        report.append(f"请在 {meta_path.name} 中填写{ASK[key]}：原文未写明，系统不做猜测")
    report.append(f"如需计算补贴，请运行 python -m assistant rules draft {dest.stem} 起草规则并人工审核")
    if update_index:
        report.append(refresh_index(settings))
    return report


def refresh_index(settings: Settings) -> str:
    """Bring the search index up to date with the corpus (only changed documents are re-embedded)."""
    from .corpus import load_corpus
    from .embeddings import make_embedder
    from .index import open_index

    docs = load_corpus(settings.corpus_dir)
    index = open_index(settings, docs, make_embedder(settings.embedding, settings))
    try:
        return f"索引已更新：{index.reason or '无需重建'}"
    finally:
        index.close()
