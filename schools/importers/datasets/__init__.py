"""One module per reference dataset: read and validate the file(s), then sync.

``municipalities`` (CBS), ``schools`` (DUO boards and locations), ``pupil_counts`` (DUO),
``school_weights`` (Inspectie) and ``interventions`` (NPO-menukaart); ``duo_history`` reads the
DUO pupil history that both schools and pupil counts come from, ``common`` holds shared codes.
Each ``load_*`` returns a :class:`~schools.importers.base.Summary`. They expect to run inside a
transaction (see ``loader``).
"""
