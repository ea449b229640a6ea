"""Collect the frozen data a report is built from.

One module per section: ``profile`` (schools, pupils, school weights), ``analyses`` (the schools'
NPO analyses), ``partners``, ``cycle`` (findings, goals and activities of the 4D cycle),
``budget``; ``figures`` holds the key figures and the changes since the previous gemeentefoto,
``gemeentefoto`` and ``plan`` put a whole snapshot together, ``common`` holds what they share.

Each section builder reads one part of the municipality's data and returns plain JSON (strings,
ints, lists, dicts; Decimals as strings). A section whose data does not exist (yet) returns
``{"available": False, "missing": "<Dutch sentence>"}`` instead of failing, so a gemeentefoto can
be made on day one and grows as schools, cycles and budgets fill in.

Counts of schools derived from their NPO analyses come from ``analyses.figures`` (the one selector
for them, protected by ``core.suppression``: 1–4 as ``<5``, a cell that would give one back as
``x``), at collection time, so a small number never even reaches the stored snapshot. Counts from public files are not
suppressed again: pupils are DUO's published counts (DUO's own ``<5`` stays ``<5`` and is left out
of every total, which says how many locations it leaves out), school locations are public.
"""
