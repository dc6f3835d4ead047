"""Selvhjelp Norge's seven district offices and the fylker each one covers.

Idempotent: offices are matched on their slug and brought up to date; each
fylke's district is set from the table below. Reversing it unlinks the
fylker and removes the offices that no staff role points at.
"""

from django.db import migrations

# slug, name, office town, fylke numbers (2024)
DISTRICTS = [
    ("nord-norge", "Nord-Norge", "Alta", ["18", "55", "56"]),
    ("midt-norge", "Midt-Norge", "Trondheim", ["15", "50"]),
    ("vestland", "Vestland", "Bergen", ["46"]),
    ("rogaland-agder", "Rogaland og Agder", "Sandnes", ["11", "42"]),
    ("innlandet", "Innlandet", "Brumunddal", ["34"]),
    (
        "buskerud-vestfold-telemark",
        "Buskerud, Vestfold og Telemark",
        "Tønsberg",
        ["33", "39", "40"],
    ),
    ("oslo-akershus-ostfold", "Oslo, Akershus og Østfold", "Oslo", ["03", "32", "31"]),
]


def load(apps, schema_editor):
    db = schema_editor.connection.alias
    District = apps.get_model("organisations", "District")
    Fylke = apps.get_model("places", "Fylke")
    for slug, name, town, fylker in DISTRICTS:
        district, _ = District.objects.using(db).update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "office_town": town,
                # Fictional addresses: the real ones are kept up to date in the admin.
                "email": f"{slug}@selvhjelp.example",
            },
        )
        updated = Fylke.objects.using(db).filter(number__in=fylker).update(district=district)
        if updated != len(fylker):
            raise RuntimeError(f"{slug}: expected fylker {fylker}, found {updated}")


def unload(apps, schema_editor):
    db = schema_editor.connection.alias
    District = apps.get_model("organisations", "District")
    slugs = [slug for slug, *_ in DISTRICTS]
    apps.get_model("places", "Fylke").objects.using(db).filter(district__slug__in=slugs).update(
        district=None
    )
    District.objects.using(db).filter(slug__in=slugs, staff_roles__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0002_initial"),
        ("places", "0003_load_gazetteer"),
    ]

    operations = [
        migrations.RunPython(load, unload),
    ]
