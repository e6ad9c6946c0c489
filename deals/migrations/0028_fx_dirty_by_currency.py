"""Exchange rates mark the rounds they affect by currency, not rate by rate.

A rate of ``base``/``quote`` on ``date`` affects the rounds dated on or after it that have a figure in either
currency. The triggers of 0009 joined every written rate to every round by that condition, a nested loop:
loading the ECB history (193,723 rates) took 62 s beside 10,000 rounds, and it would take hours beside a million.
A round is affected exactly when one of its currencies has a written rate dated on or before the round, so the
triggers now take each currency's earliest written date and join the rounds to those few rows by currency
(one hash join per figure column): the same rounds, read once.
"""

from django.db import migrations

#: deals/pipeline/triggers.py's exchange-rate functions, frozen as of this migration.
FORWARD = """
CREATE OR REPLACE FUNCTION deals_fx_targets(currencies text[], firsts date[]) RETURNS bigint[] AS $$
    SELECT ARRAY(
        SELECT r.target_id FROM unnest(currencies, firsts) AS f(currency, first)
        JOIN deals_fundinground r ON r.amount_currency = f.currency
        WHERE COALESCE(r.closed_on, r.announced_on, r.reported_on) >= f.first
        UNION
        SELECT r.target_id FROM unnest(currencies, firsts) AS f(currency, first)
        JOIN deals_fundinground r ON r.post_money_valuation_currency = f.currency
        WHERE COALESCE(r.closed_on, r.announced_on, r.reported_on) >= f.first
        UNION
        SELECT r.target_id FROM unnest(currencies, firsts) AS f(currency, first)
        JOIN deals_fundinground r ON r.pre_money_valuation_currency = f.currency
        WHERE COALESCE(r.closed_on, r.announced_on, r.reported_on) >= f.first
    )
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION deals_fxrate_mark_dirty_insert() RETURNS trigger AS $$
DECLARE
    currencies text[];
    firsts date[];
BEGIN
    SELECT array_agg(currency), array_agg(first) INTO currencies, firsts FROM (
        SELECT currency, min(date) AS first FROM (SELECT base, date FROM new_rows UNION ALL SELECT quote, date FROM new_rows) AS x(currency, date) GROUP BY currency
    ) AS f;
    PERFORM deals_mark_dirty(deals_fx_targets(currencies, firsts));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION deals_fxrate_mark_dirty_update() RETURNS trigger AS $$
DECLARE
    currencies text[];
    firsts date[];
BEGIN
    SELECT array_agg(currency), array_agg(first) INTO currencies, firsts FROM (
        SELECT currency, min(date) AS first FROM (SELECT base, date FROM new_rows UNION ALL SELECT quote, date FROM new_rows UNION ALL SELECT base, date FROM old_rows UNION ALL SELECT quote, date FROM old_rows) AS x(currency, date) GROUP BY currency
    ) AS f;
    PERFORM deals_mark_dirty(deals_fx_targets(currencies, firsts));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION deals_fxrate_mark_dirty_delete() RETURNS trigger AS $$
DECLARE
    currencies text[];
    firsts date[];
BEGIN
    SELECT array_agg(currency), array_agg(first) INTO currencies, firsts FROM (
        SELECT currency, min(date) AS first FROM (SELECT base, date FROM old_rows UNION ALL SELECT quote, date FROM old_rows) AS x(currency, date) GROUP BY currency
    ) AS f;
    PERFORM deals_mark_dirty(deals_fx_targets(currencies, firsts));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

#: The functions of 0009, as they were.
_AFFECTED = (
    "SELECT r.target_id FROM {rows} x JOIN deals_fundinground r ON COALESCE(r.closed_on, r.announced_on, "
    "r.reported_on) >= x.date AND (r.amount_currency IN (x.base, x.quote) OR r.post_money_valuation_currency IN "
    "(x.base, x.quote) OR r.pre_money_valuation_currency IN (x.base, x.quote))"
)
_FUNCTION = """
CREATE OR REPLACE FUNCTION deals_fxrate_mark_dirty_{operation}() RETURNS trigger AS $$
BEGIN
    PERFORM deals_mark_dirty(ARRAY(SELECT DISTINCT t FROM ({affected}) AS affected(t) WHERE t IS NOT NULL));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""
BACKWARD = (
    _FUNCTION.format(operation="insert", affected=_AFFECTED.format(rows="new_rows"))
    + _FUNCTION.format(
        operation="update",
        affected=_AFFECTED.format(rows="new_rows") + " UNION " + _AFFECTED.format(rows="old_rows"),
    )
    + _FUNCTION.format(operation="delete", affected=_AFFECTED.format(rows="old_rows"))
    + "DROP FUNCTION IF EXISTS deals_fx_targets(text[], date[]);"
)


class Migration(migrations.Migration):
    dependencies = [("deals", "0027_round_target_date_index")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
