"""What a round implies: post- and pre-money, each investor's stake, and positions across rounds.

Which rounds count:

- *abandoned* rounds don't count at all (``counted`` is False; they get no stakes and dilute nobody);
- *rumored*, *in talks* and *term sheet* rounds give **pro forma** figures — what would hold if the round
  closed ("if this closes, NVIDIA would hold up to 3.75 %"); positions include them only in the pro-forma
  view (``include_pro_forma=True``);
- *announced* and *closed* rounds count as fact.

Which money buys shares (the round type and each participation's instrument):

- debt (round types in :data:`NO_SHARES`, instrument ``debt``), grants and non-equity assistance create no
  shares: no stake, no dilution; their money still counts in the round's amount;
- secondary sales (:data:`SECONDARY`) move existing shares: the buyer's stake is amount ÷ valuation, nobody is
  diluted and the post-money is the pre-money (no new money enters the company);
- a participation that is withdrawn or whose condition failed counts zero; one with a pending condition keeps
  its figures pro forma, listed in ``RoundOut.conditional``, and counts only in pro-forma positions.

Formulas (all on Estimates, carrying bounds): post-money = given, or pre-money + new money (the amount less
the money that buys no new shares); pre-money = given, or post-money − new money; with neither, pre-money =
price per share × shares outstanding when both are known. A stake = its amount ÷ post-money, lowest at the low
amount over the high post-money. Stakes are diluted by each later counted round by the factor 1 − new money ÷
post-money (or pre ÷ post when the new money is unknown), which keeps the bounds tight because new money and
post-money are not independent.

Amounts are expected in one currency per call: the caller converts before calling (the price per share too).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, getcontext, localcontext
from typing import Any

from deals.engine.estimates import Estimate, _Interval, total

#: Round statuses whose figures are pro forma: they hold only if the round closes.
PENDING = frozenset({"rumored", "in_talks", "term_sheet"})
#: Round types whose money buys no shares at all.
NO_SHARES = frozenset({"debt_financing", "post_ipo_debt", "grant", "non_equity_assistance"})
#: Round types that move existing shares from a seller to a buyer.
SECONDARY = frozenset({"secondary_market", "post_ipo_secondary"})
#: Participation instruments that buy no shares, whatever the round.
NO_SHARE_INSTRUMENTS = frozenset({"debt"})
ONE = _Interval(Decimal(1), Decimal(1), Decimal(1))
UNBOUNDED = _Interval(Decimal(0), None, None)


@dataclass(frozen=True)
class ConditionIn:
    """A condition a participation depends on: ``pending``, ``met``, ``waived`` or ``failed``."""

    id: int
    kind: str
    description: str
    status: str = "pending"


@dataclass(frozen=True)
class ParticipationIn:
    id: int
    investor_id: int
    amount: Estimate | None
    status: str = "committed"
    instrument: str = "equity"
    conditions: tuple[ConditionIn, ...] = ()

    @property
    def counts(self) -> bool:
        """Whether its money counts: known, not withdrawn, and no condition of it failed."""
        return (
            self.amount is not None
            and self.status != "withdrawn"
            and not any(c.status == "failed" for c in self.conditions)
        )

    @property
    def pending_conditions(self) -> tuple[ConditionIn, ...]:
        return tuple(c for c in self.conditions if c.status == "pending")


@dataclass(frozen=True)
class RoundIn:
    id: int
    target_id: int
    status: str
    date: datetime.date | None
    amount: Estimate | None
    pre_money: Estimate | None
    post_money: Estimate | None
    currency: str | None
    participations: Sequence[ParticipationIn] = ()
    price_per_share: Decimal | None = None
    shares_outstanding_pre: Decimal | None = None
    round_type: str = ""

    @property
    def new_shares(self) -> bool:
        """Whether the round issues shares: not debt, a grant, assistance or a secondary sale."""
        return self.round_type not in NO_SHARES and self.round_type not in SECONDARY

    def buys_shares(self, p: ParticipationIn) -> bool:
        """Whether ``p``'s money buys shares, new or existing."""
        return self.round_type not in NO_SHARES and p.instrument not in NO_SHARE_INSTRUMENTS


#: A warning as stored: a code and the values its sentence quotes (the sentences are in deals.messages).
RoundWarning = dict[str, Any]


def _warning(code: str, **params: str) -> RoundWarning:
    return {"code": code, "params": params}


@dataclass(frozen=True)
class RoundOut:
    """``amount`` is all the round's money; ``new_money`` the part that buys new shares (zero when the round
    issues none, None when unknown); ``conditional`` the participations whose stakes are pro forma, holding only
    if these conditions are met (``pro_forma`` is the round's own: it holds only if the round closes)."""

    round_id: int
    pre_money: Estimate | None
    post_money: Estimate | None
    amount: Estimate | None
    pro_forma: bool
    counted: bool
    warnings: tuple[RoundWarning, ...] = ()  # {"code", "params"}: deals.messages renders them
    stakes: dict[int, Estimate] = field(default_factory=dict)
    new_money: Estimate | None = None
    dilutes: bool = True
    conditional: dict[int, tuple[ConditionIn, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class PositionOut:
    investor_id: int
    target_id: int
    stake: Estimate | None
    cost: Estimate | None
    mark_value: Estimate | None
    moic: Estimate | None
    step_up: Estimate | None
    pro_forma: bool
    as_of_round_id: int


def _active(r: RoundIn) -> list[ParticipationIn]:
    return [p for p in r.participations if p.counts]


def _new_money(r: RoundIn, active: list[ParticipationIn], amount: Estimate | None) -> Estimate | None:
    """The money that buys new shares: none in a round that issues none, else the amount less debt."""
    if not r.new_shares:
        return Estimate.exact(Decimal(0), r.currency)
    lent = [p.amount for p in active if p.amount is not None and not r.buys_shares(p)]
    lent_total = total(lent)
    if amount is None or lent_total is None:
        return amount
    return amount - lent_total


def _valuation(r: RoundIn, new_money: Estimate | None) -> tuple[Estimate | None, Estimate | None]:
    """(pre-money, post-money): given, implied by each other and the new money, or by the price per share."""
    pre, post = r.pre_money, r.post_money
    if pre is None and post is None and r.price_per_share and r.shares_outstanding_pre:
        pre = Estimate.exact(r.price_per_share * r.shares_outstanding_pre, r.currency)
    if not r.new_shares:  # no new money enters the company: its value before and after is the same
        return pre or post, post or pre
    if post is None and pre is not None and new_money is not None:
        post = pre + new_money
    if pre is None and post is not None and new_money is not None:
        pre = post - new_money
    return pre, post


def compute_round(r: RoundIn) -> RoundOut:
    """Post-money, pre-money, stakes and consistency warnings of one round."""
    warnings: list[RoundWarning] = []
    active = _active(r)
    currencies = {
        e.currency
        for e in [r.amount, r.pre_money, r.post_money, *(p.amount for p in active)]
        if e is not None and e.currency
    }
    if len(currencies) > 1:
        warnings.append(_warning("several_currencies", currencies=", ".join(sorted(currencies))))
    commitments = total([p.amount for p in active if p.amount is not None])
    amount = r.amount if r.amount is not None else commitments
    new_money = _new_money(r, active, amount)
    pre, post = _valuation(r, new_money)
    if commitments is not None and r.amount is not None:
        warnings.extend(_consistency(commitments, r.amount))
    conditional = {p.id: p.pending_conditions for p in active if p.pending_conditions}
    if conditional:
        pending = "; ".join(dict.fromkeys(c.description.rstrip(".") for cs in conditional.values() for c in cs))
        warnings.append(_warning("pending_condition", conditions=pending))
    counted = r.status != "abandoned"
    stakes: dict[int, Estimate] = {}
    if counted and post is not None and post.is_known:
        # p.amount / post, with the post-money's interval taken once for all the round's stakes
        over = _Interval.of(post)
        ratio = post.currency is not None  # money over money is a ratio; over a number it stays money
        stakes = {
            p.id: _Interval.of(p.amount).div(over).estimate(None if ratio else p.amount.currency)
            for p in active
            if p.amount is not None and r.buys_shares(p)
        }
    return RoundOut(
        r.id,
        pre,
        post,
        amount,
        r.status in PENDING,
        counted,
        tuple(warnings),
        stakes,
        new_money,
        r.new_shares,
        conditional,
    )


def _consistency(commitments: Estimate, amount: Estimate) -> list[RoundWarning]:
    c_lo, _ = commitments.bounds
    _, a_hi = amount.bounds
    if a_hi is not None and c_lo > a_hi:
        return [_warning("commitments_exceed_amount", commitments=f"{c_lo:f}", amount=f"{a_hi:f}")]
    return []


def _dilution(out: RoundOut) -> _Interval | None:
    """The factor a holder's stake keeps through this round, or None when it can't be bounded at all."""
    if not out.dilutes:
        return ONE
    if out.post_money is None or not out.post_money.is_known:
        return None
    if out.new_money is not None:
        share = _Interval.of(out.new_money).div(_Interval.of(out.post_money))
        hi = Decimal(1) - share.lo
        lo = Decimal(0) if share.hi is None else max(Decimal(0), Decimal(1) - share.hi)
        mid = None if share.mid is None else Decimal(1) - share.mid
        return _Interval(lo, hi, mid, share.approx)
    if out.pre_money is not None:
        return _Interval.of(out.pre_money).div(_Interval.of(out.post_money))
    return None


class _Holding:
    """One investor's stake so far and each investment with the round it was made in (see ``cohorts``)."""

    __slots__ = ("investments", "stake")

    def __init__(self, stake: _Interval) -> None:
        self.stake = stake
        self.investments: list[tuple[Estimate, int]] = []


def _position(
    investor: int, holding: _Holding, cohorts: list[_Interval], last: RoundIn, step_up: Estimate | None, pro_forma: bool
) -> PositionOut:
    investments = [(amount, cohorts[cohort]) for amount, cohort in holding.investments]
    amounts = [amount for amount, _ in investments]
    cost = total(amounts)
    currency = cost.currency if cost is not None else None
    marks = [(_Interval.of(a).mul(g)).estimate(currency) for a, g in investments]
    # The sum of one mark is that mark: an Estimate built from an interval reads back as the same interval.
    mark = marks[0] if len(marks) == 1 else total(marks)
    # MOIC is a weighted mean of each investment's growth, so it lies between their smallest and largest.
    growths = [g for _, g in investments]
    lo = min(g.lo for g in growths) if growths else Decimal(0)
    his = [g.hi for g in growths]
    hi = None if not his or any(h is None for h in his) else max(h for h in his if h is not None)
    mids = [(a.value, g.mid) for a, g in investments]
    mid = None
    if mids and all(v is not None and m is not None for v, m in mids):
        weight = sum((v for v, _ in mids if v is not None), Decimal(0))
        mid = sum((v * m for v, m in mids if v is not None and m is not None), Decimal(0)) / weight if weight else None
    moic = _Interval(lo, hi, mid).estimate(None) if growths else None
    return PositionOut(
        investor, last.target_id, holding.stake.estimate(None), cost, mark, moic, step_up, pro_forma, last.id
    )


def _later_growth(growths: list[_Interval]) -> list[_Interval]:
    """For each round, the product of the growths of the rounds after it: how much its shares grew since.

    Built from the last round back, one product per round (multiplying every earlier round's product in each
    round was quadratic in the rounds). The products are taken at twice the working precision and then
    rounded to it, so they do not depend on the order of multiplication in the last digits."""
    products = [ONE] * len(growths)
    with localcontext() as wide:
        wide.prec = 2 * getcontext().prec
        later = ONE
        for k in range(len(growths) - 1, -1, -1):
            products[k] = later
            later = growths[k].mul(later)
    return [
        _Interval(+g.lo, None if g.hi is None else +g.hi, None if g.mid is None else +g.mid, g.approx) for g in products
    ]


class _Step:
    """What every view of the positions needs of one counted round, computed once for all views."""

    __slots__ = ("buys", "dilutes", "factor", "pending", "post", "pre", "round")

    def __init__(self, r: RoundIn, out: RoundOut) -> None:
        active = _active(r)
        self.round = r
        self.dilutes = out.dilutes
        self.factor = _dilution(out) or _Interval(Decimal(0), Decimal(1), None)
        known = out.pre_money is not None and out.pre_money.is_known
        self.pre = _Interval.of(out.pre_money) if known and out.pre_money is not None else None
        known = out.post_money is not None and out.post_money.is_known
        self.post = _Interval.of(out.post_money) if known and out.post_money is not None else None
        # (investor, amount, the stake it buys, whether a condition of it is pending) per share-buying participation
        self.buys: list[tuple[int, Estimate, _Interval, bool]] = []
        pending = r.status in PENDING
        for p in active:
            conditional = any(c.status == "pending" for c in p.conditions)
            pending = pending or conditional
            if p.amount is None or not r.buys_shares(p):
                continue
            stake = out.stakes.get(p.id)
            new = _Interval.of(stake) if stake is not None else _Interval(Decimal(0), None, None)
            self.buys.append((p.investor_id, p.amount, new, conditional))
        self.pending = pending  # the round is pro forma, or a stake in it is


def _steps(rounds: Iterable[RoundIn], outs: Mapping[int, RoundOut] | None) -> list[_Step]:
    """The counted rounds in chronological order, each computed once (or taken from ``outs`` by round id)."""
    ordered = sorted(rounds, key=lambda r: (r.date or datetime.date.min, r.id))
    known = outs or {}
    return [_Step(r, known[r.id] if r.id in known else compute_round(r)) for r in ordered if r.status != "abandoned"]


def _view(steps: list[_Step], include_pro_forma: bool) -> list[PositionOut]:
    considered = steps if include_pro_forma else [s for s in steps if s.round.status not in PENDING]
    if not considered:
        return []
    holdings: dict[int, _Holding] = {}
    # The growth of a share's value in each round; every investment of one round grows alike, by the product
    # of the growths of the rounds after it (see ``cohorts`` below).
    growths: list[_Interval] = []
    previous_post: _Interval | None = None
    priced: _Interval | None = None  # the growth of the last round that priced the shares: the step-up
    for step in considered:
        if step.pre is None:  # a round issuing no shares says nothing of their price then
            growth = UNBOUNDED if step.dilutes else ONE
        elif previous_post is None:
            growth = UNBOUNDED
        else:
            growth = priced = step.pre.div(previous_post)
        factor = step.factor
        for held in holdings.values():
            held.stake = held.stake.mul(factor)
        cohort = len(growths)
        growths.append(growth)
        for investor, amount, new, conditional in step.buys:
            if conditional and not include_pro_forma:
                continue
            found = holdings.get(investor)
            holding = found if found is not None else _Holding(_Interval(Decimal(0), Decimal(0), Decimal(0)))
            if found is None:
                holdings[investor] = holding
            holding.stake = holding.stake.add(new)
            holding.investments.append((amount, cohort))
        if step.post is not None:
            previous_post = step.post
    last = considered[-1].round
    step_up = priced.estimate(None) if priced is not None else None
    cohorts = _later_growth(growths)
    pro_forma = include_pro_forma and any(s.pending for s in considered)
    return [_position(i, h, cohorts, last, step_up, pro_forma) for i, h in sorted(holdings.items())]


def compute_positions(rounds: Iterable[RoundIn], *, include_pro_forma: bool = False) -> list[PositionOut]:
    """Each investor's position in one target after all counted rounds, in chronological order.

    The stake is diluted by every later round; the mark value follows each investment's share price from
    its round to the latest (pre-money of a round over the post-money of the round before), so a single
    investment is marked at exactly its cost until a later round prices it.
    """
    return _view(_steps(rounds, None), include_pro_forma)


def compute_position_views(
    rounds: Iterable[RoundIn], *, outs: Mapping[int, RoundOut] | None = None
) -> tuple[list[PositionOut], list[PositionOut]]:
    """The factual and the pro-forma positions (see :func:`compute_positions`), each round computed once for
    both; ``outs`` may give rounds already computed (``compute_round`` of the same input) by round id."""
    steps = _steps(rounds, outs)
    return _view(steps, False), _view(steps, True)
