"""The default competency frameworks (second edition of the model), from the facts in
DOMAIN.md, in our own words: four groups as in the EU Customs Competency Framework (core values
and principles, operational, professional, management).

The first edition's integrity factors (Revised Arusha Declaration) are organisational levers, not
an officer's competencies: they are kept in competencies/arusha.py for the organisational
self-assessment, and their competencies' successors are in competencies/successions.py."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CompetencyFact:
    code: str
    name: str
    description: str
    principles: tuple[str, ...]
    children: tuple[CompetencyFact, ...] = ()


@dataclass(frozen=True)
class FrameworkFact:
    code: str
    name: str
    description: str
    level_policy: str
    validity_months: int | None
    taxonomy: str
    competencies: tuple[CompetencyFact, ...] = field(default_factory=tuple)


C = CompetencyFact

PRINCIPLES = FrameworkFact(
    "RKC-PRINCIPLES",
    "Core values and reform principles",
    "The values every officer holds, integrity first, and the reform principles of the Revised "
    "Kyoto Convention, as what an officer must be able to do to carry each into daily work.",
    "highest",
    None,
    "competency",
    (
        C(
            "P-INT",
            "Integrity",
            "Follows the code of conduct: refuses gifts, favours and hospitality that could "
            "sway or seem to sway a decision, and records any that cannot be refused; declares a "
            "private interest in a case and stands aside from it; reports misconduct through the "
            "proper channel, knowing the reporter is protected; keeps what duty reveals "
            "confidential and uses it for duty only; treats every trader and traveller "
            "impartially, whoever they are.",
            ("P-INT",),
        ),
        C(
            "P-TRA",
            "Transparency",
            "Makes laws, procedures and rulings known to the people they "
            "affect and points clients to where the rules are published.",
            ("P-TRA",),
        ),
        C(
            "P-ACC",
            "Accountability",
            "Records the reasons for each decision and explains the "
            "right of administrative and judicial appeal.",
            ("P-ACC",),
        ),
        C(
            "P-PRE",
            "Predictability",
            "Applies the same law and procedure the same way to every "
            "comparable case, from one office to the next.",
            ("P-PRE",),
        ),
        C(
            "P-FAC",
            "Facilitation & Control",
            "Releases legitimate trade quickly while enforcing "
            "the law, using risk management to decide where to look.",
            ("P-FAC",),
        ),
        C(
            "P-CLI",
            "Client Service",
            "Serves traders and travellers to a published, measured "
            "service standard and consults them on changes.",
            ("P-CLI",),
        ),
        C(
            "P-STD",
            "Standardization",
            "Applies internationally agreed standards: the Harmonized "
            "System, the WCO Data Model and the WTO valuation rules.",
            ("P-STD",),
        ),
        C(
            "P-SIM",
            "Simplification",
            "Removes formalities that add cost without adding control, "
            "so clearance carries no undue burden.",
            ("P-SIM",),
        ),
        C(
            "P-MIN",
            "Minimum Intervention",
            "Limits physical intervention to the high-risk "
            "consignments, people and conveyances that risk analysis and audit identify.",
            ("P-MIN",),
        ),
        C(
            "P-ICT",
            "Information & Communication Technology",
            "Uses electronic declarations, "
            "automated risk engines and shared data to the full in clearance and control.",
            ("P-ICT",),
        ),
        C(
            "P-COP",
            "Cooperation & Partnership",
            "Works with other border agencies, the private "
            "sector and other customs administrations towards shared goals.",
            ("P-COP",),
        ),
        C(
            "P-CIM",
            "Continuous Improvement",
            "Measures performance against standards and "
            "improves processes from what the measures show.",
            ("P-CIM",),
        ),
        C(
            "P-COM",
            "Compliance Improvement",
            "Helps traders understand and meet their "
            "obligations so that voluntary compliance rises.",
            ("P-COM",),
        ),
        C(
            "P-MGT",
            "Management & Administrative Capacity",
            "Plans, staffs, funds and steers reform as a manager, and keeps it going.",
            ("P-MGT",),
        ),
    ),
)

OPERATIONAL = FrameworkFact(
    "CUSTOMS-OPS",
    "Operational",
    "The technical customs skills, of which reforms such as the WTO Valuation Agreement need "
    "several at once, after the operational group of the EU Customs Competency Framework.",
    "highest_valid",
    36,
    "competency",
    (
        C(
            "OPS-BUS",
            "Customs business understanding",
            "Knows the role of customs, its legal basis, its procedures and the trade it serves.",
            ("P-CLI", "P-TRA"),
        ),
        C(
            "OPS-TAR",
            "Tariff and classification",
            "Classifies goods in the Harmonized System "
            "using the General Interpretative Rules, notes and rulings.",
            ("P-STD", "P-PRE"),
        ),
        C(
            "OPS-VAL",
            "Valuation",
            "Determines customs value by the WTO methods, starting from "
            "the transaction value, with the right additions and deductions.",
            ("P-STD", "P-PRE"),
        ),
        C(
            "OPS-ORI",
            "Origin",
            "Applies preferential and non-preferential rules of origin and "
            "checks proofs of origin.",
            ("P-STD", "P-PRE"),
        ),
        C(
            "OPS-PRO",
            "Prohibitions and restrictions",
            "Recognises goods under prohibitions, "
            "licences and other agencies' controls and applies the right measure.",
            ("P-FAC", "P-COP"),
        ),
        C(
            "OPS-RSK",
            "Risk analysis",
            "Collects and analyses data to target high-risk consignments and measure compliance.",
            ("P-MIN", "P-FAC", "P-COM"),
        ),
        C(
            "OPS-SCO",
            "Supply-chain operations",
            "Understands how goods, documents and data move "
            "through the supply chain and where customs can simplify it.",
            ("P-FAC", "P-SIM", "P-COP"),
        ),
        C(
            "OPS-EXA",
            "Examination and non-intrusive inspection",
            "Examines goods, conveyances and baggage selected by risk, by hand or with scanners "
            "and detection equipment, to the depth the risk calls for, and records what was "
            "found so that the record stands as evidence.",
            ("P-MIN", "P-FAC"),
        ),
        C(
            "OPS-INV",
            "Investigation and evidence handling",
            "Investigates customs offences, gathers and seizes evidence lawfully, keeps its "
            "chain of custody unbroken and prepares a case file for settlement or prosecution.",
            ("P-ACC", "P-COP"),
        ),
        C(
            "OPS-AUD",
            "Audit techniques",
            "Plans and carries out desk and field audits of a trader's records after release: "
            "reconciles records with declarations, samples transactions, and reports findings "
            "the trader has been heard on.",
            ("P-MIN", "P-COM"),
        ),
        C(
            "OPS-TRS",
            "Transit and special procedures",
            "Places goods under transit, customs warehousing, free zones, inward and outward "
            "processing or temporary admission, secures the duties at stake with a guarantee "
            "and discharges the procedure when its conditions are met.",
            ("P-FAC", "P-SIM"),
        ),
        C(
            "OPS-TAX",
            "Excise and VAT at import",
            "Assesses the excise duties and the VAT due at import on the right taxable amount, "
            "applies reliefs and suspensions, and reconciles them with the customs duties.",
            ("P-PRE", "P-STD"),
        ),
        C(
            "OPS-ENF",
            "Border enforcement of IPR, CITES and strategic goods",
            "Recognises goods that infringe intellectual property rights, specimens of species "
            "traded against CITES and strategic or dual-use goods without a licence; detains "
            "them and works with right holders and the competent authorities.",
            ("P-FAC", "P-COP"),
        ),
        C(
            "OPS-AEO",
            "AEO validation and monitoring",
            "Validates an applicant against the authorised economic operator criteria, "
            "monitors operators once authorised and proposes suspension or withdrawal when a "
            "criterion is no longer met.",
            ("P-FAC", "P-COM", "P-COP"),
        ),
    ),
)

PROFESSIONAL = FrameworkFact(
    "PROFESSIONAL",
    "Professional",
    "Skills of other professions that customs work relies on, after the professional group of "
    "the EU Customs Competency Framework.",
    "highest",
    None,
    "competency",
    (
        C(
            "PRO-DAT",
            "Data analysis",
            "Prepares, combines and analyses declaration and control data, tells a pattern "
            "from noise, and presents findings with their method so that others can check "
            "them and act on them.",
            ("P-ICT", "P-MIN"),
        ),
        C(
            "PRO-IDS",
            "Instructional design and assessment",
            "Derives learning outcomes from the competencies a position requires, designs "
            "activities and assessments that show them, and marks against criteria the "
            "learners know in advance.",
            ("P-CIM", "P-STD"),
        ),
    ),
)

MANAGEMENT = FrameworkFact(
    "PICARD-MGT",
    "Management (PICARD)",
    "What operational and strategic managers need to know to run and reform customs.",
    "highest",
    None,
    "competency",
    (
        C(
            "MGT-POL",
            "Customs policy",
            "Turns government policy into customs objectives.",
            ("P-MGT",),
        ),
        C(
            "MGT-ROLE",
            "Customs' role in government",
            "Places customs among revenue, trade, security and protection goals of government.",
            ("P-MGT", "P-COP"),
        ),
        C(
            "MGT-LEG",
            "Legal aspects",
            "Understands national and international customs law and how it is made and applied.",
            ("P-MGT", "P-PRE"),
        ),
        C(
            "MGT-ECO",
            "Economics",
            "Understands trade flows, revenue and the economic effect of customs decisions.",
            ("P-MGT",),
        ),
        C(
            "MGT-STR",
            "Strategic planning",
            "Sets direction, priorities and measures for the administration.",
            ("P-MGT", "P-CIM"),
        ),
        C(
            "MGT-IMP",
            "Policy implementation",
            "Delivers change through plans, people and follow-up.",
            ("P-MGT", "P-CIM"),
        ),
        C(
            "MGT-FIN",
            "Financial management",
            "Plans and controls budgets and resources accountably.",
            ("P-MGT", "P-ACC"),
        ),
        C(
            "MGT-PPC",
            "Public–private cooperation",
            "Builds partnerships and consultation with trade.",
            ("P-MGT", "P-COP"),
        ),
        C(
            "MGT-CBM",
            "Coordinated border management",
            "Works with the other border agencies on shared processes and facilities.",
            ("P-MGT", "P-COP"),
        ),
        C(
            "MGT-SEC",
            "Security",
            "Manages the security of the supply chain and of the administration.",
            ("P-MGT", "P-FAC"),
        ),
        C(
            "MGT-TEC",
            "Technology",
            "Plans and governs the use of technology in customs.",
            ("P-MGT", "P-ICT"),
        ),
        C(
            "MGT-PRJ",
            "Project management",
            "Runs reform projects to scope, time and budget.",
            ("P-MGT",),
        ),
        C(
            "MGT-PPL",
            "People management",
            "Leads by example, allocates and develops staff, recruits and rotates them on "
            "merit, and keeps a team's morale and a culture in which people speak up.",
            ("P-MGT", "P-INT"),
        ),
    ),
)


DEFAULT_FRAMEWORKS = (PRINCIPLES, OPERATIONAL, PROFESSIONAL, MANAGEMENT)
