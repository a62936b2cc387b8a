"""The portal's three roles as Django groups, with their model permissions.

Group names must equal the values of ``ace_portal.accounts.roles.Role``; they are written out
here because a migration must not import code that may change later.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EXPERT = "Expert"
SECRETARIAT = "Secretariat officer"
ADMIN = "Admin"

EXPERT_PROFILE_MODELS = [
    "expert",
    "expertlanguage",
    "expertise",
    "education",
    "workexperience",
    "unavailableperiod",
    "expertdocument",
]
REFERENCE_MODELS = ["region", "memberadministration", "profiletype", "thematicarea", "language"]

# Apps whose permissions the groups receive.
PERMISSION_APPS = ["auth", "accounts", "experts", "django_celery_beat"]


def ensure_permissions(apps, using):
    """Permissions are normally created by post_migrate, i.e. after this migration on a fresh
    database; create them now from the historical models (idempotent)."""
    for label in PERMISSION_APPS:
        app_config = apps.get_app_config(label)
        # Historical app configs have no models module, which makes create_permissions skip them.
        app_config.models_module = True
        try:
            create_permissions(app_config, apps=apps, verbosity=0, using=using)
        finally:
            app_config.models_module = None


def codenames(actions, models):
    return [f"{action}_{model}" for action in actions for model in models]


def create_roles(apps, schema_editor):
    using = schema_editor.connection.alias
    ensure_permissions(apps, using)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.using(using).select_related("content_type")

    secretariat_perms = permissions.filter(
        content_type__app_label="experts",
        codename__in=codenames(["view", "add", "change"], EXPERT_PROFILE_MODELS)
        + codenames(["view"], REFERENCE_MODELS),
    )
    admin_perms = permissions.filter(
        content_type__app_label__in=["experts", "accounts", "django_celery_beat"]
    ) | permissions.filter(
        content_type__app_label="auth", codename__in=["view_group", "change_group"]
    )

    Group.objects.using(using).get_or_create(name=EXPERT)
    secretariat, _ = Group.objects.using(using).get_or_create(name=SECRETARIAT)
    secretariat.permissions.add(*secretariat_perms)
    admin, _ = Group.objects.using(using).get_or_create(name=ADMIN)
    admin.permissions.add(*admin_perms)


def delete_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(
        name__in=[EXPERT, SECRETARIAT, ADMIN]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("experts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_roles, delete_roles)]
