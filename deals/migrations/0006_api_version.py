"""A data version that every committed write to the tables the API shows changes, for its response cache.

The SQL is frozen as deals.api.cache wrote it when this migration was added; 0009 brings it to one trigger
function for every statement.
"""

from django.db import migrations

INSTALL_SQL = """
CREATE SEQUENCE deals_data_version_seq;
CREATE TABLE deals_data_version (
    id smallint PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL,
    epoch uuid NOT NULL DEFAULT gen_random_uuid()
);
INSERT INTO deals_data_version (id, version) VALUES (1, nextval('deals_data_version_seq'));
CREATE TABLE deals_data_version_bump (id bigserial PRIMARY KEY);

-- At commit: the next version, and the transaction's bump row gone.
CREATE FUNCTION deals_data_version_bump() RETURNS trigger AS $$
BEGIN
    UPDATE deals_data_version SET version = nextval('deals_data_version_seq') WHERE id = 1;
    DELETE FROM deals_data_version_bump WHERE id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE CONSTRAINT TRIGGER deals_data_version_bump AFTER INSERT ON deals_data_version_bump
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION deals_data_version_bump();
ALTER TABLE deals_data_version_bump ENABLE ALWAYS TRIGGER deals_data_version_bump;

-- Once per transaction (a transaction-local setting remembers it; a rolled-back savepoint forgets both).
CREATE FUNCTION deals_data_changed() RETURNS void AS $$
BEGIN
    IF current_setting('deals.data_changed', true) IS DISTINCT FROM 'yes' THEN
        PERFORM set_config('deals.data_changed', 'yes', true);
        INSERT INTO deals_data_version_bump DEFAULT VALUES;
    END IF;
END;
$$ LANGUAGE plpgsql;
CREATE FUNCTION deals_data_changed_new() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT FROM new_rows) THEN PERFORM deals_data_changed(); END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE FUNCTION deals_data_changed_old() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT FROM old_rows) THEN PERFORM deals_data_changed(); END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE FUNCTION deals_data_changed_all() RETURNS trigger AS $$
BEGIN
    PERFORM deals_data_changed();
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER deals_organization_version_insert AFTER INSERT ON deals_organization REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_organization ENABLE ALWAYS TRIGGER deals_organization_version_insert;
CREATE TRIGGER deals_organization_version_update AFTER UPDATE ON deals_organization REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_organization ENABLE ALWAYS TRIGGER deals_organization_version_update;
CREATE TRIGGER deals_organization_version_delete AFTER DELETE ON deals_organization REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_old();
ALTER TABLE deals_organization ENABLE ALWAYS TRIGGER deals_organization_version_delete;
CREATE TRIGGER deals_organization_version_truncate AFTER TRUNCATE ON deals_organization  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_all();
ALTER TABLE deals_organization ENABLE ALWAYS TRIGGER deals_organization_version_truncate;
CREATE TRIGGER deals_source_version_insert AFTER INSERT ON deals_source REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_source ENABLE ALWAYS TRIGGER deals_source_version_insert;
CREATE TRIGGER deals_source_version_update AFTER UPDATE ON deals_source REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_source ENABLE ALWAYS TRIGGER deals_source_version_update;
CREATE TRIGGER deals_source_version_delete AFTER DELETE ON deals_source REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_old();
ALTER TABLE deals_source ENABLE ALWAYS TRIGGER deals_source_version_delete;
CREATE TRIGGER deals_source_version_truncate AFTER TRUNCATE ON deals_source  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_all();
ALTER TABLE deals_source ENABLE ALWAYS TRIGGER deals_source_version_truncate;
CREATE TRIGGER deals_citation_version_insert AFTER INSERT ON deals_citation REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_citation ENABLE ALWAYS TRIGGER deals_citation_version_insert;
CREATE TRIGGER deals_citation_version_update AFTER UPDATE ON deals_citation REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_citation ENABLE ALWAYS TRIGGER deals_citation_version_update;
CREATE TRIGGER deals_citation_version_delete AFTER DELETE ON deals_citation REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_old();
ALTER TABLE deals_citation ENABLE ALWAYS TRIGGER deals_citation_version_delete;
CREATE TRIGGER deals_citation_version_truncate AFTER TRUNCATE ON deals_citation  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_all();
ALTER TABLE deals_citation ENABLE ALWAYS TRIGGER deals_citation_version_truncate;
CREATE TRIGGER deals_fundinground_version_insert AFTER INSERT ON deals_fundinground REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_fundinground ENABLE ALWAYS TRIGGER deals_fundinground_version_insert;
CREATE TRIGGER deals_fundinground_version_update AFTER UPDATE ON deals_fundinground REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_fundinground ENABLE ALWAYS TRIGGER deals_fundinground_version_update;
CREATE TRIGGER deals_fundinground_version_delete AFTER DELETE ON deals_fundinground REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_old();
ALTER TABLE deals_fundinground ENABLE ALWAYS TRIGGER deals_fundinground_version_delete;
CREATE TRIGGER deals_fundinground_version_truncate AFTER TRUNCATE ON deals_fundinground  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_all();
ALTER TABLE deals_fundinground ENABLE ALWAYS TRIGGER deals_fundinground_version_truncate;
CREATE TRIGGER deals_roundstatuschange_version_insert AFTER INSERT ON deals_roundstatuschange REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_roundstatuschange ENABLE ALWAYS TRIGGER deals_roundstatuschange_version_insert;
CREATE TRIGGER deals_roundstatuschange_version_update AFTER UPDATE ON deals_roundstatuschange REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_roundstatuschange ENABLE ALWAYS TRIGGER deals_roundstatuschange_version_update;
CREATE TRIGGER deals_roundstatuschange_version_delete AFTER DELETE ON deals_roundstatuschange REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_old();
ALTER TABLE deals_roundstatuschange ENABLE ALWAYS TRIGGER deals_roundstatuschange_version_delete;
CREATE TRIGGER deals_roundstatuschange_version_truncate AFTER TRUNCATE ON deals_roundstatuschange  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_all();
ALTER TABLE deals_roundstatuschange ENABLE ALWAYS TRIGGER deals_roundstatuschange_version_truncate;
CREATE TRIGGER deals_participation_version_insert AFTER INSERT ON deals_participation REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_participation ENABLE ALWAYS TRIGGER deals_participation_version_insert;
CREATE TRIGGER deals_participation_version_update AFTER UPDATE ON deals_participation REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_participation ENABLE ALWAYS TRIGGER deals_participation_version_update;
CREATE TRIGGER deals_participation_version_delete AFTER DELETE ON deals_participation REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_old();
ALTER TABLE deals_participation ENABLE ALWAYS TRIGGER deals_participation_version_delete;
CREATE TRIGGER deals_participation_version_truncate AFTER TRUNCATE ON deals_participation  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_all();
ALTER TABLE deals_participation ENABLE ALWAYS TRIGGER deals_participation_version_truncate;
CREATE TRIGGER deals_condition_version_insert AFTER INSERT ON deals_condition REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_condition ENABLE ALWAYS TRIGGER deals_condition_version_insert;
CREATE TRIGGER deals_condition_version_update AFTER UPDATE ON deals_condition REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_condition ENABLE ALWAYS TRIGGER deals_condition_version_update;
CREATE TRIGGER deals_condition_version_delete AFTER DELETE ON deals_condition REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_old();
ALTER TABLE deals_condition ENABLE ALWAYS TRIGGER deals_condition_version_delete;
CREATE TRIGGER deals_condition_version_truncate AFTER TRUNCATE ON deals_condition  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_all();
ALTER TABLE deals_condition ENABLE ALWAYS TRIGGER deals_condition_version_truncate;
CREATE TRIGGER deals_relationship_version_insert AFTER INSERT ON deals_relationship REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_relationship ENABLE ALWAYS TRIGGER deals_relationship_version_insert;
CREATE TRIGGER deals_relationship_version_update AFTER UPDATE ON deals_relationship REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_relationship ENABLE ALWAYS TRIGGER deals_relationship_version_update;
CREATE TRIGGER deals_relationship_version_delete AFTER DELETE ON deals_relationship REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_old();
ALTER TABLE deals_relationship ENABLE ALWAYS TRIGGER deals_relationship_version_delete;
CREATE TRIGGER deals_relationship_version_truncate AFTER TRUNCATE ON deals_relationship  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_all();
ALTER TABLE deals_relationship ENABLE ALWAYS TRIGGER deals_relationship_version_truncate;
CREATE TRIGGER deals_metric_version_insert AFTER INSERT ON deals_metric REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_metric ENABLE ALWAYS TRIGGER deals_metric_version_insert;
CREATE TRIGGER deals_metric_version_update AFTER UPDATE ON deals_metric REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_metric ENABLE ALWAYS TRIGGER deals_metric_version_update;
CREATE TRIGGER deals_metric_version_delete AFTER DELETE ON deals_metric REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_old();
ALTER TABLE deals_metric ENABLE ALWAYS TRIGGER deals_metric_version_delete;
CREATE TRIGGER deals_metric_version_truncate AFTER TRUNCATE ON deals_metric  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_all();
ALTER TABLE deals_metric ENABLE ALWAYS TRIGGER deals_metric_version_truncate;
CREATE TRIGGER deals_fxrate_version_insert AFTER INSERT ON deals_fxrate REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_fxrate ENABLE ALWAYS TRIGGER deals_fxrate_version_insert;
CREATE TRIGGER deals_fxrate_version_update AFTER UPDATE ON deals_fxrate REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_fxrate ENABLE ALWAYS TRIGGER deals_fxrate_version_update;
CREATE TRIGGER deals_fxrate_version_delete AFTER DELETE ON deals_fxrate REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_old();
ALTER TABLE deals_fxrate ENABLE ALWAYS TRIGGER deals_fxrate_version_delete;
CREATE TRIGGER deals_fxrate_version_truncate AFTER TRUNCATE ON deals_fxrate  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_all();
ALTER TABLE deals_fxrate ENABLE ALWAYS TRIGGER deals_fxrate_version_truncate;
CREATE TRIGGER deals_roundfigures_version_insert AFTER INSERT ON deals_roundfigures REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_roundfigures ENABLE ALWAYS TRIGGER deals_roundfigures_version_insert;
CREATE TRIGGER deals_roundfigures_version_update AFTER UPDATE ON deals_roundfigures REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_roundfigures ENABLE ALWAYS TRIGGER deals_roundfigures_version_update;
CREATE TRIGGER deals_roundfigures_version_delete AFTER DELETE ON deals_roundfigures REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_old();
ALTER TABLE deals_roundfigures ENABLE ALWAYS TRIGGER deals_roundfigures_version_delete;
CREATE TRIGGER deals_roundfigures_version_truncate AFTER TRUNCATE ON deals_roundfigures  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_all();
ALTER TABLE deals_roundfigures ENABLE ALWAYS TRIGGER deals_roundfigures_version_truncate;
CREATE TRIGGER deals_participationfigures_version_insert AFTER INSERT ON deals_participationfigures REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_participationfigures ENABLE ALWAYS TRIGGER deals_participationfigures_version_insert;
CREATE TRIGGER deals_participationfigures_version_update AFTER UPDATE ON deals_participationfigures REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_participationfigures ENABLE ALWAYS TRIGGER deals_participationfigures_version_update;
CREATE TRIGGER deals_participationfigures_version_delete AFTER DELETE ON deals_participationfigures REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_old();
ALTER TABLE deals_participationfigures ENABLE ALWAYS TRIGGER deals_participationfigures_version_delete;
CREATE TRIGGER deals_participationfigures_version_truncate AFTER TRUNCATE ON deals_participationfigures  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_all();
ALTER TABLE deals_participationfigures ENABLE ALWAYS TRIGGER deals_participationfigures_version_truncate;
CREATE TRIGGER deals_position_version_insert AFTER INSERT ON deals_position REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_position ENABLE ALWAYS TRIGGER deals_position_version_insert;
CREATE TRIGGER deals_position_version_update AFTER UPDATE ON deals_position REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_position ENABLE ALWAYS TRIGGER deals_position_version_update;
CREATE TRIGGER deals_position_version_delete AFTER DELETE ON deals_position REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_old();
ALTER TABLE deals_position ENABLE ALWAYS TRIGGER deals_position_version_delete;
CREATE TRIGGER deals_position_version_truncate AFTER TRUNCATE ON deals_position  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_all();
ALTER TABLE deals_position ENABLE ALWAYS TRIGGER deals_position_version_truncate;
CREATE TRIGGER deals_cycle_version_insert AFTER INSERT ON deals_cycle REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_cycle ENABLE ALWAYS TRIGGER deals_cycle_version_insert;
CREATE TRIGGER deals_cycle_version_update AFTER UPDATE ON deals_cycle REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_cycle ENABLE ALWAYS TRIGGER deals_cycle_version_update;
CREATE TRIGGER deals_cycle_version_delete AFTER DELETE ON deals_cycle REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_old();
ALTER TABLE deals_cycle ENABLE ALWAYS TRIGGER deals_cycle_version_delete;
CREATE TRIGGER deals_cycle_version_truncate AFTER TRUNCATE ON deals_cycle  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_all();
ALTER TABLE deals_cycle ENABLE ALWAYS TRIGGER deals_cycle_version_truncate;
CREATE TRIGGER deals_dirtytarget_version_insert AFTER INSERT ON deals_dirtytarget REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_dirtytarget ENABLE ALWAYS TRIGGER deals_dirtytarget_version_insert;
CREATE TRIGGER deals_dirtytarget_version_update AFTER UPDATE ON deals_dirtytarget REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_new();
ALTER TABLE deals_dirtytarget ENABLE ALWAYS TRIGGER deals_dirtytarget_version_update;
CREATE TRIGGER deals_dirtytarget_version_delete AFTER DELETE ON deals_dirtytarget REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_old();
ALTER TABLE deals_dirtytarget ENABLE ALWAYS TRIGGER deals_dirtytarget_version_delete;
CREATE TRIGGER deals_dirtytarget_version_truncate AFTER TRUNCATE ON deals_dirtytarget  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_changed_all();
ALTER TABLE deals_dirtytarget ENABLE ALWAYS TRIGGER deals_dirtytarget_version_truncate;
"""

UNINSTALL_SQL = """
DROP TRIGGER IF EXISTS deals_organization_version_insert ON deals_organization;
DROP TRIGGER IF EXISTS deals_organization_version_update ON deals_organization;
DROP TRIGGER IF EXISTS deals_organization_version_delete ON deals_organization;
DROP TRIGGER IF EXISTS deals_organization_version_truncate ON deals_organization;
DROP TRIGGER IF EXISTS deals_source_version_insert ON deals_source;
DROP TRIGGER IF EXISTS deals_source_version_update ON deals_source;
DROP TRIGGER IF EXISTS deals_source_version_delete ON deals_source;
DROP TRIGGER IF EXISTS deals_source_version_truncate ON deals_source;
DROP TRIGGER IF EXISTS deals_citation_version_insert ON deals_citation;
DROP TRIGGER IF EXISTS deals_citation_version_update ON deals_citation;
DROP TRIGGER IF EXISTS deals_citation_version_delete ON deals_citation;
DROP TRIGGER IF EXISTS deals_citation_version_truncate ON deals_citation;
DROP TRIGGER IF EXISTS deals_fundinground_version_insert ON deals_fundinground;
DROP TRIGGER IF EXISTS deals_fundinground_version_update ON deals_fundinground;
DROP TRIGGER IF EXISTS deals_fundinground_version_delete ON deals_fundinground;
DROP TRIGGER IF EXISTS deals_fundinground_version_truncate ON deals_fundinground;
DROP TRIGGER IF EXISTS deals_roundstatuschange_version_insert ON deals_roundstatuschange;
DROP TRIGGER IF EXISTS deals_roundstatuschange_version_update ON deals_roundstatuschange;
DROP TRIGGER IF EXISTS deals_roundstatuschange_version_delete ON deals_roundstatuschange;
DROP TRIGGER IF EXISTS deals_roundstatuschange_version_truncate ON deals_roundstatuschange;
DROP TRIGGER IF EXISTS deals_participation_version_insert ON deals_participation;
DROP TRIGGER IF EXISTS deals_participation_version_update ON deals_participation;
DROP TRIGGER IF EXISTS deals_participation_version_delete ON deals_participation;
DROP TRIGGER IF EXISTS deals_participation_version_truncate ON deals_participation;
DROP TRIGGER IF EXISTS deals_condition_version_insert ON deals_condition;
DROP TRIGGER IF EXISTS deals_condition_version_update ON deals_condition;
DROP TRIGGER IF EXISTS deals_condition_version_delete ON deals_condition;
DROP TRIGGER IF EXISTS deals_condition_version_truncate ON deals_condition;
DROP TRIGGER IF EXISTS deals_relationship_version_insert ON deals_relationship;
DROP TRIGGER IF EXISTS deals_relationship_version_update ON deals_relationship;
DROP TRIGGER IF EXISTS deals_relationship_version_delete ON deals_relationship;
DROP TRIGGER IF EXISTS deals_relationship_version_truncate ON deals_relationship;
DROP TRIGGER IF EXISTS deals_metric_version_insert ON deals_metric;
DROP TRIGGER IF EXISTS deals_metric_version_update ON deals_metric;
DROP TRIGGER IF EXISTS deals_metric_version_delete ON deals_metric;
DROP TRIGGER IF EXISTS deals_metric_version_truncate ON deals_metric;
DROP TRIGGER IF EXISTS deals_fxrate_version_insert ON deals_fxrate;
DROP TRIGGER IF EXISTS deals_fxrate_version_update ON deals_fxrate;
DROP TRIGGER IF EXISTS deals_fxrate_version_delete ON deals_fxrate;
DROP TRIGGER IF EXISTS deals_fxrate_version_truncate ON deals_fxrate;
DROP TRIGGER IF EXISTS deals_roundfigures_version_insert ON deals_roundfigures;
DROP TRIGGER IF EXISTS deals_roundfigures_version_update ON deals_roundfigures;
DROP TRIGGER IF EXISTS deals_roundfigures_version_delete ON deals_roundfigures;
DROP TRIGGER IF EXISTS deals_roundfigures_version_truncate ON deals_roundfigures;
DROP TRIGGER IF EXISTS deals_participationfigures_version_insert ON deals_participationfigures;
DROP TRIGGER IF EXISTS deals_participationfigures_version_update ON deals_participationfigures;
DROP TRIGGER IF EXISTS deals_participationfigures_version_delete ON deals_participationfigures;
DROP TRIGGER IF EXISTS deals_participationfigures_version_truncate ON deals_participationfigures;
DROP TRIGGER IF EXISTS deals_position_version_insert ON deals_position;
DROP TRIGGER IF EXISTS deals_position_version_update ON deals_position;
DROP TRIGGER IF EXISTS deals_position_version_delete ON deals_position;
DROP TRIGGER IF EXISTS deals_position_version_truncate ON deals_position;
DROP TRIGGER IF EXISTS deals_cycle_version_insert ON deals_cycle;
DROP TRIGGER IF EXISTS deals_cycle_version_update ON deals_cycle;
DROP TRIGGER IF EXISTS deals_cycle_version_delete ON deals_cycle;
DROP TRIGGER IF EXISTS deals_cycle_version_truncate ON deals_cycle;
DROP TRIGGER IF EXISTS deals_dirtytarget_version_insert ON deals_dirtytarget;
DROP TRIGGER IF EXISTS deals_dirtytarget_version_update ON deals_dirtytarget;
DROP TRIGGER IF EXISTS deals_dirtytarget_version_delete ON deals_dirtytarget;
DROP TRIGGER IF EXISTS deals_dirtytarget_version_truncate ON deals_dirtytarget;
DROP FUNCTION IF EXISTS deals_data_changed_new(), deals_data_changed_old(), deals_data_changed_all();
DROP FUNCTION IF EXISTS deals_data_changed();
DROP TABLE IF EXISTS deals_data_version_bump;
DROP FUNCTION IF EXISTS deals_data_version_bump();
DROP TABLE IF EXISTS deals_data_version;
DROP SEQUENCE IF EXISTS deals_data_version_seq;
"""


class Migration(migrations.Migration):
    dependencies = [("deals", "0005_cycle_bound")]

    operations = [migrations.RunSQL(INSTALL_SQL, UNINSTALL_SQL)]
