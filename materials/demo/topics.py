"""What the demo working groups develop: for each thematic area a topic (its focus, key terms,
a fictitious scenario and indicators), and the materials a group makes of it (a presentation,
an exercise, indicators or a trainer's handbook, a case study). An area without a topic of its
own gets one from its name. Places, administrations and companies are made up."""

from dataclasses import dataclass

from materials.demo.files import Doc
from materials.enums import MaterialKind as K


@dataclass(frozen=True)
class Topic:
    focus: str  # what the group standardises, as in "training on {focus}"
    terms: tuple[str, ...]  # the key notions the materials teach
    scenario: str  # one fictitious situation the exercises use
    indicators: tuple[tuple[str, str], ...]  # (indicator or check, why)


TOPICS = {
    "risk-management": Topic(
        "selectivity and targeting",
        (
            "risk profile",
            "selectivity criteria",
            "risk register",
            "compliance measurement",
            "targeting centre",
        ),
        "At the (fictitious) port of Eastmere, 40 % of import declarations go to physical "
        "inspection and only 2 % of inspections find anything. Traders wait three days.",
        (
            ("Inspection rate above 30 %", "Profiles too broad"),
            ("Hit rate below 5 %", "Criteria not reviewed"),
            ("New importer with high-duty goods", "No compliance history"),
            ("Route through a transhipment hub", "Concealment of origin"),
        ),
    ),  # fmt: skip
    "aeo-safe": Topic(
        "AEO validation",
        (
            "AEO criteria",
            "self-assessment questionnaire",
            "site visit",
            "mutual recognition",
            "supply chain security",
        ),
        "The (fictitious) exporter Kestrel Foods applies for AEO status; its warehouse "
        "shares a gate with a haulier that has had two seizures.",
        (
            ("Shared premises with third parties", "Access control"),
            ("No records of seal checks", "Container integrity"),
            ("Frequent staff turnover in logistics", "Personnel security"),
            ("Unpaid duties in the last three years", "Compliance record"),
        ),
    ),  # fmt: skip
    "post-clearance-audit": Topic(
        "audit planning and the audit of declared values",
        ("audit plan", "commercial records", "reconciliation", "royalties", "recovery notice"),
        "The (fictitious) importer Northgate Supplies declares machine parts at prices 30 % "
        "below those of its competitors and pays royalties to its parent company.",
        (
            ("Related-party transactions", "Price influenced by the relationship"),
            ("Payments to third parties", "Undeclared additions"),
            ("Frequent amendments of declarations", "Weak internal controls"),
            ("Sudden tariff shift to a lower duty", "Misclassification"),
        ),
    ),  # fmt: skip
    "e-commerce": Topic(
        "low-value consignments sold online",
        ("advance electronic data", "de minimis", "platform", "express carrier", "postal parcel"),
        "At the (fictitious) Port Selwyn hub, revenue from low-value consignments fell by a "
        "fifth while volumes doubled.",
        (
            ("Declared value below platform price", "Undervaluation"),
            ("Same sender, many consignees at one address", "Splitting"),
            ("Brand goods from a new seller", "Counterfeits"),
            ("Batteries declared as toys", "Safety"),
        ),
    ),  # fmt: skip
    "free-zones": Topic(
        "controls in free zones",
        (
            "free zone operator",
            "inventory control",
            "entry and exit records",
            "manipulation of goods",
            "audit of operators",
        ),
        "Goods entering the (fictitious) Harrow Bay free zone leave it relabelled with a "
        "new origin; the operator's inventory shows no loss.",
        (
            ("Relabelling or repacking", "Change of origin"),
            ("Inventory kept on paper only", "No audit trail"),
            ("Goods stored for years", "Diversion"),
            ("Operator with unknown owners", "Front company"),
        ),
    ),  # fmt: skip
    "customs-valuation": Topic(
        "the transaction value method",
        (
            "transaction value",
            "related parties",
            "adjustments",
            "valuation database",
            "reasonable doubt",
        ),
        "The (fictitious) importer Orion Textiles declares fabric at a third of the world "
        "price; its supplier is owned by the importer's director.",
        (
            ("Price far below the valuation database", "Undervaluation"),
            ("Related buyer and seller", "Influenced price"),
            ("Commissions paid separately", "Missing adjustment"),
            ("Round-number invoices", "Invented invoice"),
        ),
    ),  # fmt: skip
    "trade-facilitation-agreement": Topic(
        "implementing the Trade Facilitation Agreement",
        (
            "national committee",
            "category A B C notifications",
            "advance rulings",
            "pre-arrival processing",
            "release time",
        ),
        "The (fictitious) Republic of Norvalia notified half of its TFA measures in "
        "category C and has no national trade facilitation committee yet.",
        (
            ("No published procedures", "Article 1"),
            ("No advance rulings", "Article 3"),
            ("No pre-arrival processing", "Article 7.1"),
            ("No single window plan", "Article 10.4"),
        ),
    ),  # fmt: skip
    "leadership-management": Topic(
        "leading change in a Customs administration",
        ("vision", "change management", "coaching", "performance dialogue", "delegation"),
        "A newly appointed (fictitious) regional director in Eastmere must merge two border "
        "offices whose teams do not cooperate.",
        (
            ("Decisions escalated to the top", "No delegation"),
            ("Staff surveys not followed up", "Lost trust"),
            ("Targets without resources", "Burn-out"),
            ("No succession plan", "Continuity"),
        ),
    ),  # fmt: skip
    "modernization-strategic-planning": Topic(
        "strategic planning",
        (
            "strategic plan",
            "logical framework",
            "key performance indicators",
            "stakeholder consultation",
            "annual operational plan",
        ),
        "The (fictitious) Customs of Norvalia have a five-year plan with 90 actions and no "
        "budget attached to any of them.",
        (
            ("More than 40 actions a year", "No priorities"),
            ("Indicators without baseline", "No measure of progress"),
            ("Plan not shared with staff", "No ownership"),
            ("No link to the budget", "Unfunded plan"),
        ),
    ),  # fmt: skip
    "ipr-health-safety": Topic(
        "detecting counterfeit goods",
        (
            "application for action",
            "ex officio action",
            "product identification guide",
            "small consignments",
            "destruction",
        ),
        "Officers at the (fictitious) Kelby airport find 300 boxes of medicines with "
        "misspelt labels in a consignment declared as vitamins.",
        (
            ("Misspelt brand names", "Counterfeit"),
            ("Price far below the genuine product", "Counterfeit"),
            ("Medicines declared as food supplements", "Health"),
            ("Unusual route for the brand", "Diversion"),
        ),
    ),  # fmt: skip
}


def topic_for(area) -> Topic:
    """The area's topic, or one made from its name."""
    if area.code in TOPICS:
        return TOPICS[area.code]
    name = area.name_en
    return Topic(
        name.lower(),
        (f"{name} standards", "legal basis", "procedures", "risk assessment", "training needs"),
        f"A (fictitious) administration in Norvalia asks for help with {name.lower()}: its "
        "procedures are not written down and each office applies them differently.",
        (("No written procedure", "Inconsistent practice"),
         ("No training plan", "Skills gap"),
         ("No performance data", "No measure of progress"),
         ("No cooperation with other agencies", "Duplication")),
    )  # fmt: skip


@dataclass(frozen=True)
class GroupMaterial:
    kind: str
    suffix: str
    title: str
    description: str
    doc: Doc
    tags: str


def _presentation(area, topic: Topic) -> GroupMaterial:
    title = f"{area.name_en}: core training presentation"
    doc = Doc(
        title,
        [
            ("Objectives", [f"- Understand {topic.focus}", "- Apply the WCO tools",
                            "- Agree an action plan"]),
            ("Key notions", [f"- {term.capitalize()}" for term in topic.terms]),
            ("A case to discuss", [topic.scenario]),
            ("What to check", [f"- {check}: {why}" for check, why in topic.indicators]),
            ("Wrap-up", ["- Three things to change on Monday", "- Questions and answers"]),
        ],
    )  # fmt: skip
    return GroupMaterial(
        K.PRESENTATION, ".pptx", title,
        f"The slides of the session on {topic.focus}, for trainers of the area.",
        doc, ", ".join(topic.terms[:3]),
    )  # fmt: skip


def _exercise(area, topic: Topic) -> GroupMaterial:
    title = f"Group exercise: {topic.focus}"
    doc = Doc(
        title,
        [
            ("Instructions", ["Work in groups of four for 45 minutes, then report back in "
                              "five minutes per group."]),
            ("The situation", [topic.scenario]),
            ("Tasks", [f"- Explain how {topic.terms[0]} applies here.",
                       f"- Propose two measures using {topic.terms[1]}.",
                       "- Say which data you would need, and from whom."]),
            ("Debrief for the trainer", [f"Expected points: {', '.join(topic.terms)}."]),
        ],
    )  # fmt: skip
    return GroupMaterial(
        K.EXERCISE, ".docx", title,
        f"A 45-minute group exercise on {topic.focus}, with the trainer's debrief.",
        doc, f"exercise, {topic.terms[0]}",
    )  # fmt: skip


def _indicators(area, topic: Topic) -> GroupMaterial:
    title = f"{area.name_en}: indicators and checks"
    doc = Doc(
        title,
        [("How to use", [f"Checks for {topic.focus}; combine them, none is proof alone."])],
        table=[["Indicator or check", "Why it matters", "Weight"]]
        + [[check, why, "High" if n < 2 else "Medium"]
           for n, (check, why) in enumerate(topic.indicators)],
    )  # fmt: skip
    return GroupMaterial(
        K.RISK_INDICATORS, ".xlsx", title,
        f"Indicators the group agreed for {topic.focus}.",
        doc, f"risk indicators, {topic.terms[2]}",
    )  # fmt: skip


def _handbook(area, topic: Topic) -> GroupMaterial:
    title = f"Trainer's handbook: {area.name_en}"
    doc = Doc(
        title,
        [
            ("About this handbook", [f"It standardises the training on {topic.focus} "
                                     "delivered in WCO missions, session by session."]),
            ("Session plan", ["- Day 1: the key notions and the legal basis",
                              "- Day 2: the case and the exercise",
                              "- Day 3: the action plan"]),
            ("Key notions", [f"- {term.capitalize()}" for term in topic.terms]),
            ("Case for the sessions", [topic.scenario]),
        ],
    )  # fmt: skip
    return GroupMaterial(
        K.HANDBOOK, ".pdf", title,
        f"The trainer's handbook for the three-day course on {topic.focus}.",
        doc, f"handbook, {topic.terms[0]}",
    )  # fmt: skip


def _case_study(area, topic: Topic) -> GroupMaterial:
    title = f"Case study: {topic.focus} in practice"
    doc = Doc(
        title,
        [
            ("Background", [topic.scenario]),
            ("What the team found", [f"- {check} ({why.lower()})"
                                     for check, why in topic.indicators]),
            ("Questions", ["- What went wrong, and since when?",
                           f"- How would {topic.terms[0]} have helped?",
                           "- What would you recommend to the Director General?"]),
        ],
    )  # fmt: skip
    return GroupMaterial(
        K.CASE_STUDY, ".pdf", title,
        f"A fictitious case on {topic.focus}, with questions for discussion.",
        doc, f"case study, {topic.terms[1]}",
    )  # fmt: skip


def group_materials(area, index: int) -> list[GroupMaterial]:
    """What the ``index``-th demo group of ``area`` develops: three or four materials, the
    first a presentation and the second an exercise (the slots library.py gives states)."""
    topic = topic_for(area)
    third = _indicators if index % 2 == 0 else _handbook
    made = [_presentation(area, topic), _exercise(area, topic), third(area, topic)]
    if index % 2 == 0:
        made.append(_case_study(area, topic))
    return made
