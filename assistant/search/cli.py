"""The ``index`` and ``search`` commands of ``python -m assistant``: parsing and printing only."""

from __future__ import annotations

import json
import sys


def add_parsers(subparsers) -> None:
    """Register ``index [--rebuild]`` and ``search "问题" [--k 5] [--json]``."""
    p = subparsers.add_parser("index", help="构建或检查检索索引（语料或向量模型变化时自动重建）")
    p.add_argument("--rebuild", action="store_true", help="无论是否过期都重建索引")
    # its handler is ``__main__.cmd_index``: building every part of the index needs the whole assistant
    s = subparsers.add_parser("search", help="检索政策原文，返回带引文的段落")
    s.add_argument("query", help="要检索的问题，如“REITs有什么支持”")
    s.add_argument("--k", type=_positive, default=5, help="返回的段落数（默认 5）")
    s.add_argument("--json", action="store_true", help="输出 JSON（每段含 doc_id、clause、section、quote、start、end、score）")
    s.set_defaults(func=cmd_search)


def _positive(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--k 应为正整数，实际为“{text}”") from None
    if not 1 <= value <= 50:
        raise argparse.ArgumentTypeError(f"--k 应在 1 到 50 之间，实际为 {value}")
    return value


def cmd_search(args, settings) -> int:
    from assistant.search.build import retriever_from_settings

    retriever = retriever_from_settings(settings)
    results = retriever.search(args.query, k=args.k)
    if results.notice:
        print(f"注意：{results.notice}", file=sys.stderr)
    if args.json:
        print(json.dumps([p.to_dict() for p in results], ensure_ascii=False, indent=2))
        return 0
    if not results:
        print("没有找到相关条款。")
        return 0
    for rank, p in enumerate(results, start=1):
        where = " · ".join(x for x in (p.clause, p.section) if x)
        print(f"{rank}. {where}  （{p.doc_id} {p.start}-{p.end}，得分 {p.score:.3f}）")
        print(f"   “{p.quote}”")
    return 0
