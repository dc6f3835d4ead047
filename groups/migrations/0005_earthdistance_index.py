"""Nearest-first search on PostgreSQL: cube + earthdistance and a GiST index.

SQLite has no such index; it uses the (latitude, longitude) B-tree index for a
bounding-box prefilter instead (see groups/search.py).
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS cube",
    "CREATE EXTENSION IF NOT EXISTS earthdistance",
    "CREATE INDEX IF NOT EXISTS groups_group_earth_gist "
    "ON groups_group USING gist (ll_to_earth(latitude, longitude))",
]
BACKWARD = ["DROP INDEX IF EXISTS groups_group_earth_gist"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("groups", "0004_finder_fields")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]
