"""The data types the wings share: what a question says of the firm (``Facts``), what it gives a rule
(``Inputs``), and what the calculators return (``Calculation``, ``Verdict``), serialised in one place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal

from assistant.knowledge.documents import Citation
from assistant.text.formats import format_plain_yuan


@dataclass(frozen=True)
class Facts:
    """What we know about the enterprise and project; None means not known."""

    registered_in: str | None = None
    industry: str | None = None
    not_registered_in: str | None = None  # "我们不是北京的企业": where the firm is *not* registered
    project_in_library: bool | None = None
    uses_listed_products: bool | None = None
    serves_third_parties: bool | None = None  # a platform open to outside firms, not only its owner's group
    applicant: str | None = None  # a non-enterprise applicant ("高校", "事业单位"): not a firm the policy supports
    date: dt.date | None = None
    year_offset: int | None = None  # "明年申请": the application's year after the day asked (0 今年)
    # yes/no facts a rule file defines beyond the fields above (a flag condition's ``fact``), sorted by name
    other: tuple[tuple[str, bool], ...] | None = None

    def flag(self, name: str) -> bool | None:
        if name in _FACT_FIELDS:
            return getattr(self, name)
        return dict(self.other or ()).get(name)

    @classmethod
    def of(cls, values: dict) -> Facts:
        """Facts from a name → value mapping; a name that is not a field is a rule file's yes/no fact."""
        known = {k: v for k, v in values.items() if k in _FACT_FIELDS}
        other = {k: bool(v) for k, v in values.items() if k not in _FACT_FIELDS and v is not None}
        return cls(**known, other=tuple(sorted(other.items())) or None)

    def merged(self, new: Facts) -> Facts:
        """These facts with every fact ``new`` states put over them (later statements win)."""
        values = {k: v for k, v in new.__dict__.items() if v is not None and k != "other"}
        both = {**dict(self.other or ()), **dict(new.other or ())}
        return replace(self, **values, other=tuple(sorted(both.items())) or None)


_FACT_FIELDS = frozenset(f.name for f in fields(Facts)) - {"other"}


@dataclass(frozen=True)
class Calculation:
    rule_id: str
    clause: str
    base_yuan: Decimal | None
    rate: Decimal | None
    cap_yuan: Decimal | None
    amount_yuan: Decimal
    capped: bool
    trace: str
    citation: Citation
    notes: tuple[str, ...] = ()
    low_yuan: Decimal | None = None  # a range's other end (最低)
    selected: str = ""  # what the user's facts selected: a level, a band, a year, a tier

    def to_dict(self) -> dict:
        return {
            "rule_id": self.rule_id,
            "clause": self.clause,
            "base_yuan": None if self.base_yuan is None else format_plain_yuan(self.base_yuan),
            "rate": None if self.rate is None else _plain(self.rate),
            "cap_yuan": None if self.cap_yuan is None else format_plain_yuan(self.cap_yuan),
            "amount_yuan": format_plain_yuan(self.amount_yuan),
            "capped": self.capped,
            "trace": self.trace,
        }


@dataclass(frozen=True)
class Verdict:
    criterion: str
    met: bool | None
    clause: str | None
    detail: str
    citation: Citation | None = None
    ask: str = field(default="", compare=False)

    def to_dict(self) -> dict:
        return {"criterion": self.criterion, "met": self.met, "clause": self.clause, "detail": self.detail}


@dataclass(frozen=True)
class Inputs:
    """What a question gives a rule: an amount (base), a level or tier label, a quantity in the
    rule's unit, a year of support (1 = the first). None: not given."""

    base: Decimal | None = None
    level: str | None = None
    quantity: Decimal | None = None
    year: int | None = None
    held: str | None = None  # a lower level already awarded: only the difference is paid (差额补助)


def _plain(d: Decimal) -> str:
    s = format(d.normalize(), "f")
    return s
