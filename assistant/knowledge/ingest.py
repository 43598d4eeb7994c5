"""Adding a policy document: validate first, then copy into the corpus, write its metadata, update the index.

A file that cannot be read or parsed raises before anything is written, so a bad file leaves
the corpus and the index untouched. A document whose rule file holds reviewed rules is never
overwritten by ``--force``: replacing it takes ``--replace-reviewed``, the new text must still pass
every check of the reviewed rules (otherwise nothing changes), and the previous text and rule file
are kept under ``corpus/.backup/``.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import yaml

from assistant.errors import CorpusError, PolicyError
from assistant.knowledge.documents import SUFFIXES, load_document, missing_meta
from assistant.knowledge.structure import read_structure
from assistant.settings import Settings

BACKUP_DIR = ".backup"  # inside the corpus folder; hidden, so never loaded as a document

ASK = {"title": "标题 title", "valid_from": "施行日期 valid_from（YYYY-MM-DD）", "valid_to": "有效期截止日期 valid_to（YYYY-MM-DD）"}


def add_document(settings: Settings, file: str | Path, *, force: bool = False, replace_reviewed: bool = False) -> list[str]:
    """Validate ``file`` and copy it into the corpus with its metadata; returns the report lines.
    The search index is not touched here: the caller refreshes it (``search.index.refresh_index``)."""
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
    report = []
    if dest.exists() and dest.resolve() != src.resolve():
        rules = dest.with_name(f"{dest.stem}.rules.yaml")
        if has_reviewed_rules(rules):
            if not replace_reviewed:
                raise CorpusError(f"语料库中的 {dest.name} 已有审核过的规则（{rules.name}），不能用 --force 覆盖；"
                                  "确需替换请加 --replace-reviewed（会先备份原文和规则文件）")
            check_rules_still_load(src, dest, rules)  # refuses, changing nothing, if the rules would break
            report.append(f"已备份原文和规则文件到 {backup([dest, rules], corpus)}")
        elif not (force or replace_reviewed):
            raise CorpusError(f"语料库中已有 {dest.name}；如需替换请加 --force")
        else:
            if rules.exists():
                check_rules_still_load(src, dest, rules)
            report.append(f"已备份原文到 {backup([dest, rules], corpus)}")
    if dest.resolve() != src.resolve():
        shutil.copy2(src, dest)
    report.insert(0, f"已添加《{doc.meta.title}》→ {dest}（{len(doc.measures)} 个条款）")
    report[1:1] = [f"注意：{w}" for w in read_structure(doc.text, src.name).warnings]
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
    return report


def has_reviewed_rules(path: Path) -> bool:
    """Whether a rule file marks the file or any of its rules ``reviewed: true`` (an unreadable file counts)."""
    if not path.exists():
        return False
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return True  # cannot tell: treat as reviewed, the safe side
    if not isinstance(data, dict):
        return True
    rules = data.get("rules") if isinstance(data.get("rules"), list) else []
    return data.get("reviewed") is True or any(isinstance(r, dict) and r.get("reviewed") is True for r in rules)


def check_rules_still_load(src: Path, dest: Path, rules: Path) -> None:
    """Load the document's rules (reviewed or not: every rule file is checked at load) against the new text as it would sit in the corpus (its name, the
    existing metadata); a rule whose quote or figure no longer matches refuses the replacement."""
    from assistant.knowledge.rules import load_rule_file

    with tempfile.TemporaryDirectory() as tmp:
        trial = Path(tmp) / dest.name
        shutil.copy2(src, trial)
        meta = dest.with_name(f"{dest.stem}.meta.yaml")
        if meta.exists():
            shutil.copy2(meta, trial.with_name(meta.name))
        try:
            load_rule_file(rules, load_document(trial))
        except PolicyError as exc:
            raise CorpusError(f"新文本与规则文件 {rules.name} 不符，未做任何更改（替换后计算和问答都会失败）：{exc}") from None


def backup(paths: list[Path], corpus: Path) -> Path:
    """Copy the existing ``paths`` to ``corpus/.backup/<time>/``; returns that folder."""
    folder = corpus / BACKUP_DIR / dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    folder.mkdir(parents=True)
    for path in paths:
        if path.exists():
            shutil.copy2(path, folder / path.name)
    return folder
