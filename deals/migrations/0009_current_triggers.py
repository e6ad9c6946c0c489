"""Bring every database to today's trigger functions and triggers, whichever older main created it.

Until this migration, 0003, 0004 and 0006 ran whatever deals.pipeline.triggers and deals.api.cache held when
``migrate`` ran, so a database created before a change to those modules kept the older definitions. Those
migrations now carry the SQL of their own day, and this one installs the definitions of the day it was
written, frozen here:

- the dirty-marking functions and triggers, unchanged since 0004, installed again because a database whose
  0003 ran another module version must end the same;
- the data version's triggers, which now share one function (``deals_data_statement``) instead of one per
  transition table name; the three older functions are dropped.

Reversing restores the data version's triggers of 0006 and leaves the dirty marking as 0004 left it.
"""

from django.db import migrations

DIRTY_MARKING_SQL = """
CREATE OR REPLACE FUNCTION deals_mark_dirty(target_ids bigint[]) RETURNS void AS $$
BEGIN
    INSERT INTO deals_dirtytarget (target_id, marked_at, version, stage)
    SELECT DISTINCT o.id, now(), 1, 1
    FROM deals_organization o
    WHERE o.id = ANY(target_ids)
    ORDER BY o.id
    ON CONFLICT (target_id) DO UPDATE
        SET version = deals_dirtytarget.version + 1, marked_at = now(), stage = 1;
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

DATA_VERSION_SQL = """
-- At commit: the next version, and the transaction's bump row gone.
CREATE OR REPLACE FUNCTION deals_data_version_bump() RETURNS trigger AS $$
BEGIN
    UPDATE deals_data_version SET version = nextval('deals_data_version_seq') WHERE id = 1;
    DELETE FROM deals_data_version_bump WHERE id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS deals_data_version_bump ON deals_data_version_bump;
CREATE CONSTRAINT TRIGGER deals_data_version_bump AFTER INSERT ON deals_data_version_bump
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION deals_data_version_bump();
ALTER TABLE deals_data_version_bump ENABLE ALWAYS TRIGGER deals_data_version_bump;

-- Once per transaction (a transaction-local setting remembers it; a rolled-back savepoint forgets both).
CREATE OR REPLACE FUNCTION deals_data_changed() RETURNS void AS $$
BEGIN
    IF current_setting('deals.data_changed', true) IS DISTINCT FROM 'yes' THEN
        PERFORM set_config('deals.data_changed', 'yes', true);
        INSERT INTO deals_data_version_bump DEFAULT VALUES;
    END IF;
END;
$$ LANGUAGE plpgsql;
-- After a statement: a TRUNCATE, or an INSERT, UPDATE or DELETE that touched rows (its transition table,
-- named changed_rows by every trigger, is not empty).
CREATE OR REPLACE FUNCTION deals_data_statement() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM deals_data_changed();
    ELSIF EXISTS (SELECT FROM changed_rows) THEN
        PERFORM deals_data_changed();
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS deals_organization_version_insert ON deals_organization;
CREATE TRIGGER deals_organization_version_insert AFTER INSERT ON deals_organization REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_organization ENABLE ALWAYS TRIGGER deals_organization_version_insert;
DROP TRIGGER IF EXISTS deals_organization_version_update ON deals_organization;
CREATE TRIGGER deals_organization_version_update AFTER UPDATE ON deals_organization REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_organization ENABLE ALWAYS TRIGGER deals_organization_version_update;
DROP TRIGGER IF EXISTS deals_organization_version_delete ON deals_organization;
CREATE TRIGGER deals_organization_version_delete AFTER DELETE ON deals_organization REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_organization ENABLE ALWAYS TRIGGER deals_organization_version_delete;
DROP TRIGGER IF EXISTS deals_organization_version_truncate ON deals_organization;
CREATE TRIGGER deals_organization_version_truncate AFTER TRUNCATE ON deals_organization  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_organization ENABLE ALWAYS TRIGGER deals_organization_version_truncate;
DROP TRIGGER IF EXISTS deals_source_version_insert ON deals_source;
CREATE TRIGGER deals_source_version_insert AFTER INSERT ON deals_source REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_source ENABLE ALWAYS TRIGGER deals_source_version_insert;
DROP TRIGGER IF EXISTS deals_source_version_update ON deals_source;
CREATE TRIGGER deals_source_version_update AFTER UPDATE ON deals_source REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_source ENABLE ALWAYS TRIGGER deals_source_version_update;
DROP TRIGGER IF EXISTS deals_source_version_delete ON deals_source;
CREATE TRIGGER deals_source_version_delete AFTER DELETE ON deals_source REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_source ENABLE ALWAYS TRIGGER deals_source_version_delete;
DROP TRIGGER IF EXISTS deals_source_version_truncate ON deals_source;
CREATE TRIGGER deals_source_version_truncate AFTER TRUNCATE ON deals_source  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_source ENABLE ALWAYS TRIGGER deals_source_version_truncate;
DROP TRIGGER IF EXISTS deals_citation_version_insert ON deals_citation;
CREATE TRIGGER deals_citation_version_insert AFTER INSERT ON deals_citation REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_citation ENABLE ALWAYS TRIGGER deals_citation_version_insert;
DROP TRIGGER IF EXISTS deals_citation_version_update ON deals_citation;
CREATE TRIGGER deals_citation_version_update AFTER UPDATE ON deals_citation REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_citation ENABLE ALWAYS TRIGGER deals_citation_version_update;
DROP TRIGGER IF EXISTS deals_citation_version_delete ON deals_citation;
CREATE TRIGGER deals_citation_version_delete AFTER DELETE ON deals_citation REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_citation ENABLE ALWAYS TRIGGER deals_citation_version_delete;
DROP TRIGGER IF EXISTS deals_citation_version_truncate ON deals_citation;
CREATE TRIGGER deals_citation_version_truncate AFTER TRUNCATE ON deals_citation  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_citation ENABLE ALWAYS TRIGGER deals_citation_version_truncate;
DROP TRIGGER IF EXISTS deals_fundinground_version_insert ON deals_fundinground;
CREATE TRIGGER deals_fundinground_version_insert AFTER INSERT ON deals_fundinground REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_fundinground ENABLE ALWAYS TRIGGER deals_fundinground_version_insert;
DROP TRIGGER IF EXISTS deals_fundinground_version_update ON deals_fundinground;
CREATE TRIGGER deals_fundinground_version_update AFTER UPDATE ON deals_fundinground REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_fundinground ENABLE ALWAYS TRIGGER deals_fundinground_version_update;
DROP TRIGGER IF EXISTS deals_fundinground_version_delete ON deals_fundinground;
CREATE TRIGGER deals_fundinground_version_delete AFTER DELETE ON deals_fundinground REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_fundinground ENABLE ALWAYS TRIGGER deals_fundinground_version_delete;
DROP TRIGGER IF EXISTS deals_fundinground_version_truncate ON deals_fundinground;
CREATE TRIGGER deals_fundinground_version_truncate AFTER TRUNCATE ON deals_fundinground  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_fundinground ENABLE ALWAYS TRIGGER deals_fundinground_version_truncate;
DROP TRIGGER IF EXISTS deals_roundstatuschange_version_insert ON deals_roundstatuschange;
CREATE TRIGGER deals_roundstatuschange_version_insert AFTER INSERT ON deals_roundstatuschange REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_roundstatuschange ENABLE ALWAYS TRIGGER deals_roundstatuschange_version_insert;
DROP TRIGGER IF EXISTS deals_roundstatuschange_version_update ON deals_roundstatuschange;
CREATE TRIGGER deals_roundstatuschange_version_update AFTER UPDATE ON deals_roundstatuschange REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_roundstatuschange ENABLE ALWAYS TRIGGER deals_roundstatuschange_version_update;
DROP TRIGGER IF EXISTS deals_roundstatuschange_version_delete ON deals_roundstatuschange;
CREATE TRIGGER deals_roundstatuschange_version_delete AFTER DELETE ON deals_roundstatuschange REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_roundstatuschange ENABLE ALWAYS TRIGGER deals_roundstatuschange_version_delete;
DROP TRIGGER IF EXISTS deals_roundstatuschange_version_truncate ON deals_roundstatuschange;
CREATE TRIGGER deals_roundstatuschange_version_truncate AFTER TRUNCATE ON deals_roundstatuschange  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_roundstatuschange ENABLE ALWAYS TRIGGER deals_roundstatuschange_version_truncate;
DROP TRIGGER IF EXISTS deals_participation_version_insert ON deals_participation;
CREATE TRIGGER deals_participation_version_insert AFTER INSERT ON deals_participation REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_participation ENABLE ALWAYS TRIGGER deals_participation_version_insert;
DROP TRIGGER IF EXISTS deals_participation_version_update ON deals_participation;
CREATE TRIGGER deals_participation_version_update AFTER UPDATE ON deals_participation REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_participation ENABLE ALWAYS TRIGGER deals_participation_version_update;
DROP TRIGGER IF EXISTS deals_participation_version_delete ON deals_participation;
CREATE TRIGGER deals_participation_version_delete AFTER DELETE ON deals_participation REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_participation ENABLE ALWAYS TRIGGER deals_participation_version_delete;
DROP TRIGGER IF EXISTS deals_participation_version_truncate ON deals_participation;
CREATE TRIGGER deals_participation_version_truncate AFTER TRUNCATE ON deals_participation  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_participation ENABLE ALWAYS TRIGGER deals_participation_version_truncate;
DROP TRIGGER IF EXISTS deals_condition_version_insert ON deals_condition;
CREATE TRIGGER deals_condition_version_insert AFTER INSERT ON deals_condition REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_condition ENABLE ALWAYS TRIGGER deals_condition_version_insert;
DROP TRIGGER IF EXISTS deals_condition_version_update ON deals_condition;
CREATE TRIGGER deals_condition_version_update AFTER UPDATE ON deals_condition REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_condition ENABLE ALWAYS TRIGGER deals_condition_version_update;
DROP TRIGGER IF EXISTS deals_condition_version_delete ON deals_condition;
CREATE TRIGGER deals_condition_version_delete AFTER DELETE ON deals_condition REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_condition ENABLE ALWAYS TRIGGER deals_condition_version_delete;
DROP TRIGGER IF EXISTS deals_condition_version_truncate ON deals_condition;
CREATE TRIGGER deals_condition_version_truncate AFTER TRUNCATE ON deals_condition  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_condition ENABLE ALWAYS TRIGGER deals_condition_version_truncate;
DROP TRIGGER IF EXISTS deals_relationship_version_insert ON deals_relationship;
CREATE TRIGGER deals_relationship_version_insert AFTER INSERT ON deals_relationship REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_relationship ENABLE ALWAYS TRIGGER deals_relationship_version_insert;
DROP TRIGGER IF EXISTS deals_relationship_version_update ON deals_relationship;
CREATE TRIGGER deals_relationship_version_update AFTER UPDATE ON deals_relationship REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_relationship ENABLE ALWAYS TRIGGER deals_relationship_version_update;
DROP TRIGGER IF EXISTS deals_relationship_version_delete ON deals_relationship;
CREATE TRIGGER deals_relationship_version_delete AFTER DELETE ON deals_relationship REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_relationship ENABLE ALWAYS TRIGGER deals_relationship_version_delete;
DROP TRIGGER IF EXISTS deals_relationship_version_truncate ON deals_relationship;
CREATE TRIGGER deals_relationship_version_truncate AFTER TRUNCATE ON deals_relationship  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_relationship ENABLE ALWAYS TRIGGER deals_relationship_version_truncate;
DROP TRIGGER IF EXISTS deals_metric_version_insert ON deals_metric;
CREATE TRIGGER deals_metric_version_insert AFTER INSERT ON deals_metric REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_metric ENABLE ALWAYS TRIGGER deals_metric_version_insert;
DROP TRIGGER IF EXISTS deals_metric_version_update ON deals_metric;
CREATE TRIGGER deals_metric_version_update AFTER UPDATE ON deals_metric REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_metric ENABLE ALWAYS TRIGGER deals_metric_version_update;
DROP TRIGGER IF EXISTS deals_metric_version_delete ON deals_metric;
CREATE TRIGGER deals_metric_version_delete AFTER DELETE ON deals_metric REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_metric ENABLE ALWAYS TRIGGER deals_metric_version_delete;
DROP TRIGGER IF EXISTS deals_metric_version_truncate ON deals_metric;
CREATE TRIGGER deals_metric_version_truncate AFTER TRUNCATE ON deals_metric  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_metric ENABLE ALWAYS TRIGGER deals_metric_version_truncate;
DROP TRIGGER IF EXISTS deals_fxrate_version_insert ON deals_fxrate;
CREATE TRIGGER deals_fxrate_version_insert AFTER INSERT ON deals_fxrate REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_fxrate ENABLE ALWAYS TRIGGER deals_fxrate_version_insert;
DROP TRIGGER IF EXISTS deals_fxrate_version_update ON deals_fxrate;
CREATE TRIGGER deals_fxrate_version_update AFTER UPDATE ON deals_fxrate REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_fxrate ENABLE ALWAYS TRIGGER deals_fxrate_version_update;
DROP TRIGGER IF EXISTS deals_fxrate_version_delete ON deals_fxrate;
CREATE TRIGGER deals_fxrate_version_delete AFTER DELETE ON deals_fxrate REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_fxrate ENABLE ALWAYS TRIGGER deals_fxrate_version_delete;
DROP TRIGGER IF EXISTS deals_fxrate_version_truncate ON deals_fxrate;
CREATE TRIGGER deals_fxrate_version_truncate AFTER TRUNCATE ON deals_fxrate  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_fxrate ENABLE ALWAYS TRIGGER deals_fxrate_version_truncate;
DROP TRIGGER IF EXISTS deals_roundfigures_version_insert ON deals_roundfigures;
CREATE TRIGGER deals_roundfigures_version_insert AFTER INSERT ON deals_roundfigures REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_roundfigures ENABLE ALWAYS TRIGGER deals_roundfigures_version_insert;
DROP TRIGGER IF EXISTS deals_roundfigures_version_update ON deals_roundfigures;
CREATE TRIGGER deals_roundfigures_version_update AFTER UPDATE ON deals_roundfigures REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_roundfigures ENABLE ALWAYS TRIGGER deals_roundfigures_version_update;
DROP TRIGGER IF EXISTS deals_roundfigures_version_delete ON deals_roundfigures;
CREATE TRIGGER deals_roundfigures_version_delete AFTER DELETE ON deals_roundfigures REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_roundfigures ENABLE ALWAYS TRIGGER deals_roundfigures_version_delete;
DROP TRIGGER IF EXISTS deals_roundfigures_version_truncate ON deals_roundfigures;
CREATE TRIGGER deals_roundfigures_version_truncate AFTER TRUNCATE ON deals_roundfigures  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_roundfigures ENABLE ALWAYS TRIGGER deals_roundfigures_version_truncate;
DROP TRIGGER IF EXISTS deals_participationfigures_version_insert ON deals_participationfigures;
CREATE TRIGGER deals_participationfigures_version_insert AFTER INSERT ON deals_participationfigures REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_participationfigures ENABLE ALWAYS TRIGGER deals_participationfigures_version_insert;
DROP TRIGGER IF EXISTS deals_participationfigures_version_update ON deals_participationfigures;
CREATE TRIGGER deals_participationfigures_version_update AFTER UPDATE ON deals_participationfigures REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_participationfigures ENABLE ALWAYS TRIGGER deals_participationfigures_version_update;
DROP TRIGGER IF EXISTS deals_participationfigures_version_delete ON deals_participationfigures;
CREATE TRIGGER deals_participationfigures_version_delete AFTER DELETE ON deals_participationfigures REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_participationfigures ENABLE ALWAYS TRIGGER deals_participationfigures_version_delete;
DROP TRIGGER IF EXISTS deals_participationfigures_version_truncate ON deals_participationfigures;
CREATE TRIGGER deals_participationfigures_version_truncate AFTER TRUNCATE ON deals_participationfigures  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_participationfigures ENABLE ALWAYS TRIGGER deals_participationfigures_version_truncate;
DROP TRIGGER IF EXISTS deals_position_version_insert ON deals_position;
CREATE TRIGGER deals_position_version_insert AFTER INSERT ON deals_position REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_position ENABLE ALWAYS TRIGGER deals_position_version_insert;
DROP TRIGGER IF EXISTS deals_position_version_update ON deals_position;
CREATE TRIGGER deals_position_version_update AFTER UPDATE ON deals_position REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_position ENABLE ALWAYS TRIGGER deals_position_version_update;
DROP TRIGGER IF EXISTS deals_position_version_delete ON deals_position;
CREATE TRIGGER deals_position_version_delete AFTER DELETE ON deals_position REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_position ENABLE ALWAYS TRIGGER deals_position_version_delete;
DROP TRIGGER IF EXISTS deals_position_version_truncate ON deals_position;
CREATE TRIGGER deals_position_version_truncate AFTER TRUNCATE ON deals_position  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_position ENABLE ALWAYS TRIGGER deals_position_version_truncate;
DROP TRIGGER IF EXISTS deals_cycle_version_insert ON deals_cycle;
CREATE TRIGGER deals_cycle_version_insert AFTER INSERT ON deals_cycle REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_cycle ENABLE ALWAYS TRIGGER deals_cycle_version_insert;
DROP TRIGGER IF EXISTS deals_cycle_version_update ON deals_cycle;
CREATE TRIGGER deals_cycle_version_update AFTER UPDATE ON deals_cycle REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_cycle ENABLE ALWAYS TRIGGER deals_cycle_version_update;
DROP TRIGGER IF EXISTS deals_cycle_version_delete ON deals_cycle;
CREATE TRIGGER deals_cycle_version_delete AFTER DELETE ON deals_cycle REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_cycle ENABLE ALWAYS TRIGGER deals_cycle_version_delete;
DROP TRIGGER IF EXISTS deals_cycle_version_truncate ON deals_cycle;
CREATE TRIGGER deals_cycle_version_truncate AFTER TRUNCATE ON deals_cycle  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_cycle ENABLE ALWAYS TRIGGER deals_cycle_version_truncate;
DROP TRIGGER IF EXISTS deals_dirtytarget_version_insert ON deals_dirtytarget;
CREATE TRIGGER deals_dirtytarget_version_insert AFTER INSERT ON deals_dirtytarget REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_dirtytarget ENABLE ALWAYS TRIGGER deals_dirtytarget_version_insert;
DROP TRIGGER IF EXISTS deals_dirtytarget_version_update ON deals_dirtytarget;
CREATE TRIGGER deals_dirtytarget_version_update AFTER UPDATE ON deals_dirtytarget REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_dirtytarget ENABLE ALWAYS TRIGGER deals_dirtytarget_version_update;
DROP TRIGGER IF EXISTS deals_dirtytarget_version_delete ON deals_dirtytarget;
CREATE TRIGGER deals_dirtytarget_version_delete AFTER DELETE ON deals_dirtytarget REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_dirtytarget ENABLE ALWAYS TRIGGER deals_dirtytarget_version_delete;
DROP TRIGGER IF EXISTS deals_dirtytarget_version_truncate ON deals_dirtytarget;
CREATE TRIGGER deals_dirtytarget_version_truncate AFTER TRUNCATE ON deals_dirtytarget  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_dirtytarget ENABLE ALWAYS TRIGGER deals_dirtytarget_version_truncate;
DROP FUNCTION IF EXISTS deals_data_changed_new(), deals_data_changed_old(), deals_data_changed_all();
"""

# The data version's functions and triggers as 0006 installed them.
DATA_VERSION_0006_SQL = """
CREATE OR REPLACE FUNCTION deals_data_changed_new() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT FROM new_rows) THEN PERFORM deals_data_changed(); END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION deals_data_changed_old() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT FROM old_rows) THEN PERFORM deals_data_changed(); END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION deals_data_changed_all() RETURNS trigger AS $$
BEGIN
    PERFORM deals_data_changed();
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS deals_organization_version_insert ON deals_organization;
CREATE TRIGGER deals_organization_version_insert AFTER INSERT ON deals_organization REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_organization ENABLE ALWAYS TRIGGER deals_organization_version_insert;
DROP TRIGGER IF EXISTS deals_organization_version_update ON deals_organization;
CREATE TRIGGER deals_organization_version_update AFTER UPDATE ON deals_organization REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_organization ENABLE ALWAYS TRIGGER deals_organization_version_update;
DROP TRIGGER IF EXISTS deals_organization_version_delete ON deals_organization;
CREATE TRIGGER deals_organization_version_delete AFTER DELETE ON deals_organization REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_old();
ALTER TABLE deals_organization ENABLE ALWAYS TRIGGER deals_organization_version_delete;
DROP TRIGGER IF EXISTS deals_organization_version_truncate ON deals_organization;
CREATE TRIGGER deals_organization_version_truncate AFTER TRUNCATE ON deals_organization  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_all();
ALTER TABLE deals_organization ENABLE ALWAYS TRIGGER deals_organization_version_truncate;
DROP TRIGGER IF EXISTS deals_source_version_insert ON deals_source;
CREATE TRIGGER deals_source_version_insert AFTER INSERT ON deals_source REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_source ENABLE ALWAYS TRIGGER deals_source_version_insert;
DROP TRIGGER IF EXISTS deals_source_version_update ON deals_source;
CREATE TRIGGER deals_source_version_update AFTER UPDATE ON deals_source REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_source ENABLE ALWAYS TRIGGER deals_source_version_update;
DROP TRIGGER IF EXISTS deals_source_version_delete ON deals_source;
CREATE TRIGGER deals_source_version_delete AFTER DELETE ON deals_source REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_old();
ALTER TABLE deals_source ENABLE ALWAYS TRIGGER deals_source_version_delete;
DROP TRIGGER IF EXISTS deals_source_version_truncate ON deals_source;
CREATE TRIGGER deals_source_version_truncate AFTER TRUNCATE ON deals_source  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_all();
ALTER TABLE deals_source ENABLE ALWAYS TRIGGER deals_source_version_truncate;
DROP TRIGGER IF EXISTS deals_citation_version_insert ON deals_citation;
CREATE TRIGGER deals_citation_version_insert AFTER INSERT ON deals_citation REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_citation ENABLE ALWAYS TRIGGER deals_citation_version_insert;
DROP TRIGGER IF EXISTS deals_citation_version_update ON deals_citation;
CREATE TRIGGER deals_citation_version_update AFTER UPDATE ON deals_citation REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_citation ENABLE ALWAYS TRIGGER deals_citation_version_update;
DROP TRIGGER IF EXISTS deals_citation_version_delete ON deals_citation;
CREATE TRIGGER deals_citation_version_delete AFTER DELETE ON deals_citation REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_old();
ALTER TABLE deals_citation ENABLE ALWAYS TRIGGER deals_citation_version_delete;
DROP TRIGGER IF EXISTS deals_citation_version_truncate ON deals_citation;
CREATE TRIGGER deals_citation_version_truncate AFTER TRUNCATE ON deals_citation  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_all();
ALTER TABLE deals_citation ENABLE ALWAYS TRIGGER deals_citation_version_truncate;
DROP TRIGGER IF EXISTS deals_fundinground_version_insert ON deals_fundinground;
CREATE TRIGGER deals_fundinground_version_insert AFTER INSERT ON deals_fundinground REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_fundinground ENABLE ALWAYS TRIGGER deals_fundinground_version_insert;
DROP TRIGGER IF EXISTS deals_fundinground_version_update ON deals_fundinground;
CREATE TRIGGER deals_fundinground_version_update AFTER UPDATE ON deals_fundinground REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_fundinground ENABLE ALWAYS TRIGGER deals_fundinground_version_update;
DROP TRIGGER IF EXISTS deals_fundinground_version_delete ON deals_fundinground;
CREATE TRIGGER deals_fundinground_version_delete AFTER DELETE ON deals_fundinground REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_old();
ALTER TABLE deals_fundinground ENABLE ALWAYS TRIGGER deals_fundinground_version_delete;
DROP TRIGGER IF EXISTS deals_fundinground_version_truncate ON deals_fundinground;
CREATE TRIGGER deals_fundinground_version_truncate AFTER TRUNCATE ON deals_fundinground  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_all();
ALTER TABLE deals_fundinground ENABLE ALWAYS TRIGGER deals_fundinground_version_truncate;
DROP TRIGGER IF EXISTS deals_roundstatuschange_version_insert ON deals_roundstatuschange;
CREATE TRIGGER deals_roundstatuschange_version_insert AFTER INSERT ON deals_roundstatuschange REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_roundstatuschange ENABLE ALWAYS TRIGGER deals_roundstatuschange_version_insert;
DROP TRIGGER IF EXISTS deals_roundstatuschange_version_update ON deals_roundstatuschange;
CREATE TRIGGER deals_roundstatuschange_version_update AFTER UPDATE ON deals_roundstatuschange REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_roundstatuschange ENABLE ALWAYS TRIGGER deals_roundstatuschange_version_update;
DROP TRIGGER IF EXISTS deals_roundstatuschange_version_delete ON deals_roundstatuschange;
CREATE TRIGGER deals_roundstatuschange_version_delete AFTER DELETE ON deals_roundstatuschange REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_old();
ALTER TABLE deals_roundstatuschange ENABLE ALWAYS TRIGGER deals_roundstatuschange_version_delete;
DROP TRIGGER IF EXISTS deals_roundstatuschange_version_truncate ON deals_roundstatuschange;
CREATE TRIGGER deals_roundstatuschange_version_truncate AFTER TRUNCATE ON deals_roundstatuschange  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_all();
ALTER TABLE deals_roundstatuschange ENABLE ALWAYS TRIGGER deals_roundstatuschange_version_truncate;
DROP TRIGGER IF EXISTS deals_participation_version_insert ON deals_participation;
CREATE TRIGGER deals_participation_version_insert AFTER INSERT ON deals_participation REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_participation ENABLE ALWAYS TRIGGER deals_participation_version_insert;
DROP TRIGGER IF EXISTS deals_participation_version_update ON deals_participation;
CREATE TRIGGER deals_participation_version_update AFTER UPDATE ON deals_participation REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_participation ENABLE ALWAYS TRIGGER deals_participation_version_update;
DROP TRIGGER IF EXISTS deals_participation_version_delete ON deals_participation;
CREATE TRIGGER deals_participation_version_delete AFTER DELETE ON deals_participation REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_old();
ALTER TABLE deals_participation ENABLE ALWAYS TRIGGER deals_participation_version_delete;
DROP TRIGGER IF EXISTS deals_participation_version_truncate ON deals_participation;
CREATE TRIGGER deals_participation_version_truncate AFTER TRUNCATE ON deals_participation  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_all();
ALTER TABLE deals_participation ENABLE ALWAYS TRIGGER deals_participation_version_truncate;
DROP TRIGGER IF EXISTS deals_condition_version_insert ON deals_condition;
CREATE TRIGGER deals_condition_version_insert AFTER INSERT ON deals_condition REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_condition ENABLE ALWAYS TRIGGER deals_condition_version_insert;
DROP TRIGGER IF EXISTS deals_condition_version_update ON deals_condition;
CREATE TRIGGER deals_condition_version_update AFTER UPDATE ON deals_condition REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_condition ENABLE ALWAYS TRIGGER deals_condition_version_update;
DROP TRIGGER IF EXISTS deals_condition_version_delete ON deals_condition;
CREATE TRIGGER deals_condition_version_delete AFTER DELETE ON deals_condition REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_old();
ALTER TABLE deals_condition ENABLE ALWAYS TRIGGER deals_condition_version_delete;
DROP TRIGGER IF EXISTS deals_condition_version_truncate ON deals_condition;
CREATE TRIGGER deals_condition_version_truncate AFTER TRUNCATE ON deals_condition  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_all();
ALTER TABLE deals_condition ENABLE ALWAYS TRIGGER deals_condition_version_truncate;
DROP TRIGGER IF EXISTS deals_relationship_version_insert ON deals_relationship;
CREATE TRIGGER deals_relationship_version_insert AFTER INSERT ON deals_relationship REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_relationship ENABLE ALWAYS TRIGGER deals_relationship_version_insert;
DROP TRIGGER IF EXISTS deals_relationship_version_update ON deals_relationship;
CREATE TRIGGER deals_relationship_version_update AFTER UPDATE ON deals_relationship REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_relationship ENABLE ALWAYS TRIGGER deals_relationship_version_update;
DROP TRIGGER IF EXISTS deals_relationship_version_delete ON deals_relationship;
CREATE TRIGGER deals_relationship_version_delete AFTER DELETE ON deals_relationship REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_old();
ALTER TABLE deals_relationship ENABLE ALWAYS TRIGGER deals_relationship_version_delete;
DROP TRIGGER IF EXISTS deals_relationship_version_truncate ON deals_relationship;
CREATE TRIGGER deals_relationship_version_truncate AFTER TRUNCATE ON deals_relationship  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_all();
ALTER TABLE deals_relationship ENABLE ALWAYS TRIGGER deals_relationship_version_truncate;
DROP TRIGGER IF EXISTS deals_metric_version_insert ON deals_metric;
CREATE TRIGGER deals_metric_version_insert AFTER INSERT ON deals_metric REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_metric ENABLE ALWAYS TRIGGER deals_metric_version_insert;
DROP TRIGGER IF EXISTS deals_metric_version_update ON deals_metric;
CREATE TRIGGER deals_metric_version_update AFTER UPDATE ON deals_metric REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_metric ENABLE ALWAYS TRIGGER deals_metric_version_update;
DROP TRIGGER IF EXISTS deals_metric_version_delete ON deals_metric;
CREATE TRIGGER deals_metric_version_delete AFTER DELETE ON deals_metric REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_old();
ALTER TABLE deals_metric ENABLE ALWAYS TRIGGER deals_metric_version_delete;
DROP TRIGGER IF EXISTS deals_metric_version_truncate ON deals_metric;
CREATE TRIGGER deals_metric_version_truncate AFTER TRUNCATE ON deals_metric  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_all();
ALTER TABLE deals_metric ENABLE ALWAYS TRIGGER deals_metric_version_truncate;
DROP TRIGGER IF EXISTS deals_fxrate_version_insert ON deals_fxrate;
CREATE TRIGGER deals_fxrate_version_insert AFTER INSERT ON deals_fxrate REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_fxrate ENABLE ALWAYS TRIGGER deals_fxrate_version_insert;
DROP TRIGGER IF EXISTS deals_fxrate_version_update ON deals_fxrate;
CREATE TRIGGER deals_fxrate_version_update AFTER UPDATE ON deals_fxrate REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_fxrate ENABLE ALWAYS TRIGGER deals_fxrate_version_update;
DROP TRIGGER IF EXISTS deals_fxrate_version_delete ON deals_fxrate;
CREATE TRIGGER deals_fxrate_version_delete AFTER DELETE ON deals_fxrate REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_old();
ALTER TABLE deals_fxrate ENABLE ALWAYS TRIGGER deals_fxrate_version_delete;
DROP TRIGGER IF EXISTS deals_fxrate_version_truncate ON deals_fxrate;
CREATE TRIGGER deals_fxrate_version_truncate AFTER TRUNCATE ON deals_fxrate  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_all();
ALTER TABLE deals_fxrate ENABLE ALWAYS TRIGGER deals_fxrate_version_truncate;
DROP TRIGGER IF EXISTS deals_roundfigures_version_insert ON deals_roundfigures;
CREATE TRIGGER deals_roundfigures_version_insert AFTER INSERT ON deals_roundfigures REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_roundfigures ENABLE ALWAYS TRIGGER deals_roundfigures_version_insert;
DROP TRIGGER IF EXISTS deals_roundfigures_version_update ON deals_roundfigures;
CREATE TRIGGER deals_roundfigures_version_update AFTER UPDATE ON deals_roundfigures REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_roundfigures ENABLE ALWAYS TRIGGER deals_roundfigures_version_update;
DROP TRIGGER IF EXISTS deals_roundfigures_version_delete ON deals_roundfigures;
CREATE TRIGGER deals_roundfigures_version_delete AFTER DELETE ON deals_roundfigures REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_old();
ALTER TABLE deals_roundfigures ENABLE ALWAYS TRIGGER deals_roundfigures_version_delete;
DROP TRIGGER IF EXISTS deals_roundfigures_version_truncate ON deals_roundfigures;
CREATE TRIGGER deals_roundfigures_version_truncate AFTER TRUNCATE ON deals_roundfigures  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_all();
ALTER TABLE deals_roundfigures ENABLE ALWAYS TRIGGER deals_roundfigures_version_truncate;
DROP TRIGGER IF EXISTS deals_participationfigures_version_insert ON deals_participationfigures;
CREATE TRIGGER deals_participationfigures_version_insert AFTER INSERT ON deals_participationfigures REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_participationfigures ENABLE ALWAYS TRIGGER deals_participationfigures_version_insert;
DROP TRIGGER IF EXISTS deals_participationfigures_version_update ON deals_participationfigures;
CREATE TRIGGER deals_participationfigures_version_update AFTER UPDATE ON deals_participationfigures REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_participationfigures ENABLE ALWAYS TRIGGER deals_participationfigures_version_update;
DROP TRIGGER IF EXISTS deals_participationfigures_version_delete ON deals_participationfigures;
CREATE TRIGGER deals_participationfigures_version_delete AFTER DELETE ON deals_participationfigures REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_old();
ALTER TABLE deals_participationfigures ENABLE ALWAYS TRIGGER deals_participationfigures_version_delete;
DROP TRIGGER IF EXISTS deals_participationfigures_version_truncate ON deals_participationfigures;
CREATE TRIGGER deals_participationfigures_version_truncate AFTER TRUNCATE ON deals_participationfigures  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_all();
ALTER TABLE deals_participationfigures ENABLE ALWAYS TRIGGER deals_participationfigures_version_truncate;
DROP TRIGGER IF EXISTS deals_position_version_insert ON deals_position;
CREATE TRIGGER deals_position_version_insert AFTER INSERT ON deals_position REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_position ENABLE ALWAYS TRIGGER deals_position_version_insert;
DROP TRIGGER IF EXISTS deals_position_version_update ON deals_position;
CREATE TRIGGER deals_position_version_update AFTER UPDATE ON deals_position REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_position ENABLE ALWAYS TRIGGER deals_position_version_update;
DROP TRIGGER IF EXISTS deals_position_version_delete ON deals_position;
CREATE TRIGGER deals_position_version_delete AFTER DELETE ON deals_position REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_old();
ALTER TABLE deals_position ENABLE ALWAYS TRIGGER deals_position_version_delete;
DROP TRIGGER IF EXISTS deals_position_version_truncate ON deals_position;
CREATE TRIGGER deals_position_version_truncate AFTER TRUNCATE ON deals_position  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_all();
ALTER TABLE deals_position ENABLE ALWAYS TRIGGER deals_position_version_truncate;
DROP TRIGGER IF EXISTS deals_cycle_version_insert ON deals_cycle;
CREATE TRIGGER deals_cycle_version_insert AFTER INSERT ON deals_cycle REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_cycle ENABLE ALWAYS TRIGGER deals_cycle_version_insert;
DROP TRIGGER IF EXISTS deals_cycle_version_update ON deals_cycle;
CREATE TRIGGER deals_cycle_version_update AFTER UPDATE ON deals_cycle REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_cycle ENABLE ALWAYS TRIGGER deals_cycle_version_update;
DROP TRIGGER IF EXISTS deals_cycle_version_delete ON deals_cycle;
CREATE TRIGGER deals_cycle_version_delete AFTER DELETE ON deals_cycle REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_old();
ALTER TABLE deals_cycle ENABLE ALWAYS TRIGGER deals_cycle_version_delete;
DROP TRIGGER IF EXISTS deals_cycle_version_truncate ON deals_cycle;
CREATE TRIGGER deals_cycle_version_truncate AFTER TRUNCATE ON deals_cycle  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_all();
ALTER TABLE deals_cycle ENABLE ALWAYS TRIGGER deals_cycle_version_truncate;
DROP TRIGGER IF EXISTS deals_dirtytarget_version_insert ON deals_dirtytarget;
CREATE TRIGGER deals_dirtytarget_version_insert AFTER INSERT ON deals_dirtytarget REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_dirtytarget ENABLE ALWAYS TRIGGER deals_dirtytarget_version_insert;
DROP TRIGGER IF EXISTS deals_dirtytarget_version_update ON deals_dirtytarget;
CREATE TRIGGER deals_dirtytarget_version_update AFTER UPDATE ON deals_dirtytarget REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_dirtytarget ENABLE ALWAYS TRIGGER deals_dirtytarget_version_update;
DROP TRIGGER IF EXISTS deals_dirtytarget_version_delete ON deals_dirtytarget;
CREATE TRIGGER deals_dirtytarget_version_delete AFTER DELETE ON deals_dirtytarget REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_old();
ALTER TABLE deals_dirtytarget ENABLE ALWAYS TRIGGER deals_dirtytarget_version_delete;
DROP TRIGGER IF EXISTS deals_dirtytarget_version_truncate ON deals_dirtytarget;
CREATE TRIGGER deals_dirtytarget_version_truncate AFTER TRUNCATE ON deals_dirtytarget  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_all();
ALTER TABLE deals_dirtytarget ENABLE ALWAYS TRIGGER deals_dirtytarget_version_truncate;
DROP FUNCTION IF EXISTS deals_data_statement();
"""


class Migration(migrations.Migration):
    dependencies = [("deals", "0008_pipeline_figures")]

    operations = [
        # 0004 left these same definitions, so there is nothing to restore.
        migrations.RunSQL(DIRTY_MARKING_SQL, migrations.RunSQL.noop),
        migrations.RunSQL(DATA_VERSION_SQL, DATA_VERSION_0006_SQL),
    ]
