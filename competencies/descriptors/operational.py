"""Level descriptors of the operational competencies (after the EU Customs Competency
Framework) and the professional ones (data analysis, instructional design)."""

from __future__ import annotations

OPERATIONAL: dict[str, tuple[str, str, str, str]] = {
    "OPS-BUS": (
        "Explains the role of customs, its legal basis and its main procedures: import, export, "
        "transit and the special procedures.",
        "Follows a consignment through the procedures that apply to it and tells a trader what "
        "each step requires.",
        "Explains how the administration's processes, services and clients connect end to end, "
        "and where a change in one affects the others.",
        "Advises management on how the customs business should be organised and changed, from a "
        "full view of its processes, clients and the trade it serves.",
    ),
    "OPS-TAR": (
        "Explains the structure of the Harmonized System (sections, chapters, headings, "
        "subheadings) and what the General Interpretative Rules are for.",
        "Classifies common goods to the national tariff line with the General Interpretative "
        "Rules, the section and chapter notes and the Explanatory Notes.",
        "Classifies difficult goods (parts, sets, multi-function machines) with written reasons, "
        "and drafts advance rulings on classification for traders.",
        "Settles classification disputes, issues guidance on difficult headings and speaks for "
        "the administration on classification questions before the WCO or a court.",
    ),
    "OPS-VAL": (
        "Explains what transaction value is (the price actually paid or payable, with the "
        "Article 8 adjustments) and the order of the WTO valuation methods.",
        "Determines the customs value of routine imports by the transaction value, with the "
        "Article 8 additions such as selling commissions, packing, assists and royalties.",
        "Handles related-party sales and conditions on a sale, applies the other methods in their "
        "order when transaction value fails, and gives the written explanation Article 16 grants.",
        "Settles valuation disputes and appeals, sets valuation guidance and control priorities, "
        "and coaches specialists on difficult cases.",
    ),
    "OPS-ORI": (
        "Explains the difference between preferential and non-preferential origin, and what "
        "wholly obtained and substantial transformation mean.",
        "Checks a proof of origin against the trade agreement's rules and grants the preferential "
        "rate when the goods qualify.",
        "Applies product-specific rules (change of tariff classification, value-added percentage, "
        "specific processes) to complex goods and requests verification of a doubtful proof.",
        "Directs origin verification through administrative cooperation with exporting "
        "countries, settles disputes and advises on the origin rules of trade agreements.",
    ),
    "OPS-PRO": (
        "Recognises the main kinds of prohibitions and restrictions (weapons, drugs, health and "
        "safety controls, protected species) and that other agencies set many of them.",
        "Checks declarations for goods that need a licence, permit or another agency's approval, "
        "and applies the measure: hold, refuse or release.",
        "Settles unclear cases with the competent agency, keeps the unit's list of measures "
        "current and explains it to traders.",
        "Arranges with the other agencies how their measures are enforced at the border, through "
        "shared risk profiles and single-window checks.",
    ),
    "OPS-RSK": (
        "Explains customs risk management: identifying, analysing and treating risks, and "
        "measuring compliance (RKC Standards 6.3 to 6.5).",
        "Applies risk profiles and selection criteria to declarations, records control results "
        "and reports new risk indicators.",
        "Builds and reviews risk profiles from data and control results, and shows whether they "
        "find irregularities better than random checks do.",
        "Runs the administration's risk management: priorities, the governance of profiles, "
        "compliance measurement and feedback from controls.",
    ),
    "OPS-SCO": (
        "Explains how goods, documents and data move through the supply chain and who the "
        "parties are: exporter, carrier, forwarder, broker, importer.",
        "Uses advance cargo and declaration data to follow consignments and spot gaps between "
        "documents and movements.",
        "Analyses a trade lane's supply chain to show where customs can simplify or secure it, "
        "as the SAFE Framework describes.",
        "Designs supply-chain programmes with trade and other administrations (advance data, "
        "authorised operators, mutual recognition) and evaluates them.",
    ),
    "OPS-EXA": (
        "Explains when goods are examined, the methods available (documentary check, physical "
        "examination, scanning, sampling) and the safety rules.",
        "Examines or scans a selected consignment, compares it with the declaration, takes "
        "samples correctly and records the result.",
        "Reads difficult scanner images, plans the examination of complex consignments with the "
        "least disruption and reviews other officers' examination reports.",
        "Sets the administration's examination and non-intrusive inspection practice (equipment, "
        "image analysis, sampling) and trains examiners.",
    ),
    "OPS-INV": (
        "Explains the stages of a customs offence case and why evidence must be secured with its "
        "chain of custody.",
        "Seizes goods and documents lawfully, labels and records the evidence, keeps its chain of "
        "custody and writes a factual report.",
        "Runs an investigation (interviews, records, cooperation with prosecutors and other "
        "agencies) and prepares a case file that stands in court.",
        "Directs complex or cross-border investigations, including requests for mutual "
        "administrative assistance, and sets the rules for handling evidence.",
    ),
    "OPS-AUD": (
        "Explains post-clearance audit: the trader's record-keeping obligations, desk and field "
        "audits, and their place after release (RKC Standard 6.6, TFA Article 7.5).",
        "Carries out a desk audit, or part of a field audit under supervision: reconciles "
        "declarations with the trader's records, samples transactions and records findings.",
        "Plans and leads an audit from risk-based selection to findings, including sampling, "
        "interviews, the duties owed and any voluntary disclosure.",
        "Sets the administration's audit programme and methods, reviews contested findings and "
        "coaches auditors.",
    ),
    "OPS-TRS": (
        "Explains transit, customs warehouses, inward and outward processing and temporary "
        "admission, and the guarantee each may need (RKC Specific Annexes D to G).",
        "Opens and discharges transit movements and special procedures, checks seals and "
        "guarantees, and records the discharge.",
        "Handles irregularities (a transit not ended, goods missing from a warehouse), recovers "
        "the duties from the guarantee and checks authorisations.",
        "Sets the rules and controls for transit and special procedures, including guarantee "
        "levels and cooperation with neighbouring administrations (TFA Article 11).",
    ),
    "OPS-TAX": (
        "Explains that customs collects excise and VAT at import as well as customs duty, and "
        "what value or quantity each is charged on.",
        "Calculates the duty, excise and import VAT of a declaration, with the VAT base national "
        "law sets (usually the customs value plus duty and excise).",
        "Checks excise goods (alcohol, tobacco, fuel) against tax stamps, strengths and "
        "quantities, applies suspensions and reliefs, and corrects wrong tax calculations.",
        "Advises on the customs-revenue relationship with the tax authority, sets the controls "
        "on excise and import VAT, and analyses revenue risks.",
    ),
    "OPS-ENF": (
        "Explains the border measures for intellectual property, protected species (CITES) and "
        "strategic goods, and which authority decides in each.",
        "Suspends the release of suspected counterfeit goods as the law provides, checks CITES "
        "permits and export licences, and informs the right holder or the authority concerned.",
        "Identifies strategic goods from technical descriptions and licences, respects the right "
        "holder's and the importer's rights in IPR cases, and prepares cases for the authority.",
        "Sets the administration's enforcement practice for IPR, CITES and strategic goods with "
        "the other authorities and right holders, and trains officers in it.",
    ),
    "OPS-AEO": (
        "Explains the Authorised Economic Operator programme: its criteria, its benefits and "
        "mutual recognition under the SAFE Framework.",
        "Checks an applicant's records and self-assessment against the criteria (compliance "
        "record, record-keeping, solvency, security) and takes part in on-site validation.",
        "Leads a validation and writes its report and recommendation, then monitors authorised "
        "operators and proposes suspension when they no longer meet the criteria.",
        "Sets the validation and monitoring method, prepares the technical side of mutual "
        "recognition arrangements and coaches validators.",
    ),
    "PRO-DAT": (
        "Explains the customs data available (declarations, cargo data, control results) and "
        "basic measures such as counts, rates and trends.",
        "Extracts and cleans declaration data with the tools provided, and produces correct "
        "tables and charts for a question asked.",
        "Finds anomalies and risk patterns in data (unit values, routes, traders' behaviour), "
        "tests them against control results and reports findings others can act on.",
        "Sets the administration's data analysis methods and quality rules, builds models for "
        "risk and revenue, and trains analysts.",
    ),
    "PRO-IDS": (
        "Explains how a course is built from learning objectives, and how questions and tasks "
        "assess them at a level.",
        "Writes lessons, questions and marked tasks from stated objectives, each tied to a "
        "competency and level, and marks answers against a rubric.",
        "Designs a course or curriculum from a training needs analysis, writes rubrics with "
        "observable level descriptors and revises questions from item analysis.",
        "Sets the training unit's design and assessment standards, moderates marking between "
        "trainers and coaches course authors.",
    ),
}
