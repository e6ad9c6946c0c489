"""Each field value existing records hold becomes a claim: one from each source the record cites (dated by the
source's publication, with the citation's note), or one entered by hand when it cites none. Conditions cite no
sources, so theirs are entered by hand. The field lists are frozen here, as the model held them when this was
written; the SQL runs in the database, one INSERT … SELECT per field."""

from django.db import migrations

#: (table, claim column, fields): a field is ("name", "estimate") or ("name", SQL giving the stated text).
TARGETS = (
    (
        "deals_fundinground",
        "round_id",
        (
            ("amount", "estimate"),
            ("pre_money_valuation", "estimate"),
            ("post_money_valuation", "estimate"),
            ("status", "r.status"),
            ("reported_on", "to_char(r.reported_on, 'YYYY-MM-DD')"),
            ("announced_on", "to_char(r.announced_on, 'YYYY-MM-DD')"),
            ("closed_on", "to_char(r.closed_on, 'YYYY-MM-DD')"),
            ("round_type", "r.round_type"),
        ),
    ),
    (
        "deals_participation",
        "participation_id",
        (
            ("amount", "estimate"),
            ("is_lead", "CASE WHEN r.is_lead THEN 'true' ELSE 'false' END"),
            ("instrument", "r.instrument"),
            ("status", "r.status"),
        ),
    ),
    ("deals_condition", "condition_id", (("status", "r.status"),)),
    ("deals_metric", "metric_id", (("value", "estimate"),)),
    ("deals_relationship", "relationship_id", (("annual_value", "estimate"),)),
)

COLUMNS = (
    "field, estimate_value, estimate_low, estimate_high, estimate_qualifier, estimate_currency, stated_value, "
    "source_id, stated_on, quote, note, created_at, accepted, accepted_reason, version"
)


def _statements() -> list[str]:
    statements = []
    for table, column, fields in TARGETS:
        cited = column != "condition_id"
        created = "now()" if table == "deals_condition" else "r.created_at"
        for field, stated in fields:
            if stated == "estimate":
                parts = ", ".join(f"r.{field}_{p}" for p in ("value", "low", "high", "qualifier", "currency"))
                values, present = f"{parts}, ''", f"r.{field}_qualifier IS NOT NULL"
            else:
                values, present = f"NULL, NULL, NULL, NULL, NULL, {stated}", f"{stated} IS NOT NULL"
            if cited:
                statements.append(
                    f"INSERT INTO deals_claim ({column}, {COLUMNS}) "
                    f"SELECT r.id, '{field}', {values}, c.source_id, s.published_on, '', c.note, {created}, false, '', 1 "
                    f"FROM {table} r JOIN deals_citation c ON c.{column} = r.id JOIN deals_source s ON s.id = c.source_id "
                    f"WHERE {present} ORDER BY r.id, c.id;"
                )
                by_hand = f"AND NOT EXISTS (SELECT FROM deals_citation c WHERE c.{column} = r.id)"
            else:
                by_hand = ""
            statements.append(
                f"INSERT INTO deals_claim ({column}, {COLUMNS}) "
                f"SELECT r.id, '{field}', {values}, NULL, NULL, '', '', {created}, false, '', 1 "
                f"FROM {table} r WHERE {present} {by_hand} ORDER BY r.id;"
            )
    return statements


BACKFILL_SQL = "\n".join(_statements())


class Migration(migrations.Migration):
    dependencies = [("deals", "0013_claims")]

    operations = [migrations.RunSQL(BACKFILL_SQL, reverse_sql="DELETE FROM deals_claim;")]
