"""Level descriptors of the management competencies (after the WCO PICARD Professional
Standards, and people management)."""

from __future__ import annotations

MANAGEMENT: dict[str, tuple[str, str, str, str]] = {
    "MGT-POL": (
        "Explains the government policies customs serves (revenue, trade, protection, security) "
        "and how they shape customs objectives.",
        "Turns a policy objective into the unit's work plan and explains it to staff.",
        "Drafts customs policy proposals from an analysis of the options and their effects on "
        "revenue, trade and control.",
        "Sets customs policy with the government, balancing its objectives, and defends the "
        "choices before ministries and trade.",
    ),
    "MGT-ROLE": (
        "Explains customs' place among government bodies and its revenue, trade, security and "
        "protection roles.",
        "Works with the government bodies that rely on customs (tax, trade, health, police) "
        "knowing what each expects of it.",
        "Represents customs in work across government, stating what customs can and cannot "
        "contribute.",
        "Positions the administration within the government's strategy and negotiates its "
        "mandate and resources with ministries.",
    ),
    "MGT-LEG": (
        "Explains the sources of customs law (national law, the RKC, the WTO agreements) and how "
        "they relate.",
        "Applies the customs law of the unit's work and finds the legal basis of a decision.",
        "Analyses draft laws and regulations against international obligations and drafts "
        "amendments or instructions.",
        "Leads the reform of customs legislation and advises the leadership on its legal "
        "obligations and risks.",
    ),
    "MGT-ECO": (
        "Explains how trade flows, tariffs and taxes relate to revenue and the economy.",
        "Reads the trade and revenue statistics of a unit and explains their changes.",
        "Estimates the revenue and trade effects of a customs measure or a tariff change.",
        "Advises government on the economic effects of customs policy and uses economic "
        "analysis to set priorities.",
    ),
    "MGT-STR": (
        "Explains the administration's strategy, its objectives and its measures.",
        "Contributes to a unit's plan with objectives, activities and measures that follow the "
        "strategy.",
        "Prepares the strategic plan of a directorate or region from an assessment of its "
        "environment and capacity, with measurable targets.",
        "Sets the administration's direction and priorities, and revises the strategy from "
        "performance results.",
    ),
    "MGT-IMP": (
        "Explains how a policy becomes action through plans, instructions, resources and "
        "follow-up.",
        "Carries out an assigned part of a change plan and reports progress and problems.",
        "Runs the implementation of a policy across units, with staff, communication and "
        "follow-up of results.",
        "Leads change across the administration, removes obstacles and sustains the change after "
        "the project ends.",
    ),
    "MGT-FIN": (
        "Explains the budget cycle and the rules for spending public money.",
        "Keeps a unit's spending within its budget and records it as the rules require.",
        "Prepares and controls a directorate's budget, links it to the plan and explains the "
        "variances.",
        "Plans the administration's resources over several years, defends its budget before the "
        "ministry and answers to auditors for its use.",
    ),
    "MGT-PPC": (
        "Explains why customs consults trade, and the rules for dealing with businesses openly "
        "and impartially.",
        "Takes part in consultation with trade through the agreed channels and records what is "
        "discussed and decided.",
        "Organises consultation and partnerships with trade associations, such as memoranda of "
        "understanding, and reports their results.",
        "Sets the administration's partnership policy with the private sector, including its "
        "work in the national trade facilitation committee (TFA Article 23).",
    ),
    "MGT-CBM": (
        "Explains coordinated border management: agencies aligning their controls, hours, "
        "facilities and data (TFA Article 8).",
        "Works to procedures shared with other agencies at the border, such as joint inspections "
        "and common opening hours.",
        "Plans shared procedures or facilities at a border crossing with the other agencies and "
        "the neighbouring country.",
        "Negotiates national and cross-border agreements on coordinated border management and "
        "oversees their results.",
    ),
    "MGT-SEC": (
        "Explains supply-chain security under the SAFE Framework, and the security of the "
        "administration's own staff, premises and data.",
        "Applies the unit's security procedures and reports incidents and threats.",
        "Assesses the security risks of an office or programme and puts measures in place.",
        "Sets the administration's security policy for the supply chain and its own operations, "
        "with other agencies and administrations.",
    ),
    "MGT-TEC": (
        "Explains how technology supports customs processes and what it costs to run.",
        "Identifies where a unit's work could use the existing systems better and reports needs.",
        "Manages the introduction of a new system in a directorate: requirements, testing, "
        "training and changeover.",
        "Governs the administration's technology portfolio: investment choices, security, data "
        "and suppliers.",
    ),
    "MGT-PRJ": (
        "Explains a project's scope, schedule, budget, risks and stakeholders.",
        "Plans and tracks tasks within a project, reporting progress and risks.",
        "Manages a reform project to scope, time and budget, with its stakeholders and "
        "development partners.",
        "Oversees a portfolio of reform projects, sets their governance and decides on changes "
        "and closure.",
    ),
    "MGT-PPL": (
        "Explains the principles of fair people management: merit-based recruitment, clear "
        "roles, appraisal and development.",
        "Leads a team day to day: assigns duties and rosters fairly, gives feedback and resolves "
        "routine problems.",
        "Manages staff performance and development in an office, handles conflict and discipline, "
        "and leads a team through a change of duties.",
        "Sets people-management policy (recruitment, rotation, appraisal, integrity training, "
        "staff morale) and develops managers.",
    ),
}
