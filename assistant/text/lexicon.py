"""General knowledge for reading questions: places, industry sections, subjects no policy covers.

Loaded from ``corpus/lexicon.yaml`` (one file for every policy); a missing file gives an empty
lexicon, so facts stay unknown rather than guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from assistant.errors import RuleError

LEXICON_FILE = "lexicon.yaml"


@dataclass(frozen=True)
class Lexicon:
    places: dict[str, tuple[str, ...]] = field(default_factory=dict)  # region -> names within it
    sectors: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)  # code -> (name, words)
    lenders: tuple[str, ...] = ()
    not_bases: tuple[str, ...] = ()  # figures about the firm that are never a subsidy base
    subjects: dict[str, tuple[str, ...]] = field(default_factory=dict)  # kind -> words
    applicants: dict[str, tuple[str, ...]] = field(default_factory=dict)  # non-enterprise kind -> words
    other_policies: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (where such questions go, words)

    @classmethod
    def load(cls, corpus_dir: Path) -> Lexicon:
        path = Path(corpus_dir) / LEXICON_FILE
        if not path.exists():
            return cls()
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise RuleError(f"无法读取通用词表 {path.name}：{exc.__class__.__name__}") from None
        if not isinstance(data, dict):
            raise RuleError(f"通用词表 {path.name} 应为 YAML 映射")
        try:
            places = {str(k): tuple(str(w) for w in v) for k, v in (data.get("places") or {}).items()}
            sectors = {str(k): (str(v["name"]), tuple(str(w) for w in v["words"]))
                       for k, v in (data.get("sectors") or {}).items()}
            subjects = {str(k): tuple(str(w) for w in v) for k, v in (data.get("subjects") or {}).items()}
            lenders = tuple(str(w) for w in data.get("lenders") or ())
            not_bases = tuple(str(w) for w in data.get("not_bases") or ())
            other = tuple((str(o["where"]), tuple(str(w) for w in o.get("words") or ()))
                          for o in data.get("other_policies") or ())
            applicants = {str(k): tuple(str(w) for w in v) for k, v in (data.get("applicants") or {}).items()}
        except (AttributeError, KeyError, TypeError):
            raise RuleError(f"通用词表 {path.name} 格式有误：places/sectors/subjects 应为映射和列表") from None
        return cls(places, sectors, lenders, not_bases, subjects, applicants, other)

    def region_of(self, place: str | None) -> str | None:
        """The region a place belongs to ("海淀" -> "北京"); the place itself when unknown."""
        if not place:
            return None
        name = place.removesuffix("市").removesuffix("省")
        for region, names in self.places.items():
            if name == region or name in names:
                return region
        for region, names in self.places.items():
            if any(n in name for n in names if len(n) > 1):
                return region
        return name

    def place_names(self) -> list[tuple[str, str]]:
        """(name, region) pairs, longest name first, for finding places in text."""
        pairs = [(n, region) for region, names in self.places.items() for n in (region, *names) if len(n) > 1]
        return sorted(dict.fromkeys(pairs), key=lambda p: -len(p[0]))

    def sector_of(self, trade: str | None) -> str | None:
        """The industry section of a trade as people name it ("拉面馆" -> "H"), or None."""
        if not trade:
            return None
        best = None
        for code, (_, words) in self.sectors.items():
            for w in words:
                if w.lower() in trade.lower() and (best is None or len(w) > best[0]):
                    best = (len(w), code)
        return best[1] if best else None

    def sector_name(self, code: str | None) -> str:
        return self.sectors[code][0] if code in self.sectors else ""

    def applicant_words(self) -> list[tuple[str, str]]:
        """(word, kind) pairs of non-enterprise applicants, longest first."""
        pairs = [(w, kind) for kind, words in self.applicants.items() for w in words]
        return sorted(pairs, key=lambda p: -len(p[0]))

    def trade_words(self) -> list[tuple[str, str]]:
        """(word, section) pairs, longest first."""
        pairs = [(w, code) for code, (_, words) in self.sectors.items() for w in words]
        return sorted(pairs, key=lambda p: -len(p[0]))


_DEFAULT: Lexicon | None = None


def default_lexicon() -> Lexicon:
    """The lexicon shipped in the project's own corpus/ (for callers without a Knowledge)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Lexicon.load(Path(__file__).resolve().parents[2] / "corpus")
    return _DEFAULT
