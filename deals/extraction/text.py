"""The text side of extraction: language, sentences, paragraphs and the organizations a text names."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

_EN_WORDS = frozenset(
    [
        "the",
        "and",
        "of",
        "to",
        "in",
        "is",
        "with",
        "for",
        "that",
        "has",
        "have",
        "would",
        "will",
        "from",
        "its",
        "by",
        "at",
        "as",
        "was",
        "are",
        "be",
    ]
)
_DE_WORDS = frozenset(
    [
        "der",
        "die",
        "das",
        "und",
        "mit",
        "von",
        "ist",
        "für",
        "den",
        "dem",
        "des",
        "ein",
        "eine",
        "einer",
        "sich",
        "auf",
        "zu",
        "nicht",
        "bei",
        "wird",
        "hat",
    ]
)


def detect_language(text: str) -> str:
    """ "de" or "en", by counting each language's commonest words; English when it is a tie."""
    words = re.findall(r"[a-zäöüß]+", text.lower())
    en = sum(w in _EN_WORDS for w in words)
    de = sum(w in _DE_WORDS for w in words)
    return "de" if de > en else "en"


_ABBREVIATIONS = frozenset(
    [
        "mrd",
        "mio",
        "tsd",
        "ca",
        "bzw",
        "inc",
        "corp",
        "co",
        "ltd",
        "dr",
        "nr",
        "st",
        "vs",
        "u",
        "z",
        "b",
        "etc",
        "jan",
        "feb",
        "aug",
        "sept",
        "okt",
        "dez",
        "mr",
        "ms",
        "prof",
    ]
)
_SENTENCE_END = re.compile(r"[.!?](?=[\"”’)]?\s+[\"„“(]?[A-ZÄÖÜ0-9])|\n")


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    paragraph: int


def sentences(text: str) -> list[Sentence]:
    """Sentences by their end marks, not split after abbreviations (Mrd., Inc.) or German ordinals (30.)."""
    result: list[Sentence] = []
    start, paragraph = 0, 0
    for m in _SENTENCE_END.finditer(text):
        if m.group(0) == "\n" and not _breaks_line(text, m.start()):
            continue
        if m.group(0) == ".":
            word = re.search(r"([\wÄÖÜäöüß]+)$", text[start : m.start()])
            # not after an abbreviation (Mrd.), a German ordinal (30.) or an initial (T. Rowe Price)
            if word and (word.group(1).lower() in _ABBREVIATIONS or re.fullmatch(r"\d{1,2}|[A-Z]", word.group(1))):
                continue
        end = m.end()
        if text[start:end].strip():
            result.append(_trimmed(text, start, end, len(result), paragraph))
        if m.group(0) == "\n" and re.match(r"\s*\n", text[m.end() :]):
            paragraph += 1
        start = end
    if text[start:].strip():
        result.append(_trimmed(text, start, len(text), len(result), paragraph))
    return result


def _breaks_line(text: str, pos: int) -> bool:
    """A newline ends a sentence before a blank line, or after a short line without a full stop (a title);
    a line wrapped inside a sentence goes on."""
    if re.match(r"\n[ \t]*\n", text[pos:]):
        return True
    line = text[text.rfind("\n", 0, pos) + 1 : pos].strip()
    following = text[pos + 1 :].lstrip()
    return bool(line) and len(line) < 90 and line[-1] not in ".,;:" and following[:1].isupper()


def _trimmed(text: str, start: int, end: int, index: int, paragraph: int) -> Sentence:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Sentence(index, start, end, paragraph)


@dataclass(frozen=True)
class KnownOrganization:
    """An organization the caller knows, by ``name`` and ``aliases``; ``key`` comes back on every mention
    (a database id, say). ``parent`` names the parent organization, if known."""

    name: str
    aliases: tuple[str, ...] = ()
    key: object = None
    parent: str | None = None


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    name: str  # the organization's canonical name
    known: bool
    key: object = None


@functools.lru_cache(maxsize=64)
def _names_pattern(spellings: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for every spelling, longest first; inflection-tolerant (OpenAI's, OpenAIs, NVIDIAs,
    Amazon-Tochter) and in any case (short spellings are checked for case after matching)."""
    alternatives = "|".join(re.escape(x) for x in sorted(spellings, key=lambda x: (-len(x), x)))
    return re.compile(rf"(?<![\w-])(?P<name>{alternatives})(?:['’]s|['’]|s|es)?(?![\w])", re.IGNORECASE)


@dataclass
class OrgIndex:
    organizations: list[KnownOrganization] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.by_spelling: dict[str, tuple[str, KnownOrganization]] = {}
        for org in self.organizations:
            for spelling in sorted({org.name, *org.aliases}):
                if spelling.strip():
                    self.by_spelling.setdefault(spelling.lower(), (spelling, org))
        self.pattern = (
            _names_pattern(tuple(sorted(s for s, _ in self.by_spelling.values()))) if self.by_spelling else None
        )
        self.by_name = {org.name: org for org in self.organizations}

    def find(self, text: str) -> list[Mention]:
        found: list[Mention] = []
        if self.pattern is None:
            return found
        for m in self.pattern.finditer(text):
            spelling, org = self.by_spelling[m["name"].lower()]
            # A short spelling ("SAP", "xAI", "Meta") matches only as written or in capitals, not "sap" or "meta".
            if len(spelling) <= 4 and m["name"] not in (spelling, spelling.upper()):
                continue
            found.append(Mention(m.start(), m.end(), m.group(0), org.name, True, org.key))
        return _non_overlapping(found)


_UNKNOWN_STOP = frozenset(
    [
        "EUR",
        "USD",
        "GBP",
        "CHF",
        "JPY",
        "CEO",
        "CFO",
        "CTO",
        "IPO",
        "GPU",
        "GPUs",
        "AI",
        "KI",
        "US",
        "USA",
        "UK",
        "EU",
        "RPO",
        "SEC",
        "ChatGPT",
        "KI-Firmen",
        "Series",
        "Serie",
        "Seed",
        "The",
        "In",
        "On",
        "At",
        "For",
        "And",
        "But",
        "With",
        "From",
        "By",
        "Of",
        "It",
        "Its",
        "This",
        "That",
        "Der",
        "Die",
        "Das",
        "Den",
        "Dem",
        "Ein",
        "Eine",
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
        "January",
        "February",
        "March",
        "June",
        "July",
        "October",
        "December",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Montag",
        "Dienstag",
        "Mittwoch",
        "Donnerstag",
        "Freitag",
        "Milliarden",
        "Millionen",
        "Euro",
        "Dollar",
        "US-Dollar",
        "European",
        "American",
        "German",
        "French",
        "British",
        "Chinese",
        "Generative",
    ]
)
_NAME = r"(?:[A-Z][\w&.-]*[a-z0-9][\w&-]*|[A-Z]{2,}[\w-]*|[a-z]+[A-Z][\w-]*)"
_SUFFIX = (
    r"(?:Capital|Ventures|Partners|Inc\.?|AG|GmbH|SE|Ltd\.?|Labs|AI|Technologies|Group|Holdings|Fund|Investments|"
    r"Management|Industries)"
)
_UNKNOWN_PATTERNS = [
    # internal capitals or digits: OpenAI, SoftBank, xAI, CoreWeave
    re.compile(r"(?<![\w-])(?:[A-Z][a-z]+[A-Z][\w]*|[a-z]+[A-Z][\w]*)(?![\w])"),
    # a name with a company suffix: Thrive Capital, Mistral AI, Helsing GmbH
    re.compile(rf"(?<![\w-])(?:[A-Z][\w&]+\s){{1,3}}{_SUFFIX}(?![\w])"),
    # after a role word: led by Sequoia, angeführt von Lightspeed, investors include Accel
    re.compile(
        rf"(?:led by|co-led by|angeführt von|Runde von|Finanzierungsrunde von|unter Führung von|backed by|"
        rf"investors? including|investors include|"
        rf"Investoren wie|Investor|investor|Geldgeber|sowie|as well as)\s(?P<name>{_NAME}(?:\s{_NAME})?)"
    ),
    # the subject of a raise: "Mistral has raised", "Helsing sammelt"
    re.compile(
        rf"(?:^|(?<=[.!?]\s))(?P<name>{_NAME})\s(?:has\s|have\s|hat\s|is\s)?(?:raised|raises|secured|secures|"
        rf"sammelt|erhält|holt|closed|closes|landed|bagged)\b"
    ),
]


def unknown_mentions(text: str, known: list[Mention]) -> list[Mention]:
    """Capitalised names that look like organizations and are not known: proposed as new ones."""
    found: list[Mention] = []
    for pattern in _UNKNOWN_PATTERNS:
        for m in pattern.finditer(text):
            group = "name" if "name" in pattern.groupindex else 0
            start, end = m.start(group), m.end(group)
            name = text[start:end].rstrip(".")
            end = start + len(name)
            stripped = re.sub(r"(?:['’]s|['’])$", "", name)
            if not stripped or stripped in _UNKNOWN_STOP or stripped.split()[0] in _UNKNOWN_STOP:
                continue
            if any(k.start < end and start < k.end for k in known):
                continue
            found.append(Mention(start, end, name, stripped, False, None))
    return _non_overlapping(found)


def _non_overlapping(mentions: list[Mention]) -> list[Mention]:
    """Longest first, then leftmost: "Amazon Web Services" over "Amazon"."""
    chosen: list[Mention] = []
    for m in sorted(mentions, key=lambda m: (-(m.end - m.start), m.start)):
        if not any(c.start < m.end and m.start < c.end for c in chosen):
            chosen.append(m)
    return sorted(chosen, key=lambda m: m.start)
