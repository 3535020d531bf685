"""Level descriptors of the core values and reform principles (the RKC-PRINCIPLES framework).

P-INT is written from a code of conduct: gifts and hospitality, conflicts of interest, reporting
misconduct, confidentiality and impartial treatment.
"""

from __future__ import annotations

PRINCIPLES: dict[str, tuple[str, str, str, str]] = {
    "P-INT": (
        "Explains the code of conduct's rules on gifts and hospitality, conflicts of interest, "
        "confidentiality and impartial treatment, and names the channel for reporting misconduct.",
        "Declines or declares gifts and hospitality as the code requires, declares a personal "
        "interest before handling a case, keeps traders' data confidential and treats every "
        "trader and traveller alike.",
        "Recognises integrity risks in unclear situations (repeated favours, family ties, "
        "pressure from a trader), advises colleagues on the right course and reports suspected "
        "misconduct with the facts recorded.",
        "Designs a unit's integrity safeguards (rotation, declaration registers, second checks "
        "on sensitive decisions), handles reports of misconduct in confidence and coaches "
        "managers on the code.",
    ),
    "P-TRA": (
        "Explains why customs law, procedures, fees and rulings must be published, and where "
        "the administration publishes them.",
        "Points traders and travellers to the published rule, form or ruling that applies to "
        "their case, and answers enquiries naming the source.",
        "Keeps the notices, guidance and enquiry-point answers of an area current and complete, "
        "and drafts plain-language guidance when a rule changes.",
        "Sets how the administration publishes its rules and decisions (on the internet, through "
        "enquiry points, with comment before entry into force, as TFA Articles 1 and 2 ask) and "
        "checks that it does.",
    ),
    "P-ACC": (
        "Explains that every decision needs recorded reasons and that the person concerned may "
        "appeal, first within customs and then to a court.",
        "Records the facts and legal basis of each decision, gives the reasons in writing when "
        "asked and tells the person how and by when to appeal.",
        "Reviews a decision under administrative appeal against the law and the file, and "
        "writes a reasoned outcome that would stand before a court.",
        "Runs the appeal process and its time limits (RKC Chapter 10, TFA Article 4), analyses "
        "appeal outcomes to correct recurring errors and advises on litigation.",
    ),
    "P-PRE": (
        "Explains why the same law must be applied the same way in every office, and where "
        "instructions and binding rulings are found.",
        "Applies the law, instructions and binding rulings in the same way to comparable cases, "
        "and records when and why a case is treated differently.",
        "Detects diverging practice between officers or offices from decisions and appeals, and "
        "proposes a common instruction to end it.",
        "Maintains the instructions, rulings and quality checks that keep the administration's "
        "decisions uniform and stable, and settles conflicting interpretations.",
    ),
    "P-FAC": (
        "Explains how risk management lets customs release low-risk goods quickly while "
        "controlling the consignments that need it.",
        "Clears declarations along the channel the risk system assigns (release, documentary "
        "check, examination) and records the result of each control.",
        "Balances release times against control results at a post, adjusts local controls within "
        "the risk profiles and explains the trade-off to traders and managers.",
        "Designs the administration's facilitation and control policy (pre-arrival processing, "
        "release against a guarantee, authorised operators) and measures its effect, for "
        "example with a Time Release Study.",
    ),
    "P-CLI": (
        "Explains the administration's published service standards and who its clients are.",
        "Serves traders and travellers courteously to the published standard, answers within "
        "the set time and passes on what they report.",
        "Handles complaints and difficult cases, measures a unit's service against its standards "
        "and proposes improvements drawn from clients' views.",
        "Sets the administration's service standards and its consultation with trade, and "
        "reports publicly on how well the standards are met.",
    ),
    "P-STD": (
        "Names the international standards customs applies (the Harmonized System, the WCO Data "
        "Model, the WTO valuation rules) and what each is for.",
        "Applies the Harmonized System, the data model's elements and the valuation rules "
        "correctly in routine declarations and controls.",
        "Compares national procedures and data requirements with the international standards "
        "and explains where and why they differ.",
        "Leads the alignment of national law, systems and procedures with the international "
        "standards and speaks for the administration where those standards are revised.",
    ),
    "P-SIM": (
        "Explains the RKC's aim of clearance without undue formalities and recognises a "
        "requirement that adds cost without adding control.",
        "Offers eligible traders the simplified procedures available (pre-arrival lodging, "
        "periodic or incomplete declarations) and asks only for the documents needed.",
        "Maps a procedure step by step, identifies documents, signatures and checks that add "
        "nothing to control and proposes removing them.",
        "Leads the simplification of the administration's procedures with other agencies and "
        "trade, and measures the time and cost saved.",
    ),
    "P-MIN": (
        "Explains why customs limits physical intervention to what risk analysis and audit "
        "point to.",
        "Examines only the consignments selected by risk or on a recorded suspicion, and releases "
        "the others without delay.",
        "Shows from control results which interventions find nothing and proposes dropping them, "
        "or replacing them with audit-based control where suitable (RKC Standard 6.6).",
        "Sets the administration's policy on levels of physical control and audit, with targets "
        "for intervention and detection rates, and answers for the results.",
    ),
    "P-ICT": (
        "Explains how electronic declarations, automated risk engines and shared data support "
        "clearance and control.",
        "Handles declarations, payments and control results in the customs systems without "
        "paper, and uses the data the systems give.",
        "Specifies changes to a customs system from users' needs, tests them and trains "
        "colleagues in the new functions.",
        "Plans the administration's use of ICT (single window, electronic payment, data exchange "
        "with other agencies and administrations) and governs its security and continuity.",
    ),
    "P-COP": (
        "Names the border agencies, trade bodies and foreign administrations customs works with, "
        "and the role of each.",
        "Carries out joint or coordinated controls with other agencies at the post and shares "
        "information through the agreed channels.",
        "Arranges cooperation on a case or project: a memorandum with trade, a request for "
        "mutual administrative assistance, a joint operation with another agency.",
        "Negotiates and oversees agreements on border agency cooperation, mutual assistance and "
        "partnership with trade, and measures what they achieve.",
    ),
    "P-CIM": (
        "Explains the unit's performance standards and why its processes are measured and "
        "improved.",
        "Records accurately the data the unit's measures need and suggests improvements from "
        "daily work.",
        "Analyses a unit's performance data, finds the causes of delays or errors and runs an "
        "improvement whose results are measured.",
        "Sets the administration's performance framework and improvement cycle, and uses the "
        "results to reset priorities.",
    ),
    "P-COM": (
        "Explains the compliance approach: help for traders who want to comply, enforcement "
        "focused on those who do not.",
        "Explains their obligations to traders, points out the errors found and handles a "
        "voluntary disclosure as the rules allow.",
        "Plans compliance actions for a sector from compliance measurement, combining guidance, "
        "audit and penalties according to traders' behaviour.",
        "Sets the administration's compliance strategy (compliance measurement, the compliance "
        "pyramid, incentives such as authorised operator status) and evaluates its results.",
    ),
    "P-MGT": (
        "Explains how a reform is planned, staffed and funded, and what a manager's part in it is.",
        "Plans and runs the work of a team or a small project within its resources, and reports "
        "progress.",
        "Manages an office or a reform component: plan, staff, budget, risks and follow-up, "
        "coordinating with development partners where they fund it.",
        "Leads reform across the administration with its ownership, coordinated donors and a plan "
        "that sustains it beyond a project's funding.",
    ),
}
