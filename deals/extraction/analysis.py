"""Findings: every figure, organization and cue of a report with its character span, and what each amount is."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from deals.extraction.money import DateMention, Money, Percent, find_dates, find_money, find_percents
from deals.extraction.text import (
    KnownOrganization,
    Mention,
    OrgIndex,
    Sentence,
    detect_language,
    sentences,
    unknown_mentions,
)


def _rx(*words: str) -> re.Pattern[str]:
    # A space in a cue matches any run of whitespace: reports wrap lines inside phrases.
    return re.compile(r"(?<![\w])(?:" + "|".join(w.replace(" ", r"\s+") for w in words) + r")", re.IGNORECASE)


STATUS_CUES: list[tuple[str, re.Pattern[str]]] = [
    (
        "abandoned",
        _rx(
            r"called off",
            r"abandon\w*",
            r"scrapped",
            r"collapsed",
            r"ended (?:the )?talks",
            r"abgesagt",
            r"geplatzt",
            r"gescheitert",
            r"abgebrochen",
            r"auf Eis gelegt",
        ),
    ),
    ("closed", _rx(r"closed", r"has completed", r"completed", r"finali[sz]ed", r"abgeschlossen", r"vollzogen")),
    (
        "announced",
        _rx(
            r"raised",
            r"has secured",
            r"secured",
            r"announced",
            r"announces",
            r"eingesammelt",
            r"gab bekannt",
            r"gibt bekannt",
            r"bekanntgegeben",
            r"bekannt gegeben",
            r"kündigte an",
            r"hat sich \S+ gesichert",
            r"sammelt",
            r"erhält",
            r"erhielt",
            r"gab\s+(?:\w+\s+){0,3}bekannt",
        ),
    ),
    ("term_sheet", _rx(r"term sheet", r"Absichtserklärung", r"letter of intent")),
    (
        "in_talks",
        _rx(
            r"in talks",
            r"talks",
            r"negotiat\w*",
            r"in discussions",
            r"considering",
            r"weighs",
            r"verhandel\w*",
            r"Verhandlungen",
            r"Gespräche\w*",
            r"im Gespräch",
            r"erwäg\w*",
            r"seeks? to raise",
            r"seeking",
            r"plans to raise",
            r"looking to raise",
        ),
    ),
    ("rumored", _rx(r"reportedly", r"rumou?r\w*", r"Gerücht\w*", r"angeblich", r"spekuliert")),
]
STATUS_RANK = {status: rank for rank, (status, _) in enumerate(STATUS_CUES)}

ROUND_TYPES: list[tuple[str | None, re.Pattern[str]]] = [
    ("pre_seed", _rx(r"pre-seed", r"Pre-Seed")),
    ("seed", _rx(r"seed round", r"seed funding", r"seed financing", r"Seed-Runde", r"Seed-Finanzierung", r"Seedrunde")),
    ("convertible_note", _rx(r"convertible note", r"Wandelanleihe", r"Wandeldarlehen")),
    ("debt_financing", _rx(r"debt financing", r"credit facility", r"Kreditlinie", r"Fremdkapital")),
    ("secondary_market", _rx(r"secondary sale", r"tender offer", r"Aktienrückkauf")),
    ("grant", _rx(r"grant", r"Fördermittel", r"Zuschuss")),
    (
        None,
        _rx(r"funding round", r"financing round", r"Finanzierungsrunde\w*", r"Kapitalspritze\w*", r"capital injection"),
    ),
    (
        None,
        _rx(r"round", r"Runde", r"raise", r"raising", r"funding", r"Finanzierung", r"einsammeln", r"frisches Kapital"),
    ),
]
_SERIES = re.compile(r"(?<![\w])(?:Series|Serie)[- ](?P<letter>[A-J])(?![\w])")

_VALUATION_BEFORE = _rx(
    r"valu(?:ing|ed|ation|e)\w*",
    r"worth",
    r"Bewertung\w*",
    r"bewert\w*",
    r"Wert (?:von|auf)",
    r"Firmenwert",
    r"Unternehmenswert",
    r"Marktwert",
)
_VALUATION_AFTER = re.compile(
    r"^\s?(?:(?:post-money|pre-money|implied|current)\s)?(?:valuation|Bewertung)|^\s(?:\w+\s)?bewert\w*",
    re.IGNORECASE,
)
_PRE = _rx(
    r"pre-money",
    r"pre money",
    r"not including the new",
    r"excluding the new",
    r"before the new",
    r"before the (?:investment|funding|round)",
    r"vor der (?:Finanzierung|Runde|Investition|Kapitalspritze)",
    r"ohne (?:das|die) (?:neue|frische)",
    r"ohne Berücksichtigung",
)
_POST = _rx(
    r"post-money",
    r"post money",
    r"including the new",
    r"after the (?:investment|funding|round)",
    r"nach der (?:Finanzierung|Runde|Investition|Kapitalspritze)",
    r"inklusive (?:der|des) neuen",
    r"einschließlich (?:der|des) neuen",
)
METRIC_CUES: list[tuple[str, re.Pattern[str]]] = [
    (
        "operating_expenses",
        _rx(r"expenses", r"costs", r"spending", r"cash burn", r"Ausgaben", r"Kosten", r"Aufwendungen"),
    ),
    ("revenue", _rx(r"revenue\w*", r"sales", r"Umsatz\w*", r"Umsätze\w*", r"Erlös\w*")),
    ("funding_need", _rx(r"funding need", r"Kapitalbedarf", r"Finanzbedarf")),
]
_RPO = _rx(r"remaining performance obligations?", r"RPO", r"Leistungsverpflichtungen", r"Auftragsbestand\w*")
_STAKE = _rx(r"stake", r"Anteil\w*", r"Beteiligung\w*", r"owns", r"holds", r"hält", r"besitzt", r"equity share")
_FORECAST = _rx(
    r"expected",
    r"expects",
    r"forecast\w*",
    r"projected",
    r"is set to",
    r"will",
    r"estimated",
    r"erwartet\w*",
    r"rechnet",
    r"voraussichtlich",
    r"sollen",
    r"soll",
    r"dürften",
    r"prognostiziert",
)
_YEAR = re.compile(r"(?<![\d.,])(?:19|20)\d{2}(?![\d.,]\d)")
_LEAD_AFTER = _rx(
    r"co-led by",
    r"led by",
    r"angeführt von",
    r"angeführt (?:wird|wurde) (?:die )?(?:Finanzierungsrunde|Runde) von",
    r"unter (?:der )?Führung von",
    r"lead investors? (?:is |are |was )?",
    r"Lead-Investor(?:en)? (?:ist |sind )?",
    r"federführend (?:ist |sind )?",
)
_LEAD_LATE = _rx(
    r"(?:and |und )?(?:is )?(?:leading|leads|co-leads|co-led|led) the (?:round|financing)",
    r"(?:und )?(?:führt|führte|führen) (?:die )?(?:Finanzierungsrunde|Runde) an",
)
_TOOK_PART = _rx(
    r"(?:also |too )?(?:took part|joined(?: the round)?|participated|invested)",
    r"(?:beteiligten|beteiligen) sich",
)
_LEAD_BEFORE = re.compile(
    r"^\W{0,2}(?:(?:has |have |is |are |will |would )?(?:led|leads|leading|co-led|co-leads)\b|"
    r"(?:führt|führen|führte) (?:die )?(?:Runde|Finanzierungsrunde) an|"
    r"(?:ist|wird|sind|als) (?:der |die )?(?:Lead-Investor|Hauptinvestor der Runde|federführend))",
    re.IGNORECASE,
)
_CONDITION = _rx(
    r"conditional on",
    r"conditioned on",
    r"contingent on",
    r"subject to",
    r"tied to",
    r"tie (?:it|its \w+|the \w+) to",
    r"depend(?:s|ent|ing)? on",
    r"provided that",
    r"on (?:the )?condition",
    r"abhängig (?:machen|gemacht|von|vom|davon)",
    r"in tranches",
    r"in Tranchen",
    r"davon abhängig",
    r"unter der Bedingung",
    r"unter der Voraussetzung",
    r"geknüpft an",
    r"knüpfen an",
    r"Bedingung\w*",
    r"vorausgesetzt",
)
CONDITION_KINDS: list[tuple[str, re.Pattern[str]]] = [
    ("regulatory", _rx(r"regulat\w*", r"antitrust", r"approval", r"Genehmigung\w*", r"Kartell\w*", r"Aufsicht\w*")),
    ("milestone", _rx(r"milestone\w*", r"Meilenstein\w*", r"tranche\w*", r"Tranche\w*")),
    ("cloud_usage", _rx(r"cloud\w*", r"Cloud\w*", r"AWS", r"Azure", r"data cent(?:re|er)s?", r"Rechenzentr\w*")),
    ("distribution", _rx(r"distribut\w*", r"sales channels?", r"Vertrieb\w*", r"Vertriebskan\w*", r"resell\w*")),
    ("exclusivity", _rx(r"exclusiv\w*", r"Exklusiv\w*")),
]
TIE_CUES: list[tuple[str, re.Pattern[str]]] = [
    (
        "compute_supply",
        _rx(
            r"suppl(?:ies|y|ier|iers|ying) (?:\w+ ){0,3}(?:GPUs?|chips?|processors|graphics)",
            r"GPU supplier",
            r"chip supplier",
            r"(?:GPUs?|chips) (?:supplier|provider)",
            r"liefer\w* (?:\w+ ){0,3}(?:Chips|Grafikprozessoren|Grafikchips|GPUs|Prozessoren)",
            r"Chiplieferant\w*",
            r"Grafikprozessoren",
        ),
    ),
    (
        "cloud",
        _rx(
            r"cloud (?:provider|platforms?|partner|capacity|services)",
            r"Cloud-(?:Plattform\w*|Anbieter\w*|Partner\w*|Kapazitäten|Dienste\w*)",
            r"runs? on (?:Azure|AWS|Google Cloud)",
            r"Rechenkapazität\w*",
            r"computing capacity",
        ),
    ),
    ("licensing", _rx(r"licen[cs]es? (?:its|the)", r"licensing deal", r"Lizenz\w*")),
]
_SUBSIDIARY_BETWEEN = re.compile(
    r"^(?:['’]s?|s)?(?:-Tochter|-Sparte|"
    r"\s(?:cloud\s)?(?:unit|subsidiary|division|arm|business|platform|cloud platform)|"
    r"\s(?:Tochter\w*|Cloud-Tochter|Cloud-Sparte|Cloud-Plattform|Cloud-Dienst|Sparte))\s$",
    re.IGNORECASE,
)
_SUBSIDIARY_OF = re.compile(
    r"^,?\s(?:(?:a|an|the)\s)?(?:cloud\s)?(?:unit|subsidiary|division|arm)\sof\s$|^,?\s(?:eine|die)\s(?:Tochter\w*|Sparte)\s"
    r"(?:von\s)?$|^\sof\s$",
    re.IGNORECASE,
)
_APPOSITIVE = re.compile(
    r",[^,.;]{0,80}?(?:investor|backer|partner|shareholder|Hauptinvestor|Investor|Geldgeber|Großaktionär|"
    r"Anteilseigner|Partner)[^,.;]{0,60}?,",
)
_PAST_ROUND = _rx(
    r"last year",
    r"previous round",
    r"prior round",
    r"earlier round",
    r"last round",
    r"previously raised",
    r"had raised",
    r"already raised",
    r"a year ago",
    r"im vergangenen Jahr",
    r"vergangenes Jahr",
    r"im Vorjahr",
    r"zuletzt",
    r"letzten Finanzierungsrunde",
    r"vorherigen Runde",
    r"früheren Runde",
    r"damals",
)
_ELSEWHERE = _rx(
    r"separately", r"in other news", r"meanwhile", r"unterdessen", r"in anderen Nachrichten", r"unabhängig davon"
)
_NOISE_PARAGRAPH = _rx(
    r"advertisement",
    r"sponsored",
    r"Anzeige",
    r"Werbung",
    r"gesponsert",
    r"subscribe",
    r"abonnieren",
    r"Abo\b",
    r"newsletter",
    r"promo code",
    r"Gutschein\w*",
)
_COMMIT_VERB = _rx(
    r"invest\w*",
    r"contribut\w*",
    r"commit\w*",
    r"put in",
    r"add\w*",
    r"chip in",
    r"pledg\w*",
    r"provid\w*",
    r"beisteuern",
    r"beitragen",
    r"steuert",
    r"zuschießen",
    r"einbringen",
    r"zusagen",
    r"zugesagt",
    r"stecken",
    r"steckt",
    r"investier\w*",
    r"beteilig\w*",
    r"einsteigen",
)
_FROM_AFTER = re.compile(r"^\W{0,3}(?:from|von|by|vom)\s", re.IGNORECASE)
_RAISE_AFTER = re.compile(
    r"^(?:['’]s?|s)?(?:,[^,.;]{0,80},)?\s(?:\w+\s){0,3}?(?:rais\w*|secur\w*|sammel\w*|erhält|erhielt|bekommt|holt|"
    r"seek\w*|is in talks|verhandelt|führt Gespräche|closes|closed|landed|bagged|nets|gets|will get)\b|"
    r"^s?\s(?:hat|haben)\s[^.;]{0,80}?\s(?:eingesammelt|erhalten|gesichert)\b",
    re.IGNORECASE,
)
_TARGET_BEFORE = re.compile(
    r"(?:(?:invest\w*|stake|Beteiligung|Anteil\w*|einsteigen|Kapitalspritze|Finanzierungsrunde|funding round|round|"
    r"Runde|Geld|money|backing|Einstieg|beteilig\w*|beisteuern|pumpen|offer|Angebot)"
    r"\W+(?:[\w-]+\W+){0,3}?(?:in|into|an|bei|für|for|at)|(?:valuation|Bewertung) (?:of|von|des))"
    r"\s(?:the\s|den\s|dem\s|die\s|der\s)?(?:[\w-]+\s)?$",
    re.IGNORECASE,
)
#: "… 4 Mrd. Dollar in Anthropic": the organization money goes into, in a sentence about money.
_TARGET_IN = re.compile(
    r"(?:\d|bn|Mrd\.?|Milliarden|Millionen|billion|million|Dollar|Euro|€|\$)\s(?:in|into)\s$", re.IGNORECASE
)
_TARGET_AFTER = re.compile(
    r"^(?:['’]s?|s)?(?:-|\s)(?:valuation|Bewertung|main investor|largest investor|biggest backer|Hauptinvestor)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Finding:
    """Something recognised at ``text[start:end]``; ``data`` says what (JSON-ready)."""

    kind: str
    start: int
    end: int
    text: str
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "start": self.start, "end": self.end, "text": self.text, **self.data}


@dataclass
class Amount:
    """A money mention and what it is: round, commitment, valuation, metric, conversion, other_round, noise."""

    money: Money
    sentence: Sentence
    role: str = "unclassified"
    organization: Mention | None = None
    basis: str | None = None  # valuation: pre, post or unspecified
    metric_kind: str | None = None
    year: int | None = None
    forecast: bool = False


@dataclass
class Analysis:
    text: str
    language: str
    sentences: list[Sentence]
    mentions: list[Mention]
    amounts: list[Amount]
    percents: list[tuple[Percent, Sentence, str, Mention | None]]
    dates: list[DateMention]
    statuses: list[tuple[str, Sentence, re.Match[str]]]
    round_types: list[tuple[str | None, Sentence, re.Match[str]]]
    leads: list[tuple[Mention, Sentence, int, int]]
    conditions: list[tuple[Mention | None, str, Sentence, int, int]]
    ties: list[tuple[Mention, Mention | None, str, Sentence, int, int]]
    subsidiaries: list[tuple[Mention, Mention, Sentence]]
    target: Mention | None
    raisers: set[str]
    excluded: set[int]  # sentence indexes about another round or in a noise paragraph
    listed: list[tuple[Mention, Sentence]]  # investors named without an amount

    def sentence_of(self, pos: int) -> Sentence:
        for s in self.sentences:
            if s.start <= pos < s.end:
                return s
        return self.sentences[-1]

    def quote(self, s: Sentence) -> str:
        return self.text[s.start : s.end]

    def findings(self) -> list[Finding]:
        out = self._figure_findings()
        t = self.text
        for d in self.dates:
            out.append(Finding("date", d.start, d.end, d.text, {"date": d.date.isoformat(), "precision": d.precision}))
        for mention in self.mentions:
            kind = "organization" if mention.known else "new_organization"
            out.append(Finding(kind, mention.start, mention.end, mention.text, {"name": mention.name}))
        for status, _, match in self.statuses:
            out.append(Finding("status", match.start(), match.end(), match.group(0), {"status": status}))
        for round_type, _, match in self.round_types:
            out.append(Finding("round_type", match.start(), match.end(), match.group(0), {"round_type": round_type}))
        for mention, _, start, end in self.leads:
            out.append(Finding("lead", start, end, t[start:end], {"investor": mention.name}))
        for org, kind, _, start, end in self.conditions:
            investor = {"investor": org.name} if org is not None else {}
            out.append(Finding("condition", start, end, t[start:end], {"condition_kind": kind, **investor}))
        for provider, client, kind, _, start, end in self.ties:
            data = {"provider": provider.name, "client": client.name if client else None, "relationship": kind}
            out.append(Finding("relationship", start, end, t[start:end], data))
        for parent, child, _ in self.subsidiaries:
            start, end = min(parent.start, child.start), max(parent.end, child.end)
            out.append(Finding("subsidiary", start, end, t[start:end], {"parent": parent.name, "child": child.name}))
        return sorted(out, key=lambda f: (f.start, f.end, f.kind))

    def _figure_findings(self) -> list[Finding]:
        out: list[Finding] = []
        for a in self.amounts:
            m = a.money
            data: dict[str, Any] = {"estimate": m.estimate.to_dict(), "role": a.role}
            optional = {
                "organization": a.organization.name if a.organization else None,
                "basis": a.basis,
                "metric": a.metric_kind,
                "new_money": m.further or None,
                "currency_from_context": (not m.currency_written) or None,
            }
            data.update({k: v for k, v in optional.items() if v is not None})
            out.append(Finding("money", m.start, m.end, m.text, data))
        for p, _, role, org in self.percents:
            pdata: dict[str, Any] = {"value": format(p.value, "f"), "role": role}
            if org is not None:
                pdata["organization"] = org.name
            out.append(Finding("percent", p.start, p.end, p.text, pdata))
        return out


_CHAIN_GAP = re.compile(
    r"\s*(?:,\s*|\s(?:and|und|&)\s|\s)?(?:the\s|die\s|der\s)?(?:(?:existing|new|bestehende[rn]?|neue[rn]?)\s)?"
    r"(?:(?:backer|investor|Investor|Geldgeber)\s)?"
)
_TRANCHE = re.compile(
    r"(?:the first|the remaining|the rest of|a first|die ersten|eine erste|der erste)\s$", re.IGNORECASE
)
_LISTING = re.compile(
    r"(?:investors? (?:include|including|are)|backed by|joined by|alongside|participation (?:of|from)|"
    r"darunter|Investoren (?:sind|wie)|beteiligt sind|mit dabei sind|Zu den (?:Investoren|Geldgebern) gehören|"
    r"Unter den (?:Investoren|Geldgebern) sind)\s",
    re.IGNORECASE,
)
_CLAUSE = re.compile(r"[;:]|\s[–—]\s|,\s(?:while|whereas|während|wobei|and|und)\s")


def _in(m: Any, s: Sentence) -> bool:
    return bool(s.start <= m.start < s.end)


class _Reader:
    """One pass over one text; each method fills one kind of finding."""

    def __init__(self, text: str, language: str | None, organizations: list[KnownOrganization] | None) -> None:
        self.text = text
        lang = language if language in ("en", "de") else detect_language(text)
        self.language: str = lang or "en"
        self.sents = sentences(text)
        self.index = OrgIndex(list(organizations or []))
        known = self.index.find(text)
        self.mentions = sorted(known + unknown_mentions(text, known), key=lambda m: m.start)
        self.dates = find_dates(text)
        self.percents_raw = find_percents(text, self.language)
        masked = [(d.start, d.end) for d in self.dates] + [(p.start, p.end) for p in self.percents_raw]
        self.money = find_money(text, self.language, masked=masked)
        self.noise_paragraphs = {s.paragraph for s in self.sents if _NOISE_PARAGRAPH.search(self.quote(s))}
        self.appositives = [(m.start(), m.end()) for m in _APPOSITIVE.finditer(text)]
        self.raisers: set[str] = set()
        self.target = self._target()
        self.target_name = self.target.name if self.target else None
        self.excluded = self._excluded()

    def quote(self, s: Sentence) -> str:
        return self.text[s.start : s.end]

    def in_appositive(self, m: Mention) -> bool:
        return any(s < m.start and m.end <= e for s, e in self.appositives)

    def sentence_of(self, pos: int) -> Sentence:
        for s in self.sents:
            if s.start <= pos < s.end:
                return s
        return self.sents[-1]

    def orgs_in(self, s: Sentence) -> list[Mention]:
        return [m for m in self.mentions if _in(m, s) and not self.in_appositive(m)]

    def names_target(self, s: Sentence) -> bool:
        return any(_in(m, s) and m.name == self.target_name for m in self.mentions)

    def _target(self) -> Mention | None:
        """The organization invested in, raising or valued; the first named wins a tie."""
        text = self.text
        scores: dict[str, float] = {}
        first: dict[str, Mention] = {}
        for i, m in enumerate(self.mentions):
            first.setdefault(m.name, m)
            tail = text[m.end : m.end + 120]
            before = text[max(0, m.start - 80) : m.start]
            quote = self.quote(self.sentence_of(m.start))
            if _ELSEWHERE.search(quote) or _PAST_ROUND.search(quote):
                continue  # another round's sentence says nothing of this one's target
            score = 0.5 if i == 0 else 0.0
            if _TARGET_BEFORE.search(before) or _TARGET_IN.search(before):
                score += 3
            if _LEAD_AFTER.search(before[-40:]) or _TOOK_PART.match(tail.lstrip()):
                score -= 3  # an investor named as such
            if _RAISE_AFTER.match(tail):
                score += 3
                self.raisers.add(m.name)
            if _TARGET_AFTER.match(tail):
                score += 2
            scores[m.name] = scores.get(m.name, 0.0) + score
        if not scores:
            return None
        name, score = max(scores.items(), key=lambda kv: (kv[1], -first[kv[0]].start))
        return first[name] if score > 0 else None

    def _excluded(self) -> set[int]:
        """Sentences in an advertisement, about an earlier round, or about another organization's round."""
        excluded: set[int] = set()
        for s in self.sents:
            quote = self.quote(s)
            if s.paragraph in self.noise_paragraphs or _PAST_ROUND.search(quote):
                excluded.add(s.index)
                continue
            other_raisers = [
                m
                for m in self.orgs_in(s)
                if m.name in self.raisers and m.name != self.target_name and not self.in_appositive(m)
            ]
            elsewhere = _ELSEWHERE.search(quote) and (other_raisers or not self.names_target(s))
            if elsewhere or (other_raisers and not self.names_target(s)):
                excluded.add(s.index)
        return excluded

    # Amounts ----------------------------------------------------------------------------------------------

    def amounts(self) -> list[Amount]:
        amounts: list[Amount] = []
        last_investor: Mention | None = None
        prev_end = -1
        for mo in self.money:
            a = Amount(mo, self.sentence_of(mo.start))
            self._classify(a, prev_end, last_investor)
            if a.role == "commitment" and a.organization is not None:
                last_investor = a.organization
            prev_end = mo.end
            amounts.append(a)
        return amounts

    def _classify(self, a: Amount, prev_end: int, last_investor: Mention | None) -> None:
        text, mo, s = self.text, a.money, a.sentence
        clause_before = _CLAUSE.split(text[s.start : mo.start])[-1]
        after = text[mo.end : s.end]
        if s.paragraph in self.noise_paragraphs:
            a.role = "noise"
        elif _TRANCHE.search(clause_before[-25:]):
            a.role = "tranche"  # "the first $10bn": part of an amount stated before
        elif prev_end > 0 and re.search(
            r"\(\s*(?:\w+\s){0,2}$", text[max(prev_end, s.start, mo.start - 20) : mo.start]
        ):
            a.role = "conversion"  # "(about $70bn)" right after an amount in another currency
        elif s.index in self.excluded:
            a.role = "other_round"
        elif _VALUATION_BEFORE.search(clause_before[-60:]) or _VALUATION_AFTER.match(after):
            a.role, a.organization = "valuation", self.target
            quote = self.quote(s)
            a.basis = "pre" if _PRE.search(quote) else "post" if _POST.search(quote) else "unspecified"
        else:
            metric = next((k for k, rx in METRIC_CUES if rx.search(clause_before[-50:]) or rx.search(after[:25])), None)
            if metric:
                self._metric(a, metric)
            else:
                self._attribute(a, last_investor)

    def _metric(self, a: Amount, kind: str) -> None:
        in_sentence = self.orgs_in(a.sentence)
        before = [m for m in in_sentence if m.end <= a.money.start]
        a.role, a.metric_kind = "metric", kind
        a.organization = before[-1] if before else (in_sentence[0] if in_sentence else self.target)
        quote = self.quote(a.sentence)
        years = [int(y.group(0)) for y in _YEAR.finditer(quote)]
        a.year = years[0] if years else None
        a.forecast = bool(_FORECAST.search(quote))

    def _attribute(self, a: Amount, last_investor: Mention | None) -> None:
        """A commitment of the investor named nearest before the amount; the round's size when that is the
        target; "from X" after it names a single investor; a sentence naming none continues the last one."""
        text, mo, s = self.text, a.money, a.sentence
        in_sentence = self.orgs_in(s)
        before = [m for m in in_sentence if m.end <= mo.start]
        nearest = before[-1] if before else None
        after_orgs = [m for m in in_sentence if m.start >= mo.end and m.start - mo.end < 60]
        a.role = "round"
        if nearest is not None and nearest.name != self.target_name:
            a.role, a.organization = "commitment", nearest
        elif _FROM_AFTER.match(text[mo.end : s.end]) and len(after_orgs) == 1 and len(before) <= 1:
            a.role, a.organization = "commitment", after_orgs[0]
        elif nearest is None and _COMMIT_VERB.search(self.quote(s)) and last_investor is not None:
            a.role, a.organization = "commitment", last_investor

    def percents(self) -> list[tuple[Percent, Sentence, str, Mention | None]]:
        """A stake, a share of remaining performance obligations (a metric), or another percentage."""
        out: list[tuple[Percent, Sentence, str, Mention | None]] = []
        for p in self.percents_raw:
            s = self.sentence_of(p.start)
            quote = self.quote(s)
            in_s = self.orgs_in(s)
            before = [m for m in in_s if m.end <= p.start]
            org = before[-1] if before else (in_s[0] if in_s else None)
            rpo = _RPO.search(quote)
            role = "rpo_share" if rpo else "stake" if _STAKE.search(quote) else "other"
            if rpo:  # whose obligations: the organization named closest to the cue
                cue = s.start + rpo.start()
                near = sorted(in_s, key=lambda o: (not o.known, min(abs(o.start - cue), abs(o.end - cue))))
                org = near[0] if near else org
            if s.paragraph in self.noise_paragraphs:
                role = "noise"
            out.append((p, s, role, org))
        return out

    # Cues -------------------------------------------------------------------------------------------------

    def live(self) -> list[Sentence]:
        return [s for s in self.sents if s.index not in self.excluded]

    def statuses(self) -> list[tuple[str, Sentence, re.Match[str]]]:
        return [
            (status, s, m)
            for s in self.live()
            for status, rx in STATUS_CUES
            for m in rx.finditer(self.text, s.start, s.end)
        ]

    def round_types(self) -> list[tuple[str | None, Sentence, re.Match[str]]]:
        found: list[tuple[str | None, Sentence, re.Match[str]]] = []
        for s in self.live():
            for m in _SERIES.finditer(self.text, s.start, s.end):
                found.append((f"series_{m['letter'].lower()}", s, m))
            for kind, rx in ROUND_TYPES:
                for m in rx.finditer(self.text, s.start, s.end):
                    if not any(o.start() <= m.start() < o.end() for _, _, o in found):
                        found.append((kind, s, m))
        return sorted(found, key=lambda r: r[2].start())

    def chain(self, s: Sentence, start: int) -> list[Mention]:
        """The organizations listed from ``start`` on: "Sequoia, Thrive and Nvidia"."""
        out: list[Mention] = []
        end = start
        for org in self.orgs_in(s):
            if org.start < end:
                continue
            if not _CHAIN_GAP.fullmatch(self.text[end : org.start]):
                break
            if org.name != self.target_name:
                out.append(org)
            end = org.end
        return out

    def chain_before(self, s: Sentence, end: int) -> list[Mention]:
        """The organizations listed up to ``end``: "Nvidia, Brookfield and Intel Capital (also took part)"."""
        out: list[Mention] = []
        for org in reversed([o for o in self.orgs_in(s) if o.end <= end]):
            if not _CHAIN_GAP.fullmatch(self.text[org.end : end]):
                break
            if org.name != self.target_name:
                out.append(org)
            end = org.start
        return out[::-1]

    def leads(self) -> list[tuple[Mention, Sentence, int, int]]:
        found: list[tuple[Mention, Sentence, int, int]] = []
        for s in self.live():
            for m in _LEAD_LATE.finditer(self.text, s.start, s.end):
                chained = self.chain_before(s, m.start())
                if not chained:  # "ASML contributing €1.3bn and leading the round"
                    before = [o for o in self.orgs_in(s) if o.end <= m.start() and o.name != self.target_name]
                    chained = before[-1:]
                found += [(org, s, org.start, m.end()) for org in chained]
            for m in _LEAD_AFTER.finditer(self.text, s.start, s.end):
                found += [(org, s, m.start(), org.end) for org in self.chain(s, m.end())]
            for org in self.orgs_in(s):
                if _LEAD_BEFORE.match(self.text[org.end : s.end]) and org.name != self.target_name:
                    found.append((org, s, org.start, min(s.end, org.end + 40)))
        return found

    def conditions(self, amounts: list[Amount]) -> list[tuple[Mention | None, str, Sentence, int, int]]:
        found: list[tuple[Mention | None, str, Sentence, int, int]] = []
        for s in self.live():
            m = _CONDITION.search(self.text, s.start, s.end)
            if not m:
                continue
            before = [o for o in self.orgs_in(s) if o.end <= m.start() and o.name != self.target_name]
            investor = before[0] if before else last_investor_before(amounts, m.start())
            clause = self.text[m.start() : s.end]
            kind = next((k for k, rx in CONDITION_KINDS if rx.search(clause)), "other")
            found.append((investor, kind, s, m.start(), s.end))
        return found

    def subsidiaries(self) -> list[tuple[Mention, Mention, Sentence]]:
        found: list[tuple[Mention, Mention, Sentence]] = []
        text = self.text
        for s in self.sents:
            in_s = [m for m in self.mentions if _in(m, s)]
            for left, right in itertools.pairwise(in_s):
                between = text[left.end : right.start]
                if left.name == right.name:
                    continue
                if _SUBSIDIARY_BETWEEN.match(text[left.end - 2 : right.start]) or _SUBSIDIARY_BETWEEN.match(between):
                    found.append((left, right, s))
                elif _SUBSIDIARY_OF.match(between):
                    found.append((right, left, s))
        # Known parents: a subsidiary named in the same text as its parent ("AWS" and "Amazon").
        by_name = {m.name: m for m in reversed(self.mentions)}
        for org in self.index.organizations:
            named = org.parent and org.name in by_name and org.parent in by_name
            if named and not any(c.name == org.name for _, c, _ in found):
                child = by_name[org.name]
                found.append((by_name[str(org.parent)], child, self.sentence_of(child.start)))
        return found

    def ties(self, skip: set[int]) -> list[tuple[Mention, Mention | None, str, Sentence, int, int]]:
        found: list[tuple[Mention, Mention | None, str, Sentence, int, int]] = []
        for s in self.live():
            if s.index in skip:
                continue
            cues = sorted(
                ((m, kind) for kind, rx in TIE_CUES for m in rx.finditer(self.text, s.start, s.end)),
                key=lambda c: c[0].start(),
            )
            others = [o for o in self.orgs_in(s) if o.name != self.target_name]
            window = s.start
            for m, kind in cues:
                # Each cue's providers are named between the previous cue and this one: "NVIDIA liefert die
                # Chips, Microsoft und Amazon stellen Cloud-Plattformen bereit".
                providers = [o for o in others if window <= o.start < m.end()]
                if not providers and window == s.start:
                    providers = others[:1]
                found += [(p, self.target, kind, s, m.start(), m.end()) for p in providers]
                window = m.end()
        return found

    def listed(self, amounts: list[Amount], children: set[str]) -> list[tuple[Mention, Sentence]]:
        """Investors named without an amount: "from Nvidia, Microsoft and Amazon", "investors include …"."""
        found: list[tuple[Mention, Sentence]] = []
        for a in amounts:
            if a.role == "round" and _FROM_AFTER.match(self.text[a.money.end : a.sentence.end]):
                found += [
                    (org, a.sentence)
                    for org in self.orgs_in(a.sentence)
                    if org.start >= a.money.end and org.name != self.target_name and org.name not in children
                ]
        for s in self.live():
            for m in _LISTING.finditer(self.text, s.start, s.end):
                found += [(org, s) for org in self.chain(s, m.end())]
            for m in _TOOK_PART.finditer(self.text, s.start, s.end):
                found += [(org, s) for org in self.chain_before(s, m.start())]
        return found


def analyse(text: str, language: str | None = None, organizations: list[KnownOrganization] | None = None) -> Analysis:
    """Read ``text`` (language "en", "de", or None to detect it) against the known ``organizations``."""
    r = _Reader(text, language, organizations)
    amounts = r.amounts()
    conditions = r.conditions(amounts)
    subsidiaries = r.subsidiaries()
    children = {child.name for _, child, _ in subsidiaries}
    return Analysis(
        text=text,
        language=r.language,
        sentences=r.sents,
        mentions=r.mentions,
        amounts=amounts,
        percents=r.percents(),
        dates=r.dates,
        statuses=r.statuses(),
        round_types=r.round_types(),
        leads=r.leads(),
        conditions=conditions,
        ties=r.ties({c[2].index for c in conditions}),
        subsidiaries=subsidiaries,
        target=r.target,
        raisers=r.raisers,
        excluded=r.excluded,
        listed=r.listed(amounts, children),
    )


def last_investor_before(amounts: list[Amount], pos: int) -> Mention | None:
    for a in reversed(amounts):
        if a.money.start < pos and a.role == "commitment" and a.organization is not None:
            return a.organization
    return None


__all__ = ["Amount", "Analysis", "Decimal", "Finding", "analyse"]
