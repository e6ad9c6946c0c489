"""Search that finds what people type: trigram similarity for names and aliases, full-text search in English and
German for descriptions and notes.

The index expressions are immutable SQL functions (``array_to_string`` alone is only stable, so it cannot sit in
an index), and the queries call the same functions, so the planner matches them to the indexes.
"""

from django.db import migrations

FORWARD = r"""
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Name, aliases and the name without spaces or punctuation ("Open AI" finds "OpenAI"), lower-cased.
CREATE OR REPLACE FUNCTION deals_org_search_key(name text, aliases character varying[]) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT lower(name || ' ' || array_to_string(aliases, ' ') || ' '
               || regexp_replace(name, '[^[:alnum:]]+', '', 'g'))
$$;

CREATE OR REPLACE FUNCTION deals_org_document(name text, aliases character varying[], description text)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT setweight(to_tsvector('english'::regconfig, name || ' ' || array_to_string(aliases, ' ')), 'A')
      || setweight(to_tsvector('german'::regconfig, name || ' ' || array_to_string(aliases, ' ')), 'A')
      || setweight(to_tsvector('english'::regconfig, description), 'C')
      || setweight(to_tsvector('german'::regconfig, description), 'C')
$$;

CREATE OR REPLACE FUNCTION deals_round_document(notes text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT to_tsvector('english'::regconfig, notes) || to_tsvector('german'::regconfig, notes)
$$;

CREATE INDEX IF NOT EXISTS organization_name_trgm ON deals_organization USING gin (lower(name) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS organization_search_key_trgm
  ON deals_organization USING gin (deals_org_search_key(name, aliases) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS organization_document
  ON deals_organization USING gin (deals_org_document(name, aliases, description));
CREATE INDEX IF NOT EXISTS round_notes_document ON deals_fundinground USING gin (deals_round_document(notes));
"""

BACKWARD = r"""
DROP INDEX IF EXISTS round_notes_document;
DROP INDEX IF EXISTS organization_document;
DROP INDEX IF EXISTS organization_search_key_trgm;
DROP INDEX IF EXISTS organization_name_trgm;
DROP FUNCTION IF EXISTS deals_round_document(text);
DROP FUNCTION IF EXISTS deals_org_document(text, character varying[], text);
DROP FUNCTION IF EXISTS deals_org_search_key(text, character varying[]);
"""


class Migration(migrations.Migration):
    dependencies = [("deals", "0006_api_version")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
