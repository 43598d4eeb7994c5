"""Which documents a question can be answered from, by the places it names.

Every document has a *chain* of places, broad to narrow, read from its own title, region and issuers
("广州市天河区…" → 广东 › 广州 › 天河; "东莞市…" → 广东 › 东莞). A question that names a place (天河, 梅州,
"我们是大连的企业") can be answered from a document at that place, above it (the city's, the province's)
or below it (a district of the city it names), never from another place's: a Meizhou firm is not under
Guangzhou's measures, a Dalian firm not under Beijing's. A question that names no place, or only places
no document and no region of the lexicon knows, is not narrowed.
"""

from __future__ import annotations

import re
from collections import Counter

from assistant.knowledge.base import Knowledge

BODY_MIN = 3  # a document without a place in its title and metadata is at the place its text names this often
# A county, district or zone the issuing body or the title names by itself ("巫山县人民政府", "重庆市万盛经开区管委会",
# "关于印发某某县…"), though no list of places has it.
LOCAL = re.compile(r"(?:^|关于印发|关于|印发|[省市])([\u4e00-\u9fff]{2,3}?)(?:县|区|旗|经开区|新区|高新区|开发区)"
                   r"(?=人民政府|政府|管委会|管理委员会|委员会|[\u4e00-\u9fff]{0,12}(?:办法|细则|措施|政策|通知|规定|意见))")
NOT_LOCAL = {"自贸", "示范", "试验", "保税", "综合", "园区", "开发", "高新", "经济", "本", "全", "各", "城"}


# a follow-up that names a place and nothing else: "那北京的呢", "换成天津呢", "如果是上海的话？"
ELSEWHERE = re.compile(r"(?:那|那么|那如果是|如果是|换成|那换成|那在)?\s*(?P<place>[\u4e00-\u9fff]{2,6}?)(?:市|省)?"
                       r"(?:的话|的|这边|那边)?\s*(?:呢|吗)?\s*[？?。!！]*")


class Places:
    """The place chains of one Knowledge's documents, and the documents a question's places allow."""

    def __init__(self, kb: Knowledge):
        self.kb = kb
        self.chains = {d: self._chain(doc) for d, doc in kb.docs.items()}
        names = {n for chain in self.chains.values() for n in chain}
        names |= {n for n, _ in kb.lexicon.place_names() if len(n) >= 2 and not n.isascii()}
        self.names = sorted(names, key=len, reverse=True)

    def _chain(self, doc) -> tuple[str, ...]:
        lexicon = self.kb.lexicon
        meta = doc.meta
        found = _occurrences(" ".join([meta.title, meta.region, *meta.issuers]), lexicon)
        if not found:  # a text copied without its title: the place its own words name most
            body = sorted(_occurrences(doc.text, lexicon))
            counts = Counter(name for _, name in body)
            found = [(at, name) for at, name in body if counts[name] >= BODY_MIN]
        chain: list[str] = []
        first = None
        local = _local(meta)
        for _, name in sorted(found):
            region = lexicon.region_of(name)
            first = first or region
            if region != first:
                continue  # the document is of the place its title names first ("重庆市万盛经开区": not Beijing's 经开区)
            if region and region != name and region not in chain and lexicon.region_of(region) == region:
                chain.append(region)
            if name not in chain:
                chain.append(name)
        if len(chain) == 1 and not local:
            chain += self._below(doc, chain[0])
        if local and local not in chain and (not chain or lexicon.region_of(local) in (None, local, chain[0])):
            chain.append(local)
        return tuple(chain)

    def _below(self, doc, region: str) -> list[str]:
        """A province-wide title or metadata, with a text about one of its cities ("东莞市…" throughout a
        list titled by its subject only): the place of that region the text names most, at least BODY_MIN times."""
        counts = Counter(name for _, name in _occurrences(doc.text, self.kb.lexicon)
                         if name != region and self.kb.lexicon.region_of(name) == region)
        best = counts.most_common(2)
        if best and best[0][1] >= BODY_MIN and (len(best) < 2 or best[0][1] > best[1][1]):
            return [best[0][0]]
        return []

    def named(self, text: str) -> list[str]:
        """The places ``text`` names, longest first, each once (a name inside a longer one is not counted)."""
        rest, out = text, []
        for name in self.names:
            if name in rest:
                out.append(name)
                rest = rest.replace(name, "|")
        return out

    def asked_again(self, text: str, earlier: str) -> str | None:
        """"那北京的呢" after "上海的人才补贴有哪些": the earlier question, asked of the place this message names
        and nothing else, or None."""
        m = ELSEWHERE.fullmatch(text.strip())
        if not m or m["place"] not in self.kb.lexicon.places and not self.named(m["place"]):
            return None
        before = [n for n in self.named(earlier) if n != m["place"]]
        return earlier.replace(before[0], m["place"], 1) if before else None

    def lineage(self, place: str) -> tuple[str, ...]:
        """The chain above and at ``place``: from a document that names it, else its region from the lexicon."""
        for chain in self.chains.values():
            if place in chain:
                return chain[: chain.index(place) + 1]
        region = self.kb.lexicon.region_of(place)
        if region and region != place and region in self.kb.lexicon.places:
            return (region, place)
        return (place,) if region in self.kb.lexicon.places else ()

    def allowed(self, texts: list[str], registered_in: str | None = None) -> set[str] | None:
        """Documents the places of ``texts`` (the message, then earlier ones when it names none) allow;
        None when no place narrows them."""
        places = [registered_in] if registered_in else []
        for text in texts:
            places += self.named(text)
            if places:
                break
        # "东莞的企业，买了广东本省的机器人": of places in one line, the narrowest says where the firm is
        lines = {p: self.lineage(p) for p in places}
        places = [p for p in places if not any(q != p and p in lines[q] for q in places)]
        allowed: set[str] = set()
        known = False
        for place in dict.fromkeys(places):
            line = self.lineage(place)
            here = {doc_id for doc_id, chain in self.chains.items() if chain and (place in chain or set(chain) <= set(line))}
            if not line or not here:
                continue  # a place no document is at: the documents' own conditions say whether it can apply
            known = True
            # at the place, below it, above it, or of no place at all
            allowed |= here | {doc_id for doc_id, chain in self.chains.items() if not chain}
        if not known or allowed == set(self.chains):
            return None
        return allowed


def _local(meta) -> str | None:
    for text in (*meta.issuers, meta.title):
        m = LOCAL.search(text)
        if m and m[1] not in NOT_LOCAL and not m[1].endswith(("印发", "关于", "地")):  # 临港地区 is an area
            return m[1]
    return None


def _occurrences(text: str, lexicon) -> list[tuple[int, str]]:
    """(offset, name) of every place of the lexicon in ``text``, longest names first (广州 inside 广州市天河区
    is one occurrence, 天河 another; 滨海新区 is not also 滨海)."""
    found: list[tuple[int, str]] = []
    rest = text
    for name, _ in lexicon.place_names():
        if len(name) < 2 or name.isascii():
            continue
        at = rest.find(name)
        while at >= 0:
            found.append((at, name))
            rest = rest[:at] + "|" * len(name) + rest[at + len(name):]
            at = rest.find(name, at + len(name))
    return found
