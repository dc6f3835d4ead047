"""Load Norway's fylker, kommuner and postal codes from places/data/.

Idempotent: rows already present (matched on their number or code) are
updated in place when the CSV says something else, and missing rows are
created, so running it on a database that already has some geography is
safe. Reversing it removes the rows named in the CSV files; that fails, as it
should, while contact points or groups still point at a kommune.

The CSV files are built by scripts/build_gazetteer.py; see docs/gazetteer.md.
"""

import csv
from pathlib import Path

from django.db import migrations

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
BATCH = 1000


def read(name):
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def sync(model, db, key, records):
    """Create missing rows and update changed ones; ``key`` is the natural key."""
    if not records:
        return
    fields = [name for name in records[0] if name != key]
    existing = {getattr(obj, key): obj for obj in model.objects.using(db).all()}
    to_create, to_update = [], []
    for record in records:
        obj = existing.get(record[key])
        if obj is None:
            to_create.append(model(**record))
        elif any(getattr(obj, name) != record[name] for name in fields):
            for name in fields:
                setattr(obj, name, record[name])
            to_update.append(obj)
    model.objects.using(db).bulk_create(to_create, batch_size=BATCH)
    if to_update:
        model.objects.using(db).bulk_update(to_update, fields, batch_size=BATCH)


def load(apps, schema_editor):
    db = schema_editor.connection.alias
    Fylke = apps.get_model("places", "Fylke")
    Kommune = apps.get_model("places", "Kommune")
    PostalCode = apps.get_model("places", "PostalCode")

    fylker = [{"number": r["number"], "name": r["name"]} for r in read("fylker.csv")]
    sync(Fylke, db, "number", fylker)
    fylke_ids = dict(Fylke.objects.using(db).values_list("number", "id"))
    sync(
        Kommune,
        db,
        "number",
        [
            {
                "number": r["number"],
                "name": r["name"],
                "other_names": r["other_names"],
                "fylke_id": fylke_ids[r["fylke"]],
                "latitude": float(r["latitude"]),
                "longitude": float(r["longitude"]),
            }
            for r in read("kommuner.csv")
        ],
    )
    kommune_ids = dict(Kommune.objects.using(db).values_list("number", "id"))
    sync(
        PostalCode,
        db,
        "code",
        [
            {"code": r["code"], "place": r["place"], "kommune_id": kommune_ids[r["kommune"]]}
            for r in read("postnummer.csv")
        ],
    )


def unload(apps, schema_editor):
    db = schema_editor.connection.alias
    apps.get_model("places", "PostalCode").objects.using(db).filter(
        code__in=[r["code"] for r in read("postnummer.csv")]
    ).delete()
    apps.get_model("places", "Kommune").objects.using(db).filter(
        number__in=[r["number"] for r in read("kommuner.csv")]
    ).delete()
    apps.get_model("places", "Fylke").objects.using(db).filter(
        number__in=[r["number"] for r in read("fylker.csv")]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("places", "0002_postal_codes_other_names"),
    ]

    operations = [
        migrations.RunPython(load, unload),
    ]
