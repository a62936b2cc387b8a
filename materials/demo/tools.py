"""The Secretariat's own tools in the demo library, published directly (no working group): a
handbook on legal and practical measures against IPR offences, a self-assessment tool for
Members, e-commerce risk indicators and a case study, guidelines on the environmentally safe
storage and destruction of seized goods, a guide to the CENcomm secure communication groups, a
presentation and an exercise. Everything in them is fictitious: the administrations, ports,
companies and figures are made up, and nobody named is a real person."""

from dataclasses import dataclass, field

from materials.demo.files import Doc
from materials.enums import MaterialKind as K


@dataclass
class Tool:
    area: str  # a thematic area's code
    kind: str
    suffix: str
    languages: list[str]
    tags: str
    description: str
    doc: Doc
    # Earlier editions, oldest first: (what changed, edition's title suffix).
    editions: list[str] = field(default_factory=list)
    withdrawn: str = ""  # the reason, for a tool taken out of use


IPR_HANDBOOK = Doc(
    "Handbook on legal and practical measures against IPR offences",
    [
        (
            "Purpose of the handbook",
            [
                "This handbook helps Customs officers and trainers apply border measures "
                "against goods that infringe intellectual property rights (IPR): counterfeit "
                "trademarks, pirated copyright goods and goods infringing designs.",
                "It follows the minimum standards of the TRIPS Agreement (Part III, Section 4) "
                "and the WCO model provisions for national legislation.",
            ],
        ),
        (
            "Legal measures",
            [
                "- Application for action: the right holder lodges it with Customs, with the "
                "description of the genuine goods and a contact point.",
                "- Ex officio action: Customs may suspend the release of suspect goods without "
                "an application, and informs the right holder within one working day.",
                "- Small consignments: a simplified procedure allows the destruction of "
                "counterfeit goods in postal and express parcels when the declarant agrees.",
                "- Penalties: the national law sets administrative and criminal sanctions.",
            ],
        ),
        (
            "Practical measures",
            [
                "- Risk profiles built with the right holders' product identification guides.",
                "- Sampling and photographs kept as evidence; chain of custody recorded.",
                "- Storage of detained goods in a secure warehouse, then destruction under "
                "Customs supervision (see the guidelines on safe storage and destruction).",
            ],
        ),
        (
            "Health and safety",
            [
                "Counterfeit medicines, spare parts, toys and cosmetics endanger consumers. "
                "Priority goes to consignments that threaten health and safety.",
            ],
        ),
    ],
)

IPR_HANDBOOK_FR = Doc(
    "Manuel sur les mesures juridiques et pratiques contre les atteintes aux DPI",
    [
        (
            "Objet du manuel",
            [
                "Ce manuel aide les agents des douanes et les formateurs à appliquer les mesures "
                "à la frontière contre les marchandises portant atteinte aux droits de "
                "propriété intellectuelle (DPI) : marques contrefaites, marchandises pirates.",
            ],
        ),
        (
            "Mesures juridiques",
            [
                "- Demande d'intervention déposée par le titulaire du droit.",
                "- Action d'office : la douane suspend la mainlevée des marchandises suspectes.",
                "- Petits envois : procédure simplifiée de destruction des contrefaçons.",
            ],
        ),
        (
            "Mesures pratiques",
            [
                "- Profils de risque établis avec les guides d'identification des produits.",
                "- Échantillons et photographies conservés comme preuves.",
                "- Entreposage sécurisé puis destruction sous contrôle douanier.",
            ],
        ),
    ],
)

SELF_ASSESSMENT = Doc(
    "Integrity self-assessment tool for Members",
    [
        (
            "How to use the tool",
            [
                "Answer each question for your administration, score it from 0 (not in place) "
                "to 3 (in place and reviewed), and note the evidence. The totals by chapter "
                "point to the areas where an integrity action plan should start.",
            ],
        ),
    ],
    table=[
        ["Question", "Evidence expected", "Chapter", "Score (0-3)"],
        ["Is there a published code of conduct?", "Code, date of adoption", "Leadership", ""],
        ["Are staff rotated in sensitive posts?", "Rotation policy", "Human resources", ""],
        ["Are discretionary decisions recorded?", "Audit trail", "Automation", ""],
        ["Can traders report misconduct safely?", "Reporting channel", "Relations", ""],
        ["Is there an internal audit function?", "Audit plan, reports", "Audit", ""],
        ["Are asset declarations verified?", "Verification records", "Human resources", ""],
    ],
)

ECOMMERCE_INDICATORS = Doc(
    "Risk indicators for cross-border e-commerce",
    [
        (
            "About these indicators",
            [
                "Indicators for low-value consignments sold online and shipped by post or "
                "express carriers. Combine them in risk profiles; none is proof on its own.",
                "Use with the advance electronic data (pre-loading data, item-level data) "
                "that platforms and carriers transmit.",
            ],
        ),
    ],
    table=[
        ["Indicator", "Why it matters", "Data element", "Weight"],
        ["Declared value far below the platform price", "Undervaluation", "Item value", "High"],
        ["Vague description such as 'gift' or 'sample'", "Misdescription", "Description", "High"],
        ["Many parcels to one address, same sender", "Splitting", "Consignee", "Medium"],
        ["Brand goods from a seller with no history", "Counterfeits", "Seller", "Medium"],
        ["Lithium batteries declared as toys", "Safety", "HS code", "High"],
        ["Pharmaceuticals in postal parcels", "Health", "Description", "High"],
    ],
)

ECOMMERCE_CASE = Doc(
    "Case study: the Port Selwyn express hub",
    [
        (
            "Background",
            [
                "The (fictitious) administration of Eastmere clears 40 000 express parcels a "
                "day at the Port Selwyn hub. Revenue from low-value consignments fell by a "
                "fifth in a year while volumes doubled.",
            ],
        ),
        (
            "What the team found",
            [
                "- Declared values averaged a third of the prices shown on the platforms.",
                "- One consignee received 600 parcels of phone cases in a month.",
                "- Item-level data arrived after the aircraft landed for half of the flights.",
            ],
        ),
        (
            "Questions for the trainees",
            [
                "- Which risk indicators would have flagged these shipments earlier?",
                "- What data should the carriers send before loading?",
                "- How can the administration work with the platforms on collection?",
            ],
        ),
    ],
)

STORAGE_GUIDELINES = Doc(
    "Guidelines on the environmentally safe storage and destruction of seized goods",
    [
        (
            "Scope",
            [
                "Seized and forfeited goods (counterfeits, chemicals, ozone-depleting "
                "substances, wildlife products, e-waste) must be stored and destroyed without "
                "harm to people or the environment.",
            ],
        ),
        (
            "Storage",
            [
                "- Separate incompatible goods; keep chemicals in ventilated, bunded areas.",
                "- Record every movement; seal containers; restrict access.",
                "- Label hazardous goods with their UN numbers and safety data sheets.",
            ],
        ),
        (
            "Destruction",
            [
                "- Prefer recycling and recovery over incineration and landfill.",
                "- Use licensed facilities; obtain the certificate of destruction.",
                "- Never burn goods in the open; never release refrigerant gases.",
            ],
        ),
    ],
)

CENCOMM_GUIDE = Doc(
    "CENcomm secure communication groups: a guide for operations",
    [
        (
            "What CENcomm is",
            [
                "CENcomm is the WCO's secure communication system for enforcement operations: "
                "closed user groups exchange alerts, seizure reports and intelligence in real "
                "time during an operation.",
            ],
        ),
        (
            "Setting up a group",
            [
                "- The operation's coordinator asks the Secretariat for a closed user group.",
                "- Each administration names its contact points; accounts are personal.",
                "- Messages follow the agreed templates: alert, seizure, feedback.",
            ],
        ),
        (
            "Good practice",
            [
                "- Share only what the operation needs; mark sensitive messages.",
                "- Report seizures within 24 hours, with photographs.",
            ],
        ),
    ],
)

AEO_PRESENTATION = Doc(
    "AEO programmes: an introduction for trainers",
    [
        ("Why AEO", ["- Secure and facilitate legitimate trade", "- Partnership with business"]),
        (
            "Criteria",
            [
                "- Compliance record",
                "- Management of commercial records",
                "- Financial solvency",
                "- Security and safety standards",
            ],
        ),
        ("Benefits", ["- Fewer inspections", "- Priority treatment", "- Mutual recognition"]),
        ("Validation", ["- Self-assessment questionnaire", "- Site visit", "- Monitoring"]),
    ],
)

PCA_EXERCISE = Doc(
    "Post-clearance audit exercise: the Northgate importer",
    [
        (
            "Instructions",
            [
                "Work in groups of four. You audit the (fictitious) importer Northgate Supplies "
                "after a risk profile flagged its declared values for machine parts.",
            ],
        ),
        (
            "Tasks",
            [
                "- List the commercial records you ask for, and why.",
                "- Reconcile three invoices with the payments and the declarations.",
                "- Decide whether royalties should be added to the customs value.",
                "- Draft the audit findings and the recovery notice.",
            ],
        ),
    ],
)


TOOLS = [
    Tool(
        "ipr-health-safety",
        K.HANDBOOK,
        ".pdf",
        ["en"],
        "ipr, counterfeit, border measures, trips",
        "The Secretariat's handbook for trainers and officers: legal and practical measures "
        "against IPR offences at the border.",
        IPR_HANDBOOK,
        editions=["First edition."],
    ),
    Tool(
        "ipr-health-safety",
        K.HANDBOOK,
        ".docx",
        ["fr"],
        "dpi, contrefaçon, mesures à la frontière",
        "Édition française du manuel sur les mesures contre les atteintes aux DPI.",
        IPR_HANDBOOK_FR,
    ),
    Tool(
        "integrity",
        K.SELF_ASSESSMENT,
        ".xlsx",
        ["en", "fr", "es"],
        "integrity, self-assessment, action plan",
        "A self-assessment tool for Members: score your administration on the Revised "
        "Arusha Declaration's chapters and find where to start.",
        SELF_ASSESSMENT,
    ),
    Tool(
        "e-commerce",
        K.RISK_INDICATORS,
        ".xlsx",
        ["en"],
        "e-commerce, risk indicators, low-value consignments",
        "Risk indicators for low-value consignments sold online.",
        ECOMMERCE_INDICATORS,
        editions=["First set of indicators.", "Added the safety indicators."],
    ),
    Tool(
        "e-commerce",
        K.CASE_STUDY,
        ".docx",
        ["en", "es"],
        "e-commerce, express carriers, case study",
        "A case study on an express hub's revenue losses, with questions for the trainees.",
        ECOMMERCE_CASE,
    ),
    Tool(
        "environment-cites",
        K.GUIDELINE,
        ".pdf",
        ["en", "fr"],
        "seized goods, destruction, environment, storage",
        "How to store and destroy seized goods without harm to people or the environment.",
        STORAGE_GUIDELINES,
    ),
    Tool(
        "drugs-enforcement",
        K.OTHER,
        ".pptx",
        ["en"],
        "cencomm, secure communication, operations",
        "How enforcement operations use CENcomm's closed user groups.",
        CENCOMM_GUIDE,
    ),
    Tool(
        "aeo-safe",
        K.PRESENTATION,
        ".pptx",
        ["en", "fr"],
        "aeo, safe framework, mutual recognition",
        "Slides introducing AEO programmes, for trainers.",
        AEO_PRESENTATION,
    ),
    Tool(
        "post-clearance-audit",
        K.EXERCISE,
        ".pdf",
        ["en"],
        "post-clearance audit, valuation, exercise",
        "A group exercise auditing a fictitious importer's declared values (an old edition).",
        PCA_EXERCISE,
        withdrawn="Replaced by the working group's new audit exercises; the royalty rules it "
        "teaches changed in 2025.",
    ),
]
