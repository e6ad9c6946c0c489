"""Search that finds what people type: trigram similarity for names and aliases (where the server has pg_trgm),
full-text search in English and German for descriptions and notes.

An organization's search key and text document are stored, generated columns (the models do not declare them;
the database fills them in on every write): a trigram match is rechecked row by row, and recomputing four
``to_tsvector`` calls per candidate made a search over 100,000 organizations take a quarter of a second. The
expressions are immutable SQL functions (``array_to_string`` alone is only stable). Round notes are searched
through an index on the same kind of function, which needs no recheck.
"""

from django.db import migrations

FORWARD = r"""
-- Trigram similarity where the server has the pg_trgm extension (every packaged PostgreSQL; the embedded
-- server of `make run` has no contrib extensions, and search there matches substrings and words only).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
  END IF;
END $$;

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

ALTER TABLE deals_organization
  ADD COLUMN search_key text GENERATED ALWAYS AS (deals_org_search_key(name, aliases)) STORED,
  ADD COLUMN search_document tsvector GENERATED ALWAYS AS (deals_org_document(name, aliases, description)) STORED;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
    CREATE INDEX IF NOT EXISTS organization_name_trgm ON deals_organization USING gin (lower(name) gin_trgm_ops);
    CREATE INDEX IF NOT EXISTS organization_search_key_trgm ON deals_organization USING gin (search_key gin_trgm_ops);
  END IF;
END $$;
CREATE INDEX IF NOT EXISTS organization_document ON deals_organization USING gin (search_document);
CREATE INDEX IF NOT EXISTS round_notes_document ON deals_fundinground USING gin (deals_round_document(notes));
"""

BACKWARD = r"""
DROP INDEX IF EXISTS round_notes_document;
DROP INDEX IF EXISTS organization_document;
DROP INDEX IF EXISTS organization_search_key_trgm;
DROP INDEX IF EXISTS organization_name_trgm;
ALTER TABLE deals_organization DROP COLUMN IF EXISTS search_key, DROP COLUMN IF EXISTS search_document;
DROP FUNCTION IF EXISTS deals_round_document(text);
DROP FUNCTION IF EXISTS deals_org_document(text, character varying[], text);
DROP FUNCTION IF EXISTS deals_org_search_key(text, character varying[]);
"""


class Migration(migrations.Migration):
    dependencies = [("deals", "0011_workerheartbeat")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
