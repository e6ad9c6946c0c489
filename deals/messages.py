"""Stored messages — related-party reasons, round warnings and cycle labels — as codes with parameters.

The recompute stores ``{"code": …, "params": {…}}`` rather than a sentence, so each reader sees it in their
own language: pages through :func:`text` (the ``message`` template filter), the API through :func:`as_api`
(the code, its parameters and the text in the request's language). Parameters are the names and figures the
sentence quotes; a ``kind`` is the choice's value, translated when shown. A plain string (a message stored
before codes) is shown as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import get_language, gettext, gettext_lazy

from deals.choices import ConditionKind, RelationshipKind

#: Every code and its sentence; the parameters are named in it.
TEXTS = {
    # A cycle's step along a commercial tie.
    "tie": gettext_lazy("%(kind)s from %(provider)s to %(client)s"),
    # Related-party reasons: the investor's group supplies the target's, or buys from it, or is the
    # counterparty of one of its conditions.
    "provider_of": gettext_lazy("provider of %(kind)s to %(client)s"),
    "provider_of_via": gettext_lazy("provider of %(kind)s to %(client)s via %(via)s"),
    "client_of": gettext_lazy("client of %(provider)s for %(kind)s"),
    "client_of_via": gettext_lazy("client of %(provider)s for %(kind)s via %(via)s"),
    "condition_with": gettext_lazy("condition: %(kind)s with %(counterparty)s"),
    # Round warnings of the engine.
    "pending_condition": gettext_lazy("Some stakes hold only if their conditions are met: %(conditions)s."),
    "several_currencies": gettext_lazy("Figures in several currencies (%(currencies)s); convert them first."),
    "commitments_exceed_amount": gettext_lazy(
        "The participations add up to at least %(commitments)s, more than the round's at most %(amount)s."
    ),
    # Currency conversion (deals.engine.fx): stored with the round's warnings, and the API's
    # conversion_warnings.
    "no_source_currency": gettext_lazy("The figure has no currency to convert from."),
    "no_date": gettext_lazy("The figure has no date, so no %(source)s→%(to)s rate applies."),
    "no_rate": gettext_lazy("No %(source)s→%(to)s rate on or before %(on)s."),
    "no_target_currency": gettext_lazy("No currency to convert into."),
}

#: The codes whose ``kind`` is a condition's kind; every other ``kind`` is a relationship's.
_CONDITION_KINDS = {"condition_with"}


def message(code: str, **params: Any) -> dict[str, Any]:
    """A stored message: its code and the values its sentence quotes."""
    return {"code": code, "params": params}


def _kind(code: str, kind: str) -> str:
    """The kind's label in the active language; lower-cased inside an English sentence (German keeps its
    nouns capitalised)."""
    choices: Any = ConditionKind if code in _CONDITION_KINDS else RelationshipKind
    try:
        label = str(choices(kind).label)
    except ValueError:
        return kind
    return label.lower() if (get_language() or "en").startswith("en") else label


def text(stored: Any) -> str:
    """The message in the active language; a plain string as it is; an unknown code by its code."""
    if not isinstance(stored, Mapping):
        return "" if stored is None else str(stored)
    code = str(stored.get("code", ""))
    params = dict(stored.get("params") or {})
    template = TEXTS.get(code)
    if template is None:
        return code
    if "kind" in params:
        params["kind"] = _kind(code, str(params["kind"]))
    try:
        return gettext(str(template)) % params
    except (KeyError, TypeError, ValueError):
        return code


def as_api(stored: Any) -> dict[str, Any]:
    """How the API shows a stored message: ``code`` (null for a plain string), ``params`` and ``text``."""
    if isinstance(stored, Mapping):
        return {"code": stored.get("code"), "params": dict(stored.get("params") or {}), "text": text(stored)}
    return {"code": None, "params": {}, "text": text(stored)}


def texts(stored: Iterable[Any]) -> list[str]:
    return [text(m) for m in stored]


def sort_key(stored: Any) -> str:
    """An order of messages independent of the language: by code, then parameters."""
    if isinstance(stored, Mapping):
        params = stored.get("params") or {}
        return f"{stored.get('code')}\x1f" + "\x1f".join(f"{k}={params[k]}" for k in sorted(params))
    return f"\x1f{stored}"
