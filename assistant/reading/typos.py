"""A measure's name typed with one slip of the keyboard ("场景试验室", "平抬建设"): one character replaced inside
the name, by one that sounds like it or makes no word of its own; never a word of the dictionary in its own
right (民营企业 beside 民口企业) nor another word ("智能制造行业" is not "智能制造企业")."""

from __future__ import annotations

from assistant.knowledge.aliases import _tokenizer


def _typo(low: str, alias: str) -> bool:
    """``alias`` (4+ Chinese characters) occurs in ``low`` with exactly one character replaced."""
    return typo_of(low, alias) is not None


def typo_of(low: str, alias: str) -> str | None:
    """The span of ``low`` that is ``alias`` with exactly one character replaced, or None. The replaced
    character is inside the alias: a different first or last character is another word's edge ("的孵化器"
    is not a mistyped "和孵化器")."""
    n = len(alias)
    if n < 4 or alias.isascii():
        return None
    for i in range(len(low) - n + 1):
        wrong = [j for j, (x, y) in enumerate(zip(low[i : i + n], alias, strict=True)) if x != y]
        if len(wrong) == 1 and 0 < wrong[0] < n - 1 and not _is_word(low[i : i + n]) \
                and not _another_word(low[i : i + n], alias, wrong[0]):
            return low[i : i + n]
    return None


def _another_word(span: str, alias: str, at: int) -> bool:
    """The typed character makes a word of its own with its neighbours, and does not sound like the one
    meant: another word, no slip of the keyboard ("智能制造行业" is not "智能制造企业"; "场景试验室" still is
    "场景实验室", 试 and 实 sounding alike)."""
    from pypinyin import lazy_pinyin

    if lazy_pinyin(span[at]) == lazy_pinyin(alias[at]):
        return False
    start = 0
    for word in _tokenizer().lcut(span):
        if start <= at < start + len(word):
            return len(word) >= 2 and _is_word(word)
        start += len(word)
    return False


def _is_word(span: str) -> bool:
    """A word of the dictionary in its own right (民营企业 beside the alias 民口企业): no mistyped name."""
    return bool(getattr(_tokenizer(), "FREQ", {}).get(span))
