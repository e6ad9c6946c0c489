"""The two roles of the product: "Data entry" (add, change, delete, view) and "Viewer" (view only).

The roles and their permissions are frozen here as they were when this migration was added; deals.roles
ensures the current ones after every ``migrate`` and ``flush``.
"""

from django.db import migrations

DEALS_MODELS = [
    "organization",
    "source",
    "citation",
    "fundinground",
    "roundstatuschange",
    "participation",
    "condition",
    "relationship",
    "metric",
    "fxrate",
]
READ_ONLY_MODELS = ["roundfigures", "participationfigures", "position", "cycle", "job"]


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    deals = Permission.objects.filter(content_type__app_label="deals")
    entry_codes = [f"{action}_{model}" for model in DEALS_MODELS for action in ("add", "change", "delete", "view")]
    entry_codes += [f"view_{model}" for model in READ_ONLY_MODELS] + ["add_job"]
    view_codes = [f"view_{model}" for model in DEALS_MODELS + READ_ONLY_MODELS]
    entry, _ = Group.objects.get_or_create(name="Data entry")
    entry.permissions.set(deals.filter(codename__in=entry_codes))
    viewer, _ = Group.objects.get_or_create(name="Viewer")
    viewer.permissions.set(deals.filter(codename__in=view_codes))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Data entry", "Viewer"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("deals", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
