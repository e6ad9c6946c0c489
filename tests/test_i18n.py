"""The German translation is complete, compiled from the current catalogue, and covers every template string."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.conf import settings
from django.utils import translation

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "de" / "LC_MESSAGES" / "django.po"


def _string(lines: list[str]) -> str:
    return "".join(ast.literal_eval(line) for line in lines)


def entries() -> list[tuple[str, list[str], bool]]:
    """(msgid, [msgstr…], fuzzy) of every entry but the header, read from the .po file."""
    result = []
    for block in CATALOGUE.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if line and not line.startswith("#~")]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        fields: dict[str, list[str]] = {}
        key = None
        for line in lines:
            if line.startswith("#"):
                continue
            match = re.match(r"^(msgid|msgid_plural|msgstr(?:\[\d\])?|msgctxt) (\".*\")$", line)
            if match:
                key = match.group(1)
                fields[key] = [match.group(2)]
            elif key and line.startswith('"'):
                fields[key].append(line)
        if "msgid" not in fields or _string(fields["msgid"]) == "":
            continue
        strs = [_string(v) for k, v in sorted(fields.items()) if k.startswith("msgstr")]
        result.append((_string(fields["msgid"]), strs, fuzzy))
    return result


def test_every_entry_is_translated_and_none_is_fuzzy():
    found = entries()
    assert len(found) > 300
    assert [msgid for msgid, strs, _f in found if not all(strs)] == []
    assert [msgid for msgid, _s, fuzzy in found if fuzzy] == []


def test_the_compiled_catalogue_matches_the_source():
    with translation.override("de"):
        stale = [msgid for msgid, strs, _f in entries() if len(strs) == 1 and translation.gettext(msgid) != strs[0]]
    assert stale == [], "run `make messages` to recompile locale/de"


def test_every_template_string_is_in_the_catalogue():
    known = {msgid for msgid, _s, _f in entries()}
    pattern = re.compile(r"""\{% (?:translate|trans) (["'])(.+?)\1""")
    missing = []
    for template in (Path(settings.BASE_DIR) / "templates").rglob("*.html"):
        for _quote, text in pattern.findall(template.read_text(encoding="utf-8")):
            if text not in known:
                missing.append(f"{template.name}: {text}")
    assert missing == []
