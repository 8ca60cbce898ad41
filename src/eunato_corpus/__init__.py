"""eunato-corpus: an annotated corpus of reports of the EU-NATO Joint Declaration,
and the tools that keep it correct."""
