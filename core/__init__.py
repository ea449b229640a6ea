"""The bottom layer: helpers every app shares, with exactly one implementation each.

``core`` imports Django and libraries only, never a project app, so any app may import it:
``money`` (Dutch amounts in and out), ``uploads`` (what an uploaded file really is, and the names
it is stored under), ``downloads`` (the one response for private files and exports) and ``npo``
(the NPO vocabulary, amounts and dates). It has no models; it is an installed app only so that
its ``money`` template library (``{{ amount|eur }}``) is found.
"""
