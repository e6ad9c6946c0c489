"""Related-party reasons, round warnings and cycle labels are stored as codes with parameters.

Rows computed before were English sentences. Rather than parse them, this marks every target with rounds
dirty (at the figures stage, as any edit does), so the worker's next drain recomputes them through the one
recompute path and writes codes. Until then a stored sentence is shown as it is.
"""

from django.db import migrations

MARK_ALL = """
INSERT INTO deals_dirtytarget (target_id, marked_at, version, stage)
SELECT DISTINCT r.target_id, now(), 1, 1 FROM deals_fundinground r
ORDER BY r.target_id
ON CONFLICT (target_id) DO UPDATE
    SET version = deals_dirtytarget.version + 1, marked_at = now(), stage = 1;
"""


class Migration(migrations.Migration):
    dependencies = [("deals", "0015_import_jobs")]

    operations = [migrations.RunSQL(MARK_ALL, migrations.RunSQL.noop)]
