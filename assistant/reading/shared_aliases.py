"""Aliases that name no one measure: words many documents share (企业, 符合, 服务), and words a whole document
is about (智能制造 in a text on smart manufacturing). Drafted from a clause's words, they would route any question
that uses them; the first are dropped, the second only lean towards a measure as hints.
"""

from __future__ import annotations

import dataclasses
import math
import re

from assistant.knowledge.base import Knowledge

# a name that is only money (专项资金, 引导基金, 资金支持) says what is paid, not for what
MONEY_NAME = re.compile(r"(?:资金|基金|经费|补助|补贴|奖励|支持|资助)$")
COMMON_SHARE = 0.25  # an alias found in this share of the documents with measures (3 at least) names none of them


def _without_common_aliases(targets: list, kb: Knowledge) -> list:
    """Aliases many documents share (企业, 符合, 服务, 材料, 省级) name no one measure: drafted from a clause's
    words, they would route any question with them; they are dropped, except a measure's own name. With one
    document nothing is."""
    owners = sorted({t.doc_id for t in targets})
    limit = max(3, math.ceil(COMMON_SHARE * len(owners)))
    if len(owners) < limit:
        return targets
    texts = [kb.docs[d].text.lower() for d in owners if d in kb.docs]
    common = {a for t in targets for a in t.aliases if sum(1 for x in texts if _in_text(a.lower(), x)) >= limit}
    own = _document_words(targets, kb)
    if not common and not own:
        return targets
    out = []
    for t in targets:
        # the measure's own name stays its alias: 高新技术企业, mentioned by many documents, is what "对首次创建为
        # 高新技术企业的，给予20万元" pays for
        kept = [a for a in t.aliases if a not in common or (t.rule is not None and a == t.rule.name
                                                            and not MONEY_NAME.search(a))]
        named = [a for a in kept if (t.doc_id, a) not in own]
        if named:  # a word of the whole document only leans towards a measure with a name of its own, as a hint
            t = dataclasses.replace(t, aliases=tuple(named), hints=(*t.hints, *(a for a in kept if a not in named)))
        else:
            t = dataclasses.replace(t, aliases=tuple(kept))
        out.append(t)
    return out


def _in_text(alias: str, text: str) -> bool:
    """The alias occurs in the text; a two-character one only as a word of it (人工 is not in 人工智能), judged
    on the few characters around each occurrence."""
    if len(alias) > 2 or alias.isascii():
        return alias in text
    from assistant.search.retrieval import _tokenizer

    for m in re.finditer(re.escape(alias), text):
        start = max(0, m.start() - 4)
        at, cut = start, set()
        for w in _tokenizer().lcut(text[start : m.end() + 4]):
            cut.add((at, at + len(w)))
            at += len(w)
        if (m.start(), m.end()) in cut:
            return True
    return False


OWN_SHARE = 1 / 3  # an alias in this share of its own document's measures (4 at least) is the document's subject


def _document_words(targets: list, kb: Knowledge) -> set[tuple[str, str]]:
    """(document, alias) pairs where the alias is what the whole document is about (智能制造 in a text on
    smart manufacturing): found in a third of its measures and at least four, it names none of them alone."""
    out: set[tuple[str, str]] = set()
    for d in {t.doc_id for t in targets}:
        doc = kb.docs.get(d)
        if doc is None:
            continue
        measures = [u.text.lower() for u in doc.units if u.kind == "measure"]
        limit = max(4, math.ceil(OWN_SHARE * len(measures)))
        for a in {a for t in targets if t.doc_id == d for a in t.aliases}:
            if sum(1 for m in measures if a.lower() in m) >= limit:
                out.add((d, a))
    return out
