"""Review drafted rules fast: each beside its quote with worked examples, accept / edit / reject.

``python -m assistant rules review STEM`` walks the unreviewed rules of one rule file. An accepted
rule gets ``reviewed: true``, ``reviewed_by`` and ``reviewed_at``; an edit is YAML lines
(``amount: 30万元``) merged into the rule and checked by loading the whole file again (a figure
not in the quote is refused on the spot); a rejected rule is removed. The file's comment header
(with the figures drafting could not express) is kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import yaml

from assistant.errors import PolicyError, RuleError
from assistant.knowledge.calculator import examples
from assistant.knowledge.documents import Document
from assistant.knowledge.kinds import describe, needs
from assistant.knowledge.rules import load_rule_file, rules_path

PROMPT = "[a] 接受  [e] 修改  [r] 删除  [s] 跳过  [q] 保存并退出 > "
NEED = {"base": "金额", "level": "级别", "quantity": "数量", "year": "第几年"}


def _load(path: Path, doc: Document, data: dict) -> list:
    """The rules of ``data``, loaded as the rule file would be; RuleError says what is wrong."""
    tmp = path.with_name(path.name + ".review.tmp")
    try:
        tmp.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return load_rule_file(tmp, doc)[0]
    finally:
        tmp.unlink(missing_ok=True)


def card(rule) -> list[str]:
    """What the reviewer sees for one rule: quote, kind, figures, inputs, worked examples."""
    figures = describe(rule) or " · ".join(f"{k} {v}" for k, v in (("比例", rule.rate_text), ("上限", rule.cap_text),
                                                                    ("门槛", rule.threshold_text)) if v)
    lines = [f"── {rule.id} · {rule.clause} · {rule.kind} · {rule.name}", f"原文：“{rule.quote}”", f"数额：{figures}",
             f"需要用户提供：{'、'.join(NEED[n] for n in needs(rule)) or '无'}"]
    if rule.kind != "threshold":
        lines += [f"  {label} → {result}" for label, result in examples(replace(rule, reviewed=True))]
    return lines


def review(doc: Document, *, by: str, ask: Callable[[str], str] = input, say: Callable[[str], None] = print,
           now: dt.datetime | None = None, all_rules: bool = False) -> dict[str, int]:
    """Interactive review of one document's rule file; returns counts of accepted/edited/rejected/skipped."""
    path = rules_path(doc)
    if not path.exists():
        raise PolicyError(f"{doc.doc_id} 还没有规则文件，请先运行 python -m assistant rules draft {doc.doc_id}")
    text = path.read_text(encoding="utf-8")
    head = []
    for line in text.splitlines(True):
        if not line.startswith("#"):
            break
        head.append(line)
    header = "".join(head)  # the drafting notes, with the figures it could not express
    data = yaml.safe_load(text)
    rules = {r.id: r for r in load_rule_file(path, doc)[0]}
    stamp = (now or dt.datetime.now()).isoformat(timespec="seconds")
    counts = {"accepted": 0, "edited": 0, "rejected": 0, "skipped": 0}
    keep = []
    todo = list(data["rules"])
    while todo:
        raw = todo.pop(0)
        rule = rules.get(raw.get("id"))
        if rule is None or (raw.get("reviewed") is True and not all_rules):
            keep.append(raw)
            continue
        for line in card(rule):
            say(line)
        choice = (ask(PROMPT) or "").strip().lower()[:1]
        if choice == "q":
            keep += [raw, *todo]
            break
        if choice == "r":
            counts["rejected"] += 1
            continue
        if choice == "e":
            say("逐行输入要修改的字段（YAML，如 `amount: 30万元`），空行结束：")
            lines = []
            while (line := ask("  ")).strip():
                lines.append(line)
            try:
                change = yaml.safe_load("\n".join(lines)) or {}
                if not isinstance(change, dict):
                    raise RuleError("修改内容应为“字段: 值”")
                edited = {**raw, **change}
                loaded = _load(path, doc, {**data, "rules": [*keep, edited, *todo]})
                rules[edited["id"]] = next(r for r in loaded if r.id == edited["id"])
            except (RuleError, yaml.YAMLError) as exc:
                say(f"修改未通过核对：{exc}")
                todo.insert(0, raw)
                continue
            counts["edited"] += 1
            todo.insert(0, {**edited, "reviewed": False})
            continue
        if choice == "a":
            counts["accepted"] += 1
            keep.append({**raw, "reviewed": True, "reviewed_by": by, "reviewed_at": stamp})
            continue
        counts["skipped"] += 1
        keep.append(raw)
    data["rules"] = keep
    if keep and all(r.get("reviewed") is True for r in keep):
        data.update(reviewed=True, reviewed_by=by, reviewed_at=stamp)
    path.write_text(header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    say(f"已保存 {path.name}：接受 {counts['accepted']}，修改 {counts['edited']}，删除 {counts['rejected']}，"
        f"跳过 {counts['skipped']}")
    return counts



def pending(doc: Document) -> list:
    """The rules of ``doc``'s rule file that are not reviewed yet (none when it has no rule file)."""
    path = rules_path(doc)
    return [r for r in load_rule_file(path, doc)[0] if not r.reviewed] if path.exists() else []


def decide(doc: Document, rule_id: str, choice: str, *, by: str, change: str = "",
           now: dt.datetime | None = None) -> list[str]:
    """One decision on one drafted rule, as ``review`` takes it (a: accept, e: edit with YAML lines, r: delete),
    saved at once; the other rules are left as they are. Returns what the review said (the card, a refused
    edit's reason, the saved counts)."""
    if choice not in ("a", "e", "r"):
        raise PolicyError(f"未知的审核操作“{choice}”，可选：a 接受、e 修改、r 删除")
    said: list[str] = []
    state = {"current": None, "done": False, "edit": [line for line in change.splitlines() if line.strip()]}

    def say(line: str) -> None:
        said.append(line)
        if line.startswith("── "):
            state["current"] = line[3:].split(" · ", 1)[0]

    def ask(prompt: str) -> str:
        if prompt != PROMPT:  # the lines of an edit, then the empty line that ends it
            return state["edit"].pop(0) if state["edit"] else ""
        if state["done"]:
            return "q"
        if state["current"] != rule_id:
            return "s"
        state["done"] = True
        return choice

    review(doc, by=by, ask=ask, say=say, now=now)
    if not state["done"]:
        raise PolicyError(f"没有待审核的规则 {rule_id}（可能已审核或已删除）")
    return said
