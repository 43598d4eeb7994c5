"""Command line: python -m assistant {calc,rules,...}. Thin: parsing and printing only."""

from __future__ import annotations

import argparse
import json
import sys

from assistant.errors import PolicyError
from assistant.text.inputs import clean_text


def _print_json(data) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _knowledge(settings):
    from assistant.knowledge.base import Knowledge

    return Knowledge.load(settings.corpus_dir)


def _today(settings, date_text: str | None):
    from assistant.knowledge.base import asked_date

    return asked_date(settings.today, date_text)


def cmd_calc(args, settings) -> int:
    from assistant.knowledge.kinds import foreign_amount  # thresholds in another currency: the base is given in it
    from assistant.knowledge.types import Facts
    from assistant.text.amounts import parse_amount
    from assistant.text.formats import format_yuan

    kb = _knowledge(settings)
    rule = kb.rules.get(args.rule)
    on = _today(settings, args.date)
    base = (foreign_amount(args.base, rule.currency) if rule.currency else parse_amount(args.base)) if args.base else None
    if rule.kind == "threshold":
        if base is None:
            raise PolicyError(f"规则 {rule.id} 是投资门槛，请用 --base 给出{rule.base}，例如 --base 1200万元")
        verdict = kb.threshold(rule.id, base)
        if args.json:
            _print_json(verdict.to_dict())
        else:
            print(("✓ " if verdict.met else "✗ ") + verdict.detail)
            print(f"依据{rule.clause}：“{rule.quote}”")
        return 0
    if rule.kind in ("subsidy", "cap_only"):
        calc = kb.calculate(rule.id, base)
    else:  # the kinds of kinds.py: a level, a quantity in the rule's unit, a year of support
        from assistant.knowledge.calculator import compute
        from assistant.knowledge.kinds import number
        from assistant.knowledge.types import Inputs

        quantity = number(args.quantity) if args.quantity else None
        calc = compute(rule, Inputs(base=base, level=args.level, quantity=quantity, year=args.year))
    verdicts = kb.eligibility(rule.id, Facts(date=on), on)
    if args.json:
        _print_json(calc.to_dict())
        return 0
    print(f"{rule.name} · 第{rule.clause}条")
    print(calc.trace)
    print(f"{'最高可获' if rule.kind == 'subsidy' or rule.upper else '可获'}：{format_yuan(calc.amount_yuan)}")
    for note in calc.notes:
        print(f"注：{note}")
    for v in verdicts:
        if v.met is False:
            print(f"注意：{v.detail}")
    print(f"依据{rule.clause}：“{rule.quote}”")
    return 0


def cmd_rules(args, settings) -> int:
    from assistant.text.formats import format_rate, format_yuan

    if args.action == "draft":
        return cmd_rules_draft(args, settings)
    if args.action == "review":
        return cmd_rules_review(args, settings)
    if args.action:
        raise PolicyError(f"未知的 rules 子命令“{args.action}”，可选：draft、review")
    kb = _knowledge(settings)
    rows = []
    for r in kb.rules:
        rows.append({
            "id": r.id,
            "clause": r.clause,
            "kind": r.kind,
            "name": r.name,
            "base": r.base,
            "rate": None if r.rate is None else format(r.rate.normalize(), "f"),
            "cap_yuan": None if r.cap is None else format(r.cap.normalize(), "f"),
            "cap_per": r.cap_per,
            "threshold_yuan": None if r.threshold is None else format(r.threshold.normalize(), "f"),
            "reviewed": r.reviewed,
            "quote": r.quote,
        })
        if not args.json:
            figures = (f"门槛 {format_yuan(r.threshold)}{r.boundary}" if r.kind == "threshold" else
                       f"比例 {format_rate(r.rate) if r.rate is not None else '未规定'} · "
                       f"上限 {format_yuan(r.cap)}（{r.cap_per}）")
            print(f"{r.id}\t{r.clause}\t基数 {r.base or '—'} · {figures}\t{r.name}")
    if args.json:
        _print_json(rows)
    return 0


class ChineseArgumentParser(argparse.ArgumentParser):
    """Usage mistakes get the same one-line Chinese message as every other bad input."""

    def error(self, message: str):
        self.exit(2, f"错误：命令参数有误（{message}），请运行 {self.prog} -h 查看用法\n")


def cmd_rules_draft(args, settings) -> int:
    from assistant.knowledge.documents import document_files, load_document
    from assistant.knowledge.rules_draft import draft_rule_file

    if not args.doc:
        raise PolicyError("请指定文档，如 python -m assistant rules draft corpus/xxx.docx（或文档编号）")
    files = document_files(settings.corpus_dir)
    path = next((p for p in files if args.doc in (p.stem, p.name, str(p))), None)
    from pathlib import Path

    if path is None and not Path(args.doc).is_file():
        known = "、".join(p.stem for p in files) or "（无）"
        raise PolicyError(f"找不到文档“{args.doc}”：语料库中没有这个编号的文档，也没有这个文件。现有文档：{known}")
    doc = load_document(path or Path(args.doc))
    out, drafts = draft_rule_file(doc, force=args.force)
    print(f"已起草 {len(drafts)} 条规则（全部未审核）：{out}")
    for d in drafts:
        figures = " · ".join(f"{k} {v}" for k, v in (("比例", d.rate), ("上限", d.cap), ("门槛", d.threshold)) if v)
        print(f"{d.id}\t{d.clause}\t{d.kind}\t{figures}\t“{d.quote[:40]}”")
    print("请逐条核对原文后把 reviewed 改为 true；未审核的规则不会用于计算。")
    return 0


def cmd_rules_review(args, settings) -> int:
    import getpass

    from assistant.knowledge.review import review

    kb_docs = _knowledge(settings).docs
    if args.doc not in kb_docs:
        raise PolicyError(f"找不到文档“{args.doc}”，现有文档：{'、'.join(kb_docs) or '（无）'}")
    review(kb_docs[args.doc], by=args.by or getpass.getuser(), all_rules=args.all)
    return 0


def cmd_match(args, settings) -> int:
    from pathlib import Path

    from assistant.answering.match import match_profile
    from assistant.text.formats import format_yuan

    try:
        profile = json.loads(Path(args.profile).read_text(encoding="utf-8"))
    except OSError:
        raise PolicyError(f"找不到企业画像文件 {args.profile}") from None
    except ValueError as exc:
        raise PolicyError(f"企业画像文件 {args.profile} 不是合法的 JSON（第{getattr(exc, 'lineno', '?')}行）") from None
    except RecursionError:
        raise PolicyError(f"企业画像文件 {args.profile} 嵌套过深，应为一层的 JSON 对象") from None
    kb = _knowledge(settings)
    matches = match_profile(kb, profile, _today(settings, None))
    if args.json:
        _print_json([m.to_dict() for m in matches])
        return 0
    labels = {"computed": "可申请", "needs_confirm": "需确认", "not_eligible": "条件不符", "needs_input": "待补充", "unreviewed": "未审核"}
    for m in matches:
        amount = format_yuan(m.amount) if m.amount is not None else "—"
        num = f"（{m.doc_number}）" if m.doc_number else ""
        print(f"[{labels[m.status]}] {amount}\t{m.rule.name}\t《{m.doc_title}》{num}{m.rule.clause}")
        if m.calculation:
            print(f"    {m.calculation.trace}")
        if m.note:
            print(f"    {m.note}")
    return 0


def cmd_index(args, settings) -> int:
    from assistant.service import build_index

    bot, _ = build_index(settings, rebuild=args.rebuild)
    index = bot.retriever.index
    state = "已构建" if index.rebuilt else ("已更新" if index.updated else "已是最新，无需重建")
    print(f"索引{state}：{len(bot.kb.docs)} 份文件，{len(index.chunks)} 个片段，向量模型 {bot.embedder.name}，"
          f"位置 {settings.chroma_url or settings.index_dir}")
    return 0


def cmd_add(args, settings) -> int:
    from assistant.knowledge.ingest import add_document
    from assistant.service import build_index

    report = add_document(settings, args.file, force=args.force, replace_reviewed=args.replace_reviewed)
    report.append(f"索引已更新：{build_index(settings)[1] or '无需重建'}")
    for line in report:
        print(line)
    return 0


def _history(path: str | None) -> list[dict]:
    if not path:
        return []
    from pathlib import Path

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        raise PolicyError(f"无法读取对话历史文件 {path}，应为 JSON 列表：[{{\"role\": \"user\", \"content\": \"…\"}}]") from None
    if not isinstance(data, list):
        raise PolicyError(f"对话历史文件 {path} 应为 JSON 列表")
    return data


def cmd_ask(args, settings) -> int:
    from assistant.service import Assistant

    if not args.question.strip():
        raise PolicyError("问题为空，请输入问题，例如：python -m assistant ask \"某项投资1200万元，能补多少？\"")
    if args.date:
        settings.today = _today(settings, args.date).isoformat()
    from pathlib import Path

    # a history file that does not exist yet starts a new conversation
    history = _history(args.history) if args.history and Path(args.history).exists() else []
    answer = Assistant(settings).ask(args.question, history)
    if args.json:
        _print_json(answer.to_dict())
    else:
        print(render_text(answer))
    if args.history:  # the file carries the conversation: the next `ask --history` continues it
        _save_history(args.history, history + [{"role": "user", "content": args.question},
                                               {"role": "assistant", "content": answer.answer}])
    return 0


def render_text(answer) -> str:
    """The answer for a terminal: the answer text, every citation it uses that the text does not
    already quote, and the follow-up questions."""
    lines = [answer.answer]
    missing = [(n, c) for n, c in enumerate(answer.citations, 1) if f"> [{n}] “" not in answer.answer]
    if missing:
        lines += ["", "引用原文："] + [f"[{n}] “{c.quote}”（{c.clause or c.section or c.doc_id}）" for n, c in missing]
    if answer.follow_up:
        lines += ["", "还需要了解："] + [f"· {q}" for q in answer.follow_up]
    return "\n".join(lines)


def _save_history(path: str, turns: list[dict]) -> None:
    from pathlib import Path

    target = Path(path)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        tmp.write_text(json.dumps(turns[-40:], ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(target)
    except OSError as exc:
        raise PolicyError(f"无法写入对话历史文件 {path}：{exc.__class__.__name__}") from None


EXIT_WORDS = {"退出", "再见", "exit", "quit", "q", ":q"}


def cmd_chat(args, settings) -> int:
    """An interactive conversation in the terminal, keeping the history (optionally in a file)."""
    from pathlib import Path

    from assistant.service import Assistant

    if args.date:
        settings.today = _today(settings, args.date).isoformat()
    bot = Assistant(settings)
    history = _history(args.history) if args.history and Path(args.history).exists() else []
    print("政策助手：请输入问题（输入“退出”或按 Ctrl-D 结束）。")
    while True:
        try:
            question = input("\n您：").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            break
        if not question:
            continue
        if question.lower() in EXIT_WORDS:
            break
        answer = bot.ask(question, history)
        print("\n" + render_text(answer))
        history += [{"role": "user", "content": question}, {"role": "assistant", "content": answer.answer}]
        if args.history:
            _save_history(args.history, history)
    return 0



def cmd_draft(args, settings) -> int:
    from pathlib import Path

    from assistant.answering.draft import build_draft, issuer_of, titles_of
    from assistant.service import Assistant

    if not args.inquiry.strip():
        raise PolicyError("来函内容为空，请给出企业的咨询内容，例如：python -m assistant draft \"我公司平台投资1200万元，能补多少？\"")
    if args.date:
        settings.today = _today(settings, args.date).isoformat()
    bot = Assistant(settings)
    answer = bot.ask(args.inquiry)
    draft = build_draft(answer, args.inquiry, titles=titles_of(bot.kb), issuer=issuer_of(bot.kb, answer))
    if not args.out:
        print(draft.to_markdown())
        return 0
    out = Path(args.out)
    if out.suffix.lower() not in (".md", ".docx"):
        raise PolicyError(f"输出文件应以 .md 或 .docx 结尾，实际为 {out.name}")
    if out.suffix.lower() == ".docx":
        draft.to_docx(out)
    else:
        out.write_text(draft.to_markdown(), encoding="utf-8")
    print(f"答复草稿已写入 {out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = ChineseArgumentParser(prog="python -m assistant", description="政策助手命令行")
    sub = p.add_subparsers(dest="command", required=True, parser_class=ChineseArgumentParser)
    c = sub.add_parser("calc", help="按规则计算补贴上限")
    c.add_argument("rule", help="规则编号，见 python -m assistant rules")
    c.add_argument("--base", help="计算基数，如 1200万元、2.5亿")
    c.add_argument("--level", help="级别或档次（分档奖励的规则），如 国家级")
    c.add_argument("--quantity", help="数量（按单位计的规则），如 300（亩）")
    c.add_argument("--year", type=int, help="享受支持的第几年（分年度的规则），如 3")
    c.add_argument("--date", help="询问的日期 YYYY-MM-DD（默认今天）")
    c.add_argument("--json", action="store_true", help="输出 JSON")
    c.set_defaults(func=cmd_calc)
    r = sub.add_parser("rules", help="列出规则；rules draft DOC 起草规则文件；rules review DOC 逐条审核")
    r.add_argument("action", nargs="?", help="draft：为文档起草规则文件；review：逐条审核起草的规则")
    r.add_argument("doc", nargs="?", help="文档路径或编号（用于 draft）")
    r.add_argument("--force", action="store_true", help="覆盖已有规则文件（用于 draft）")
    r.add_argument("--by", help="审核人姓名（用于 review，默认当前用户）")
    r.add_argument("--all", action="store_true", help="连已审核的规则一并复核（用于 review）")
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=cmd_rules)
    a = sub.add_parser("ask", help="提问（离线模式无需模型）")
    a.add_argument("question", help="问题，如“××投资1200万元，能补多少？”")
    a.add_argument("--json", action="store_true", help="按公开约定输出 JSON")
    a.add_argument("--date", help="询问的日期 YYYY-MM-DD（默认今天）")
    a.add_argument("--history", help="对话历史 JSON 文件：先读入作为上下文，回答后把本轮追加进去")
    a.set_defaults(func=cmd_ask)
    ch = sub.add_parser("chat", help="在终端里连续对话（保留上下文，输入“退出”结束）")
    ch.add_argument("--history", help="对话历史 JSON 文件：读入并随每轮更新")
    ch.add_argument("--date", help="询问的日期 YYYY-MM-DD（默认今天）")
    ch.set_defaults(func=cmd_chat)
    d = sub.add_parser("draft", help="起草答复函")
    d.add_argument("inquiry", help="企业来函内容")
    d.add_argument("--out", help="输出文件 reply.md 或 reply.docx（默认打印）")
    d.add_argument("--date", help="询问的日期 YYYY-MM-DD（默认今天）")
    d.set_defaults(func=cmd_draft)
    m = sub.add_parser("match", help="按企业画像匹配所有可能适用的政策措施")
    m.add_argument("profile", help="企业画像 JSON 文件")
    m.add_argument("--json", action="store_true")
    m.set_defaults(func=cmd_match)
    ad = sub.add_parser("add", help="添加政策文件（.txt .md .docx .pdf）到语料库并更新索引")
    ad.add_argument("file")
    ad.add_argument("--force", action="store_true", help="覆盖同名文件（规则未审核的文档）")
    ad.add_argument("--replace-reviewed", action="store_true",
                    help="替换已有审核规则的文档：先备份原文和规则文件，新文本须仍能通过已审核规则的核对")
    ad.set_defaults(func=cmd_add)
    from assistant.search.cli import add_parsers

    add_parsers(sub)
    sub.choices["index"].set_defaults(func=cmd_index)
    return p


def main(argv: list[str] | None = None) -> int:
    from assistant.settings import Settings

    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
    parser = build_parser()
    args = parser.parse_args(argv)
    for name, value in vars(args).items():  # bytes the terminal could not decode arrive as lone surrogates
        if isinstance(value, str):
            setattr(args, name, clean_text(value))
    try:
        return args.func(args, Settings.from_env())
    except PolicyError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into head & co.
        return 0


if __name__ == "__main__":
    sys.exit(main())
