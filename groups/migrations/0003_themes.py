"""The life-problem themes (livsproblem) that groups are started around.

A theme names what the group talks about; it is shown to seekers but never
put in e-mail subjects, texts or logs. Idempotent: themes are matched on their
slug and brought up to date. Reversing it removes the themes no group uses.
"""

from django.db import migrations

# slug, Bokmål, English, mixed?
THEMES = [
    ("angst", "Angst", "Anxiety", False),
    ("depresjon", "Depresjon og nedstemthet", "Depression and low mood", False),
    ("sorg", "Sorg etter dødsfall", "Grief after a death", False),
    ("etterlatte-selvmord", "Etterlatte etter selvmord", "Bereaved by suicide", False),
    ("samlivsbrudd", "Samlivsbrudd", "Separation and divorce", False),
    ("ensomhet", "Ensomhet", "Loneliness", False),
    ("selvfolelse", "Selvfølelse og selvbilde", "Self-esteem", False),
    ("parorende", "Pårørende", "Family and carers", False),
    (
        "parorende-rus",
        "Pårørende til rus og avhengighet",
        "Family of someone with an addiction",
        False,
    ),
    ("avhengighet", "Avhengighet", "Addiction", False),
    ("kronisk-sykdom", "Kronisk sykdom og smerte", "Chronic illness and pain", False),
    ("me-utmattelse", "ME og utmattelse", "ME/CFS and fatigue", False),
    ("utbrenthet", "Utbrenthet og stress", "Burnout and stress", False),
    ("spiseforstyrrelser", "Spiseforstyrrelser", "Eating disorders", False),
    ("traumer-vold", "Traumer og vold", "Trauma and violence", False),
    ("overgangsfaser", "Overgangsfaser i livet", "Life transitions", False),
    ("blandet", "Blandet tema", "Mixed themes", True),
]


def load(apps, schema_editor):
    db = schema_editor.connection.alias
    Theme = apps.get_model("groups", "Theme")
    for position, (slug, name_nb, name_en, is_mixed) in enumerate(THEMES, start=1):
        Theme.objects.using(db).update_or_create(
            slug=slug,
            defaults={
                "name_nb": name_nb,
                "name_en": name_en,
                "is_mixed": is_mixed,
                # Mixed groups last, after the named themes.
                "sort_order": 900 if is_mixed else position * 10,
            },
        )


def unload(apps, schema_editor):
    db = schema_editor.connection.alias
    apps.get_model("groups", "Theme").objects.using(db).filter(
        slug__in=[slug for slug, *_ in THEMES], groups__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0002_initial"),
    ]

    operations = [
        migrations.RunPython(load, unload),
    ]
