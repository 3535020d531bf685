"""The first edition of the default competency model, frozen as test data: what
`lms frameworks load-defaults` loaded before issue 13 (four frameworks, the Arusha factors as
personal competencies, MGT-BUS). tests/competencies/test_model_upgrade.py builds a first-edition
database from it and upgrades it. Never edit: it is history.

The first edition's positions' profiles are competencies.default_positions.FIRST_EDITION_PROFILES
(the upgrade needs them too)."""

from __future__ import annotations

from competencies.defaults import CompetencyFact, FrameworkFact

C = CompetencyFact

PRINCIPLES = FrameworkFact(
    "RKC-PRINCIPLES",
    "Reform principles of the Revised Kyoto Convention",
    "What an officer must be able to do to carry each reform principle into daily work.",
    "highest",
    None,
    "competency",
    (
        C(
            "P-INT",
            "Integrity",
            "Works free of corruption, declines gifts and favours, declares "
            "conflicts of interest and reports misconduct through the proper channel.",
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
    "Operational customs competencies",
    "The technical skills reforms such as the WTO Valuation Agreement need several of at once, "
    "after the EU Customs Competency Framework.",
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
    ),
)

INTEGRITY = FrameworkFact(
    "ARUSHA-INTEGRITY",
    "Integrity factors (Revised Arusha Declaration)",
    "The ten factors of an integrity programme, under the principle of Integrity.",
    "highest_valid",
    24,
    "competency,indicator",
    (
        C(
            "INT",
            "Integrity",
            "Upholds and promotes integrity across the ten factors of the "
            "Revised Arusha Declaration.",
            ("P-INT",),
            (
                C(
                    "INT-LEAD",
                    "Leadership and commitment",
                    "Leads by example and shows visible, lasting commitment to integrity.",
                    ("P-INT", "P-MGT"),
                ),
                C(
                    "INT-REG",
                    "Regulatory framework",
                    "Applies clear, simple law that leaves little room for discretion.",
                    ("P-INT", "P-SIM"),
                ),
                C(
                    "INT-TRA",
                    "Transparency",
                    "Makes decisions open to scrutiny and explains them.",
                    ("P-INT", "P-TRA"),
                ),
                C(
                    "INT-AUT",
                    "Automation",
                    "Uses automated systems that cut face-to-face contact "
                    "and leave an audit trail.",
                    ("P-INT", "P-ICT"),
                ),
                C(
                    "INT-REF",
                    "Reform and modernisation",
                    "Supports reforms that remove the incentives and opportunities for corruption.",
                    ("P-INT", "P-CIM"),
                ),
                C(
                    "INT-AUD",
                    "Audit and investigation",
                    "Supports internal audit and investigation and acts on what they find.",
                    ("P-INT", "P-ACC"),
                ),
                C(
                    "INT-COC",
                    "Code of conduct",
                    "Knows and follows the code of conduct, including on "
                    "gifts, hospitality and conflicts of interest.",
                    ("P-INT",),
                ),
                C(
                    "INT-HRM",
                    "Human resource management",
                    "Applies merit-based recruitment, rotation, fair pay and integrity training.",
                    ("P-INT", "P-MGT"),
                ),
                C(
                    "INT-MOR",
                    "Morale and organisational culture",
                    "Contributes to a workplace where staff are proud of their work and speak up.",
                    ("P-INT",),
                ),
                C(
                    "INT-PRI",
                    "Relationship with the private sector",
                    "Deals with business openly, through agreed and published channels.",
                    ("P-INT", "P-COP"),
                ),
            ),
        ),
    ),
)

MANAGEMENT = FrameworkFact(
    "PICARD-MGT",
    "Management knowledge (WCO PICARD Professional Standards)",
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
            "MGT-BUS",
            "The customs business",
            "Knows the processes, services and clients of the administration end to end.",
            ("P-MGT", "P-CLI"),
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
    ),
)

DEFAULT_FRAMEWORKS = (PRINCIPLES, OPERATIONAL, INTEGRITY, MANAGEMENT)

FIRST_EDITION_FRAMEWORKS = (PRINCIPLES, OPERATIONAL, INTEGRITY, MANAGEMENT)
