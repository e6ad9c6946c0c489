"""An auth version that every committed write to the tokens, users, groups and permissions changes, for the
API's token lookup cache (deals/api/tokencache.py): a revocation or a password change is seen by every
process's next request.

The SQL is frozen as deals.api.tokencache wrote it when this migration was added.
"""

from django.db import migrations

INSTALL_SQL = """
CREATE SEQUENCE deals_auth_version_seq;
CREATE TABLE deals_auth_version (
    id smallint PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL
);
INSERT INTO deals_auth_version (id, version) VALUES (1, nextval('deals_auth_version_seq'));
CREATE TABLE deals_auth_version_bump (id bigserial PRIMARY KEY);

-- At commit: the next version, and the transaction's bump row gone.
CREATE FUNCTION deals_auth_version_bump() RETURNS trigger AS $$
BEGIN
    UPDATE deals_auth_version SET version = nextval('deals_auth_version_seq') WHERE id = 1;
    DELETE FROM deals_auth_version_bump WHERE id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE CONSTRAINT TRIGGER deals_auth_version_bump AFTER INSERT ON deals_auth_version_bump
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION deals_auth_version_bump();
ALTER TABLE deals_auth_version_bump ENABLE ALWAYS TRIGGER deals_auth_version_bump;

-- After any statement on a table a token check reads, once per transaction (a transaction-local setting
-- remembers it; a rolled-back savepoint forgets both).
CREATE FUNCTION deals_auth_changed() RETURNS trigger AS $$
BEGIN
    IF current_setting('deals.auth_changed', true) IS DISTINCT FROM 'yes' THEN
        PERFORM set_config('deals.auth_changed', 'yes', true);
        INSERT INTO deals_auth_version_bump DEFAULT VALUES;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER knox_authtoken_auth_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON knox_authtoken FOR EACH STATEMENT EXECUTE FUNCTION deals_auth_changed();
ALTER TABLE knox_authtoken ENABLE ALWAYS TRIGGER knox_authtoken_auth_version;
CREATE TRIGGER auth_user_auth_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON auth_user FOR EACH STATEMENT EXECUTE FUNCTION deals_auth_changed();
ALTER TABLE auth_user ENABLE ALWAYS TRIGGER auth_user_auth_version;
CREATE TRIGGER auth_user_groups_auth_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON auth_user_groups FOR EACH STATEMENT EXECUTE FUNCTION deals_auth_changed();
ALTER TABLE auth_user_groups ENABLE ALWAYS TRIGGER auth_user_groups_auth_version;
CREATE TRIGGER auth_user_user_permissions_auth_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON auth_user_user_permissions FOR EACH STATEMENT EXECUTE FUNCTION deals_auth_changed();
ALTER TABLE auth_user_user_permissions ENABLE ALWAYS TRIGGER auth_user_user_permissions_auth_version;
CREATE TRIGGER auth_group_auth_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON auth_group FOR EACH STATEMENT EXECUTE FUNCTION deals_auth_changed();
ALTER TABLE auth_group ENABLE ALWAYS TRIGGER auth_group_auth_version;
CREATE TRIGGER auth_group_permissions_auth_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON auth_group_permissions FOR EACH STATEMENT EXECUTE FUNCTION deals_auth_changed();
ALTER TABLE auth_group_permissions ENABLE ALWAYS TRIGGER auth_group_permissions_auth_version;
CREATE TRIGGER auth_permission_auth_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON auth_permission FOR EACH STATEMENT EXECUTE FUNCTION deals_auth_changed();
ALTER TABLE auth_permission ENABLE ALWAYS TRIGGER auth_permission_auth_version;
"""

UNINSTALL_SQL = """
DROP TRIGGER IF EXISTS knox_authtoken_auth_version ON knox_authtoken;
DROP TRIGGER IF EXISTS auth_user_auth_version ON auth_user;
DROP TRIGGER IF EXISTS auth_user_groups_auth_version ON auth_user_groups;
DROP TRIGGER IF EXISTS auth_user_user_permissions_auth_version ON auth_user_user_permissions;
DROP TRIGGER IF EXISTS auth_group_auth_version ON auth_group;
DROP TRIGGER IF EXISTS auth_group_permissions_auth_version ON auth_group_permissions;
DROP TRIGGER IF EXISTS auth_permission_auth_version ON auth_permission;
DROP FUNCTION IF EXISTS deals_auth_changed();
DROP TABLE IF EXISTS deals_auth_version_bump;
DROP FUNCTION IF EXISTS deals_auth_version_bump();
DROP TABLE IF EXISTS deals_auth_version;
DROP SEQUENCE IF EXISTS deals_auth_version_seq;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("deals", "0017_message_codes"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [migrations.RunSQL(INSTALL_SQL, UNINSTALL_SQL)]
