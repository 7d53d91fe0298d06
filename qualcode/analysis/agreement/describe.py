"""How an agreement result set describes itself: unit, scope, codes and the coder layer."""

from __future__ import annotations

import qualcode
from qualcode.analysis.agreement.layers import Context
from qualcode.domain.agreement import AgreementOptions
from qualcode.domain.table import ResultSet, ResultTable


def describe(context: Context, tables: list[ResultTable], options: AgreementOptions) -> ResultSet:
    """The tables with the codebook, the compared coders and the filters that made them."""
    filters: dict[str, str] = {"unit": options.unit, "by": options.by}
    if options.unit != "character":
        turns = "all turns" if options.include_moderators else "participant turns"
        if options.cards:
            turns += f" in the sections of card {', '.join(options.cards)}"
        elif options.by == "card":
            turns += " in a card's section"
        filters["scope"] = (
            f"{turns} of transcripts two or more compared coders coded or marked done"
        )
    if options.codes:
        filters["codes"] = ", ".join(options.codes)
    else:  # the rows are the codes a compared coder used: say how many of how many
        keys = set(context.code_key.values())
        every = {key.split(".", 1)[0] for key in keys} if options.concepts else keys
        kind = "concepts" if options.concepts else "codes"
        filters["codes"] = (
            f"the {len(context.labels)} {kind} of the codebook's {len(every)} that a compared "
            "coder used (--codes names others)"
        )
    if options.concepts:
        filters["codes"] = "rolled up to concepts: " + filters["codes"]
    if options.exclude_uncoded:
        filters["uncoded text"] = "excluded"
    if options.weights:
        filters["weights"] = options.weights
    return ResultSet.describe(
        tables,
        codebook=context.codebook,
        codebook_version=context.codebook_version,
        coder_layer=", ".join(context.coders),
        qualcode_version=qualcode.__version__,
        filters=filters,
    )
