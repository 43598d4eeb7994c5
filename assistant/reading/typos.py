"""A measure's name typed with one slip of the keyboard ("场景试验室", "平抬建设", "场景实验师"): one character replaced
inside the name, or at its edge by one of the same sound (a pinyin keyboard's slip), where the question's words begin and end; never a word of the dictionary in its own right (民营企业
beside 民口企业) nor part of a longer word ("智能制造行业协会" holds no "智能制造企业")."""

from __future__ import annotations

from assistant.knowledge.aliases import _tokenizer
from assistant.knowledge.aliases import edges as word_edges


def _typo(low: str, alias: str) -> bool:
    """``alias`` (4+ Chinese characters) occurs in ``low`` with exactly one character replaced."""
    return typo_of(low, alias) is not None


def typo_of(low: str, alias: str) -> str | None:
    """The span of ``low`` that is ``alias`` with exactly one character replaced, or None. The replaced
    character is inside the alias: a different first or last character is another word's edge ("的孵化器"
    is not a mistyped "和孵化器"); and the span begins and ends where the question's words do ("智能制造行业协会"
    holds no mistyped "智能制造企业": its 行业 belongs to 行业协会)."""
    n = len(alias)
    if n < 4 or alias.isascii():
        return None
    edges = None
    for i in range(len(low) - n + 1):
        wrong = [j for j, (x, y) in enumerate(zip(low[i : i + n], alias, strict=True)) if x != y]
        if len(wrong) == 1 and (0 < wrong[0] < n - 1 or _homophone(low[i + wrong[0]], alias[wrong[0]])) \
                and not _is_word(low[i : i + n]):
            edges = edges if edges is not None else word_edges(low)
            if i in edges and i + n in edges:
                return low[i : i + n]
    return None


def _homophone(typed: str, meant: str) -> bool:
    """Two characters of one syllable, whatever the tone (师 for 室): the slip a pinyin keyboard makes, at the
    edge of a name too."""
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(typed, style=Style.NORMAL) == lazy_pinyin(meant, style=Style.NORMAL) and typed != meant


def _is_word(span: str) -> bool:
    """A word of the dictionary in its own right (民营企业 beside the alias 民口企业): no mistyped name."""
    return bool(getattr(_tokenizer(), "FREQ", {}).get(span))
