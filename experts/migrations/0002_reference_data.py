"""Seed the reference data: WCO regions, Member administrations, expert profile types,
thematic areas and languages.

The lists live here rather than in app code because a migration must keep working after the
app changes; Members and languages come from the CSV files in ``experts/data/``. Every row is
written with ``update_or_create`` on its natural key, so running this again is harmless.
"""

import csv
import datetime
from pathlib import Path

from django.db import migrations

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# code, English, French
REGIONS = [
    ("AMS", "Americas and Caribbean", "Amériques et Caraïbes"),
    ("EUR", "Europe", "Europe"),
    ("AP", "Asia/Pacific", "Asie/Pacifique"),
    ("MENA", "North of Africa, Near and Middle East", "Afrique du Nord, Proche et Moyen-Orient"),
    ("ESA", "East and Southern Africa", "Afrique orientale et australe"),
    ("WCA", "West and Central Africa", "Afrique occidentale et centrale"),
]

# code, English, French, description
PROFILE_TYPES = [
    (
        "DF",
        "Diagnostic Facilitator",
        "Facilitateur de diagnostic",
        "Leads diagnostic missions that assess a whole Customs administration, including the "
        "Performance Measurement Mechanism.",
    ),
    (
        "CMA",
        "Customs Modernization Advisor",
        "Conseiller en modernisation douanière",
        "Advises on strategic reform: planning, change management and donor proposals.",
    ),
    (
        "MPA",
        "Mercator Programme Advisor",
        "Conseiller du Programme Mercator",
        "Supports the implementation of the WTO Trade Facilitation Agreement under the Mercator "
        "Programme, often accompanying one country for several years.",
    ),
    (
        "TOA",
        "Technical and Operational Advisor",
        "Conseiller technique et opérationnel",
        "A specialist able to lead a mission alone in one technical field.",
    ),
    (
        "ET",
        "Expert Trainer",
        "Formateur expert",
        "Delivers WCO training courses in a technical field.",
    ),
    (
        "LMD",
        "Leadership and Management Development facilitator",
        "Facilitateur en développement du leadership et du management",
        "Runs the WCO leadership and middle-management development programmes.",
    ),
    (
        "REC",
        "WCO Recognized Expert",
        "Expert reconnu par l'OMD",
        "Recognized in an area by a route other than full accreditation, for example gender "
        "equality and diversity.",
    ),
    (
        "EXT",
        "External Expert",
        "Expert externe",
        "Comes from outside Member Customs administrations: other organizations, academia or "
        "retired officials.",
    ),
]

# code, English, French, directorate (CB Capacity Building, CF Compliance and Facilitation,
# TT Tariff and Trade Affairs)
THEMATIC_AREAS = [
    (
        "diagnostics-pmm",
        "Organizational diagnostics and PMM",
        "Diagnostic organisationnel et Mécanisme de mesure de la performance (MMP)",
        "CB",
    ),
    (
        "modernization-strategic-planning",
        "Customs modernization and strategic planning",
        "Modernisation douanière et planification stratégique",
        "CB",
    ),
    (
        "trade-facilitation-agreement",
        "Trade Facilitation Agreement (Mercator Programme)",
        "Accord sur la facilitation des échanges (Programme Mercator)",
        "CB",
    ),
    (
        "leadership-management",
        "Leadership and management development",
        "Développement du leadership et du management",
        "CB",
    ),
    ("integrity", "Integrity (A-CIP)", "Éthique et lutte contre la corruption (A-CIP)", "CB"),
    ("gender-diversity", "Gender equality and diversity", "Égalité des genres et diversité", "CB"),
    (
        "human-resource-management",
        "Human resource management",
        "Gestion des ressources humaines",
        "CB",
    ),
    ("aeo-safe", "Authorized Economic Operator / SAFE", "Opérateur économique agréé / SAFE", "CF"),
    ("post-clearance-audit", "Post-Clearance Audit", "Contrôle a posteriori", "CF"),
    (
        "time-release-study",
        "Time Release Study",
        "Étude sur le temps nécessaire pour la mainlevée",
        "CF",
    ),
    (
        "single-window-data-model",
        "Single Window and the WCO Data Model",
        "Guichet unique et Modèle de données de l'OMD",
        "CF",
    ),
    ("e-commerce", "Cross-border e-commerce", "Commerce électronique transfrontalier", "CF"),
    ("free-zones", "Free zones", "Zones franches", "CF"),
    ("transit", "Transit", "Transit", "CF"),
    ("risk-management", "Risk management", "Gestion des risques", "CF"),
    ("revised-kyoto-convention", "Revised Kyoto Convention", "Convention de Kyoto révisée", "CF"),
    (
        "coordinated-border-management",
        "Coordinated border management",
        "Gestion coordonnée des frontières",
        "CF",
    ),
    ("passenger-controls", "Passenger controls", "Contrôle des voyageurs", "CF"),
    (
        "strategic-trade-control",
        "Strategic Trade Control Enforcement (STCE)",
        "Application des contrôles du commerce stratégique (STCE)",
        "CF",
    ),
    (
        "ipr-health-safety",
        "IPR, health and safety",
        "Droits de propriété intellectuelle, santé et sécurité",
        "CF",
    ),
    ("drugs-enforcement", "Drugs and enforcement", "Drogues et lutte contre la fraude", "CF"),
    ("environment-cites", "Environment (CITES)", "Environnement (CITES)", "CF"),
    ("cultural-heritage", "Cultural heritage", "Patrimoine culturel", "CF"),
    (
        "hs-classification",
        "Harmonized System classification",
        "Classement dans le Système harmonisé",
        "TT",
    ),
    ("customs-valuation", "Customs valuation", "Valeur en douane", "TT"),
    ("rules-of-origin", "Rules of origin", "Règles d'origine", "TT"),
    ("revenue-package", "Revenue Package", "Paquet Recettes", "TT"),
    ("customs-laboratories", "Customs laboratories", "Laboratoires des douanes", "TT"),
]

WCO_OFFICIAL_LANGUAGES = {"en", "fr"}


def read_csv(name):
    with open(DATA_DIR / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def seed_regions(Region):
    for code, name_en, name_fr in REGIONS:
        Region.objects.update_or_create(
            code=code, defaults={"name_en": name_en, "name_fr": name_fr}
        )


def seed_members(Region, MemberAdministration):
    regions = {region.code: region for region in Region.objects.all()}
    for row in read_csv("wco_members.csv"):
        member_since = row["member_since"].strip()
        MemberAdministration.objects.update_or_create(
            iso_code=row["iso_alpha2"].strip().upper(),
            defaults={
                "name_en": row["name_en"].strip(),
                "name_fr": row["name_fr"].strip(),
                "region": regions[row["region_code"].strip()],
                "kind": row["kind"].strip() or "state",
                "member_since": (
                    datetime.date.fromisoformat(member_since) if member_since else None
                ),
            },
        )


def seed_profile_types(ProfileType):
    for code, name_en, name_fr, description in PROFILE_TYPES:
        ProfileType.objects.update_or_create(
            code=code,
            defaults={"name_en": name_en, "name_fr": name_fr, "description": description},
        )


def seed_thematic_areas(ThematicArea):
    for code, name_en, name_fr, directorate in THEMATIC_AREAS:
        ThematicArea.objects.update_or_create(
            code=code,
            defaults={"name_en": name_en, "name_fr": name_fr, "directorate": directorate},
        )


def seed_languages(Language):
    for row in read_csv("languages.csv"):
        code = row["code"].strip().lower()
        Language.objects.update_or_create(
            code=code,
            defaults={
                "name_en": row["name_en"].strip(),
                "name_fr": row["name_fr"].strip(),
                "is_wco_official": code in WCO_OFFICIAL_LANGUAGES,
            },
        )


def seed_reference_data(apps, schema_editor):
    Region = apps.get_model("experts", "Region")
    seed_regions(Region)
    seed_members(Region, apps.get_model("experts", "MemberAdministration"))
    seed_profile_types(apps.get_model("experts", "ProfileType"))
    seed_thematic_areas(apps.get_model("experts", "ThematicArea"))
    seed_languages(apps.get_model("experts", "Language"))


class Migration(migrations.Migration):
    dependencies = [
        ("experts", "0001_initial"),
    ]

    operations = [migrations.RunPython(seed_reference_data, migrations.RunPython.noop)]
