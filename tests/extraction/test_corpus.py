"""The extraction corpus (bench/extraction_corpus.json) meets the issue's quality targets; speed is the bench's."""

from __future__ import annotations

from bench import extraction


def test_the_corpus_has_twenty_reports_in_each_language_and_every_trap():
    _, reports = extraction.load()
    assert sum(r["language"] == "en" for r in reports) >= 20
    assert sum(r["language"] == "de" for r in reports) >= 20
    ids = {r["id"] for r in reports}
    assert {"en-anysphere-traps", "de-parloa-traps", "de-trade-republic", "en-openai-2024"} <= ids


def test_the_corpus_meets_the_targets():
    result = extraction.run(repeats=0)
    assert result.invented == []
    for name, (precision, recall) in extraction.TARGETS.items():
        score = result.scores[name]
        assert score.precision >= precision, (name, result.misses)
        assert score.recall >= recall, (name, result.misses)
    # Beyond the targets, nothing below 90 % on the corpus.
    for name, score in result.scores.items():
        assert score.precision >= 0.9 and score.recall >= 0.9, (name, result.misses)
