"""How each agreement coefficient is defined: written once, used by the audit report and docs."""

from typing import NamedTuple


class Definition(NamedTuple):
    name: str
    definition: str
    reference: str


DEFINITIONS: tuple[Definition, ...] = (
    Definition(
        "Percent agreement",
        "Share of agreeing coder pairs per unit, averaged over units at least two coders "
        "coded; for two coders (both + neither) / units. Not corrected for chance.",
        "-",
    ),
    Definition(
        "Cohen's kappa",
        "Two coders: (p_o - p_e) / (1 - p_e), with p_e from each coder's own marginal "
        "distribution over the units both coded.",
        "Cohen (1960), Educational and Psychological Measurement 20, 37-46.",
    ),
    Definition(
        "Fleiss' kappa",
        "Any number of coders: (p_o - p_e) / (1 - p_e), with p_e the sum of squared pooled "
        "category shares; units may have different numbers of coders.",
        "Fleiss (1971), Psychological Bulletin 76, 378-382; Gwet (2014), ch. 2.",
    ),
    Definition(
        "Krippendorff's alpha",
        "1 - D_o / D_e: observed over expected disagreement from the coincidence matrix of "
        "pairable values; any number of coders, missing data allowed.",
        "Krippendorff (2011), Computing Krippendorff's Alpha-Reliability; Krippendorff "
        "(2004), Content Analysis, 2nd ed.",
    ),
    Definition(
        "Brennan-Prediger",
        "(p_o - 1/q) / (1 - 1/q) for q categories: chance agreement assumes every category "
        "equally likely, so it stays informative for rare codes (kappa's paradox).",
        "Brennan & Prediger (1981), Educational and Psychological Measurement 41, 687-699.",
    ),
    Definition(
        "Gwet's AC1",
        "(p_o - p_e) / (1 - p_e) with p_e = sum of pi_k (1 - pi_k) / (q - 1): chance "
        "agreement shrinks as prevalence becomes extreme, so it resists kappa's paradox.",
        "Gwet (2008), British Journal of Mathematical and Statistical Psychology 61, 29-48.",
    ),
    Definition(
        "Conger's kappa (Hubert's kappa)",
        "Any number of coders: Fleiss' p_o with p_e the mean over coder pairs of their "
        "chance agreement from each coder's own marginals (rater-specific, as Cohen's).",
        "Conger (1980), Psychological Bulletin 88, 322-328; Hubert (1977); Gwet (2014), "
        "ch. 2; checked against irrCAC.",
    ),
    Definition(
        "Light's kappa",
        "The mean of Cohen's kappa over every pair of coders (each pair over the units both "
        "coded).",
        "Light (1971), Psychological Bulletin 76, 365-377.",
    ),
    Definition(
        "Fleiss' kappa per category",
        "Fleiss' kappa of one category against all others: 1 - sum_i x_ij (m - x_ij) / "
        "(N m (m - 1) p_j q_j); how reliably coders tell that category apart. In the "
        "per-code table a code's Fleiss' kappa is this kappa of coded against not coded.",
        "Fleiss (1971), Psychological Bulletin 76, 378-382.",
    ),
    Definition(
        "Positive and negative agreement (specific agreement)",
        "Agreement on one category: of the coder pairs on a unit where one chose it, the "
        "share where the other did too, sum_i x_ij (x_ij - 1) / sum_i x_ij (r_i - 1); for "
        "a code and two coders 2 both / (2 both + A only + B only) (positive) and "
        "2 neither / (2 neither + A only + B only) (negative). Not corrected for chance.",
        "Fleiss (1971), Psychological Bulletin 76, 378-382; Cicchetti & Feinstein (1990), "
        "Journal of Clinical Epidemiology 43, 551-558.",
    ),
    Definition(
        "Weighted coefficients (--weights)",
        "Ordered categories earn partial credit w_kl: linear 1 - |k - l| / range, quadratic "
        "1 - (k - l)^2 / range^2, ordinal by ranks, ratio by ((k - l)/(k + l))^2. Cohen's "
        "weighted kappa, weighted Fleiss and Conger, Gwet's AC2 and weighted "
        "Brennan-Prediger (p_e = sum w / q^2).",
        "Cohen (1968); Gwet (2014), ch. 3; weights as irrCAC's weight functions.",
    ),
    Definition(
        "95 % intervals",
        "Kappa family and percent agreement: Gwet's linearised standard errors (Cohen's "
        "kappa: Fleiss, Cohen & Everitt 1969) with a t interval on n - 1 degrees of freedom. "
        "Alpha: Krippendorff's bootstrap of the coincidences (seeded). Character level: a "
        "bootstrap over transcripts. Bands apply to the interval.",
        "Gwet (2014), ch. 5; Hayes & Krippendorff (2007), Communication Methods and "
        "Measures 1, 77-89.",
    ),
    Definition(
        "Character percent agreement and kappa",
        "Every character of a transcript is a unit coded or not coded by each coder; "
        "percent agreement and Cohen's kappa of the counts pooled over transcripts (the "
        "figures follow from the counts shown). --average weighted|unweighted gives NVivo's "
        "mean of per-transcript kappas, --nvivo-empty its kappa 1 for text nobody coded.",
        "QSR NVivo, Coding Comparison query documentation.",
    ),
    Definition(
        "|u-alpha (binary unitizing alpha)",
        "Krippendorff's alpha over the text continuum for one code: agreement on which "
        "stretches of text carry the code and which do not.",
        "Krippendorff, Mathet, Bouvry & Widlöcher (2016), Quality & Quantity 50, 2347-2364, eq. 6.",
    ),
    Definition(
        "alpha-U (Krippendorff 1995)",
        "Per code, coders' units compared by their boundaries: squared differences of the "
        "starts and ends of overlapping units, a unit's squared length where the other coder "
        "has a gap; over all codes the mean observed over the mean expected disagreement.",
        "Krippendorff (1995), Sociological Methodology 25, 47-76; Krippendorff (2004), "
        "Content Analysis 2nd ed., pp. 251-256 (p. 254 example reproduced).",
    ),
    Definition(
        "cu-alpha",
        "Alpha for the codes of one concept (semantic domain) applied to text that coders "
        "jointly coded; codes within the concept must not overlap in one coder's layer.",
        "Krippendorff et al. (2016), eqs. 10-11; as ATLAS.ti's Intercoder Agreement.",
    ),
    Definition(
        "Cu-alpha",
        "cu-alpha with each code replaced by its concept: agreement on which concept jointly "
        "coded text belongs to.",
        "Krippendorff et al. (2016); ATLAS.ti's Intercoder Agreement.",
    ),
    Definition(
        "Segment matching (MAXQDA)",
        "A coded segment agrees when the other coder coded the same code on a segment that "
        "overlaps it by at least the minimum share of their union; kappa_n = (p_o - 1/k) / "
        "(1 - 1/k) for k codes compared.",
        "MAXQDA manual, Intercoder Agreement; Brennan & Prediger (1981).",
    ),
)

BANDS = (
    "Krippendorff's alpha: >= 0.800 reliable, >= 0.667 tentative (draw tentative "
    "conclusions only), below that unreliable (Krippendorff 2004, p. 241).",
    "Kappa-type coefficients: below 0 poor, 0 to 0.20 slight, <= 0.40 fair, <= 0.60 moderate, "
    "<= 0.80 substantial, above almost perfect (Landis & Koch 1977).",
)


def definitions_markdown() -> str:
    """The definitions as a Markdown table, as docs/agreement.md shows them."""
    lines = ["| coefficient | definition | reference |", "| --- | --- | --- |"]
    lines += [f"| {d.name} | {d.definition} | {d.reference} |" for d in DEFINITIONS]
    return "\n".join(lines) + "\n"
