"""Mark affected targets dirty from database triggers, so every write path feeds the recompute pipeline.

The SQL is frozen as deals.pipeline.triggers wrote it when this migration was added; what changed there later
arrives through later migrations (0004, 0009).
"""

from django.db import migrations

INSTALL_SQL = """
CREATE OR REPLACE FUNCTION deals_mark_dirty(target_ids bigint[]) RETURNS void AS $$
BEGIN
    INSERT INTO deals_dirtytarget (target_id, marked_at, version)
    SELECT DISTINCT o.id, now(), 1
    FROM deals_organization o
    WHERE o.id = ANY(target_ids)
    ORDER BY o.id
    ON CONFLICT (target_id) DO UPDATE
        SET version = deals_dirtytarget.version + 1, marked_at = now();
END;
$$ LANGUAGE plpgsql;


CREATE OR REPLACE FUNCTION deals_fundinground_mark_dirty_insert() RETURNS trigger AS $$
BEGIN
    PERFORM deals_mark_dirty(ARRAY(SELECT DISTINCT t FROM (SELECT target_id FROM new_rows) AS affected(t) WHERE t IS NOT NULL));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS deals_fundinground_mark_dirty_insert ON deals_fundinground;
CREATE TRIGGER deals_fundinground_mark_dirty_insert AFTER INSERT ON deals_fundinground REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_fundinground_mark_dirty_insert();

CREATE OR REPLACE FUNCTION deals_fundinground_mark_dirty_update() RETURNS trigger AS $$
BEGIN
    PERFORM deals_mark_dirty(ARRAY(SELECT DISTINCT t FROM (SELECT target_id FROM new_rows UNION SELECT target_id FROM old_rows) AS affected(t) WHERE t IS NOT NULL));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS deals_fundinground_mark_dirty_update ON deals_fundinground;
CREATE TRIGGER deals_fundinground_mark_dirty_update AFTER UPDATE ON deals_fundinground REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_fundinground_mark_dirty_update();

CREATE OR REPLACE FUNCTION deals_fundinground_mark_dirty_delete() RETURNS trigger AS $$
BEGIN
    PERFORM deals_mark_dirty(ARRAY(SELECT DISTINCT t FROM (SELECT target_id FROM old_rows) AS affected(t) WHERE t IS NOT NULL));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS deals_fundinground_mark_dirty_delete ON deals_fundinground;
CREATE TRIGGER deals_fundinground_mark_dirty_delete AFTER DELETE ON deals_fundinground REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_fundinground_mark_dirty_delete();

CREATE OR REPLACE FUNCTION deals_participation_mark_dirty_insert() RETURNS trigger AS $$
BEGIN
    PERFORM deals_mark_dirty(ARRAY(SELECT DISTINCT t FROM (SELECT r.target_id FROM new_rows x JOIN deals_fundinground r ON r.id = x.round_id) AS affected(t) WHERE t IS NOT NULL));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS deals_participation_mark_dirty_insert ON deals_participation;
CREATE TRIGGER deals_participation_mark_dirty_insert AFTER INSERT ON deals_participation REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_participation_mark_dirty_insert();

CREATE OR REPLACE FUNCTION deals_participation_mark_dirty_update() RETURNS trigger AS $$
BEGIN
    PERFORM deals_mark_dirty(ARRAY(SELECT DISTINCT t FROM (SELECT r.target_id FROM new_rows x JOIN deals_fundinground r ON r.id = x.round_id UNION SELECT r.target_id FROM old_rows x JOIN deals_fundinground r ON r.id = x.round_id) AS affected(t) WHERE t IS NOT NULL));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS deals_participation_mark_dirty_update ON deals_participation;
CREATE TRIGGER deals_participation_mark_dirty_update AFTER UPDATE ON deals_participation REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_participation_mark_dirty_update();

CREATE OR REPLACE FUNCTION deals_participation_mark_dirty_delete() RETURNS trigger AS $$
BEGIN
    PERFORM deals_mark_dirty(ARRAY(SELECT DISTINCT t FROM (SELECT r.target_id FROM old_rows x JOIN deals_fundinground r ON r.id = x.round_id) AS affected(t) WHERE t IS NOT NULL));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS deals_participation_mark_dirty_delete ON deals_participation;
CREATE TRIGGER deals_participation_mark_dirty_delete AFTER DELETE ON deals_participation REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_participation_mark_dirty_delete();

CREATE OR REPLACE FUNCTION deals_condition_mark_dirty_insert() RETURNS trigger AS $$
BEGIN
    PERFORM deals_mark_dirty(ARRAY(SELECT DISTINCT t FROM (SELECT r.target_id FROM new_rows x JOIN deals_participation p ON p.id = x.participation_id JOIN deals_fundinground r ON r.id = p.round_id) AS affected(t) WHERE t IS NOT NULL));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS deals_condition_mark_dirty_insert ON deals_condition;
CREATE TRIGGER deals_condition_mark_dirty_insert AFTER INSERT ON deals_condition REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_condition_mark_dirty_insert();

CREATE OR REPLACE FUNCTION deals_condition_mark_dirty_update() RETURNS trigger AS $$
BEGIN
    PERFORM deals_mark_dirty(ARRAY(SELECT DISTINCT t FROM (SELECT r.target_id FROM new_rows x JOIN deals_participation p ON p.id = x.participation_id JOIN deals_fundinground r ON r.id = p.round_id UNION SELECT r.target_id FROM old_rows x JOIN deals_participation p ON p.id = x.participation_id JOIN deals_fundinground r ON r.id = p.round_id) AS affected(t) WHERE t IS NOT NULL));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS deals_condition_mark_dirty_update ON deals_condition;
CREATE TRIGGER deals_condition_mark_dirty_update AFTER UPDATE ON deals_condition REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_condition_mark_dirty_update();

CREATE OR REPLACE FUNCTION deals_condition_mark_dirty_delete() RETURNS trigger AS $$
BEGIN
    PERFORM deals_mark_dirty(ARRAY(SELECT DISTINCT t FROM (SELECT r.target_id FROM old_rows x JOIN deals_participation p ON p.id = x.participation_id JOIN deals_fundinground r ON r.id = p.round_id) AS affected(t) WHERE t IS NOT NULL));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS deals_condition_mark_dirty_delete ON deals_condition;
CREATE TRIGGER deals_condition_mark_dirty_delete AFTER DELETE ON deals_condition REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_condition_mark_dirty_delete();

CREATE OR REPLACE FUNCTION deals_relationship_mark_dirty_insert() RETURNS trigger AS $$
BEGIN
    PERFORM deals_mark_dirty(ARRAY(SELECT DISTINCT t FROM (SELECT g.id FROM new_rows x JOIN deals_organization o ON o.id IN (x.provider_id, x.client_id) JOIN deals_organization g ON g.id = o.id OR g.parent_id = o.id OR g.id = o.parent_id OR (o.parent_id IS NOT NULL AND g.parent_id = o.parent_id)) AS affected(t) WHERE t IS NOT NULL));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS deals_relationship_mark_dirty_insert ON deals_relationship;
CREATE TRIGGER deals_relationship_mark_dirty_insert AFTER INSERT ON deals_relationship REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_relationship_mark_dirty_insert();

CREATE OR REPLACE FUNCTION deals_relationship_mark_dirty_update() RETURNS trigger AS $$
BEGIN
    PERFORM deals_mark_dirty(ARRAY(SELECT DISTINCT t FROM (SELECT g.id FROM new_rows x JOIN deals_organization o ON o.id IN (x.provider_id, x.client_id) JOIN deals_organization g ON g.id = o.id OR g.parent_id = o.id OR g.id = o.parent_id OR (o.parent_id IS NOT NULL AND g.parent_id = o.parent_id) UNION SELECT g.id FROM old_rows x JOIN deals_organization o ON o.id IN (x.provider_id, x.client_id) JOIN deals_organization g ON g.id = o.id OR g.parent_id = o.id OR g.id = o.parent_id OR (o.parent_id IS NOT NULL AND g.parent_id = o.parent_id)) AS affected(t) WHERE t IS NOT NULL));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS deals_relationship_mark_dirty_update ON deals_relationship;
CREATE TRIGGER deals_relationship_mark_dirty_update AFTER UPDATE ON deals_relationship REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_relationship_mark_dirty_update();

CREATE OR REPLACE FUNCTION deals_relationship_mark_dirty_delete() RETURNS trigger AS $$
BEGIN
    PERFORM deals_mark_dirty(ARRAY(SELECT DISTINCT t FROM (SELECT g.id FROM old_rows x JOIN deals_organization o ON o.id IN (x.provider_id, x.client_id) JOIN deals_organization g ON g.id = o.id OR g.parent_id = o.id OR g.id = o.parent_id OR (o.parent_id IS NOT NULL AND g.parent_id = o.parent_id)) AS affected(t) WHERE t IS NOT NULL));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS deals_relationship_mark_dirty_delete ON deals_relationship;
CREATE TRIGGER deals_relationship_mark_dirty_delete AFTER DELETE ON deals_relationship REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_relationship_mark_dirty_delete();

CREATE OR REPLACE FUNCTION deals_organization_mark_dirty_insert() RETURNS trigger AS $$
BEGIN
    PERFORM deals_mark_dirty(ARRAY(SELECT DISTINCT t FROM (SELECT x.id FROM new_rows x UNION SELECT x.parent_id FROM new_rows x) AS affected(t) WHERE t IS NOT NULL));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS deals_organization_mark_dirty_insert ON deals_organization;
CREATE TRIGGER deals_organization_mark_dirty_insert AFTER INSERT ON deals_organization REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_organization_mark_dirty_insert();

CREATE OR REPLACE FUNCTION deals_organization_mark_dirty_update() RETURNS trigger AS $$
BEGIN
    PERFORM deals_mark_dirty(ARRAY(SELECT DISTINCT t FROM (SELECT x.id FROM new_rows x UNION SELECT x.parent_id FROM new_rows x UNION SELECT x.id FROM old_rows x UNION SELECT x.parent_id FROM old_rows x) AS affected(t) WHERE t IS NOT NULL));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS deals_organization_mark_dirty_update ON deals_organization;
CREATE TRIGGER deals_organization_mark_dirty_update AFTER UPDATE ON deals_organization REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_organization_mark_dirty_update();

CREATE OR REPLACE FUNCTION deals_organization_mark_dirty_delete() RETURNS trigger AS $$
BEGIN
    PERFORM deals_mark_dirty(ARRAY(SELECT DISTINCT t FROM (SELECT x.id FROM old_rows x UNION SELECT x.parent_id FROM old_rows x) AS affected(t) WHERE t IS NOT NULL));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS deals_organization_mark_dirty_delete ON deals_organization;
CREATE TRIGGER deals_organization_mark_dirty_delete AFTER DELETE ON deals_organization REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_organization_mark_dirty_delete();

CREATE OR REPLACE FUNCTION deals_fxrate_mark_dirty_insert() RETURNS trigger AS $$
BEGIN
    PERFORM deals_mark_dirty(ARRAY(SELECT DISTINCT t FROM (SELECT r.target_id FROM new_rows x JOIN deals_fundinground r ON COALESCE(r.closed_on, r.announced_on, r.reported_on) >= x.date AND (r.amount_currency IN (x.base, x.quote) OR r.post_money_valuation_currency IN (x.base, x.quote) OR r.pre_money_valuation_currency IN (x.base, x.quote))) AS affected(t) WHERE t IS NOT NULL));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS deals_fxrate_mark_dirty_insert ON deals_fxrate;
CREATE TRIGGER deals_fxrate_mark_dirty_insert AFTER INSERT ON deals_fxrate REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_fxrate_mark_dirty_insert();

CREATE OR REPLACE FUNCTION deals_fxrate_mark_dirty_update() RETURNS trigger AS $$
BEGIN
    PERFORM deals_mark_dirty(ARRAY(SELECT DISTINCT t FROM (SELECT r.target_id FROM new_rows x JOIN deals_fundinground r ON COALESCE(r.closed_on, r.announced_on, r.reported_on) >= x.date AND (r.amount_currency IN (x.base, x.quote) OR r.post_money_valuation_currency IN (x.base, x.quote) OR r.pre_money_valuation_currency IN (x.base, x.quote)) UNION SELECT r.target_id FROM old_rows x JOIN deals_fundinground r ON COALESCE(r.closed_on, r.announced_on, r.reported_on) >= x.date AND (r.amount_currency IN (x.base, x.quote) OR r.post_money_valuation_currency IN (x.base, x.quote) OR r.pre_money_valuation_currency IN (x.base, x.quote))) AS affected(t) WHERE t IS NOT NULL));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS deals_fxrate_mark_dirty_update ON deals_fxrate;
CREATE TRIGGER deals_fxrate_mark_dirty_update AFTER UPDATE ON deals_fxrate REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_fxrate_mark_dirty_update();

CREATE OR REPLACE FUNCTION deals_fxrate_mark_dirty_delete() RETURNS trigger AS $$
BEGIN
    PERFORM deals_mark_dirty(ARRAY(SELECT DISTINCT t FROM (SELECT r.target_id FROM old_rows x JOIN deals_fundinground r ON COALESCE(r.closed_on, r.announced_on, r.reported_on) >= x.date AND (r.amount_currency IN (x.base, x.quote) OR r.post_money_valuation_currency IN (x.base, x.quote) OR r.pre_money_valuation_currency IN (x.base, x.quote))) AS affected(t) WHERE t IS NOT NULL));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS deals_fxrate_mark_dirty_delete ON deals_fxrate;
CREATE TRIGGER deals_fxrate_mark_dirty_delete AFTER DELETE ON deals_fxrate REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_fxrate_mark_dirty_delete();
"""

UNINSTALL_SQL = """
DROP TRIGGER IF EXISTS deals_fundinground_mark_dirty_insert ON deals_fundinground;
DROP FUNCTION IF EXISTS deals_fundinground_mark_dirty_insert();
DROP TRIGGER IF EXISTS deals_fundinground_mark_dirty_update ON deals_fundinground;
DROP FUNCTION IF EXISTS deals_fundinground_mark_dirty_update();
DROP TRIGGER IF EXISTS deals_fundinground_mark_dirty_delete ON deals_fundinground;
DROP FUNCTION IF EXISTS deals_fundinground_mark_dirty_delete();
DROP TRIGGER IF EXISTS deals_participation_mark_dirty_insert ON deals_participation;
DROP FUNCTION IF EXISTS deals_participation_mark_dirty_insert();
DROP TRIGGER IF EXISTS deals_participation_mark_dirty_update ON deals_participation;
DROP FUNCTION IF EXISTS deals_participation_mark_dirty_update();
DROP TRIGGER IF EXISTS deals_participation_mark_dirty_delete ON deals_participation;
DROP FUNCTION IF EXISTS deals_participation_mark_dirty_delete();
DROP TRIGGER IF EXISTS deals_condition_mark_dirty_insert ON deals_condition;
DROP FUNCTION IF EXISTS deals_condition_mark_dirty_insert();
DROP TRIGGER IF EXISTS deals_condition_mark_dirty_update ON deals_condition;
DROP FUNCTION IF EXISTS deals_condition_mark_dirty_update();
DROP TRIGGER IF EXISTS deals_condition_mark_dirty_delete ON deals_condition;
DROP FUNCTION IF EXISTS deals_condition_mark_dirty_delete();
DROP TRIGGER IF EXISTS deals_relationship_mark_dirty_insert ON deals_relationship;
DROP FUNCTION IF EXISTS deals_relationship_mark_dirty_insert();
DROP TRIGGER IF EXISTS deals_relationship_mark_dirty_update ON deals_relationship;
DROP FUNCTION IF EXISTS deals_relationship_mark_dirty_update();
DROP TRIGGER IF EXISTS deals_relationship_mark_dirty_delete ON deals_relationship;
DROP FUNCTION IF EXISTS deals_relationship_mark_dirty_delete();
DROP TRIGGER IF EXISTS deals_organization_mark_dirty_insert ON deals_organization;
DROP FUNCTION IF EXISTS deals_organization_mark_dirty_insert();
DROP TRIGGER IF EXISTS deals_organization_mark_dirty_update ON deals_organization;
DROP FUNCTION IF EXISTS deals_organization_mark_dirty_update();
DROP TRIGGER IF EXISTS deals_organization_mark_dirty_delete ON deals_organization;
DROP FUNCTION IF EXISTS deals_organization_mark_dirty_delete();
DROP TRIGGER IF EXISTS deals_fxrate_mark_dirty_insert ON deals_fxrate;
DROP FUNCTION IF EXISTS deals_fxrate_mark_dirty_insert();
DROP TRIGGER IF EXISTS deals_fxrate_mark_dirty_update ON deals_fxrate;
DROP FUNCTION IF EXISTS deals_fxrate_mark_dirty_update();
DROP TRIGGER IF EXISTS deals_fxrate_mark_dirty_delete ON deals_fxrate;
DROP FUNCTION IF EXISTS deals_fxrate_mark_dirty_delete();
DROP FUNCTION IF EXISTS deals_mark_dirty(bigint[]);
"""


class Migration(migrations.Migration):
    dependencies = [("deals", "0002_groups")]

    operations = [migrations.RunSQL(INSTALL_SQL, UNINSTALL_SQL)]
