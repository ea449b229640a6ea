"""Pages of the 4D cycle under /g/<municipality>/cycli/, one module per subject.

- ``cycle``: the cycle list and overview, editing the cycle, phase changes, the next cycle;
- ``phases``: the five phase pages (Data, Duiden, Doelen, Doen, Evaluatie) and what a write
  shows afterwards (``saved``);
- ``data``: the school-analyses waiver;
- ``duiden``: stakeholder sessions with their attachments, findings;
- ``doelen``: goals (and bijstellingen once the goals are fixed);
- ``doen``: activities and progress;
- ``evaluatie``: goal outcomes and the process evaluation;
- ``common``: the base context and the form page every form uses; ``deletion``: the delete
  confirmation.

Every view is a ``tenant_view``: readers (advisor, policy officer, viewer) may look, editors
(advisor, policy officer) may change; schools see nothing here. Objects are fetched through the
selectors, which scope to the municipality and the cycle in the URL (404 otherwise).

Inline editing: a phase page consists of named partials ("sections"). With htmx, a form posts
and the response is the refreshed section; on a validation error it is the form itself
(retargeted to where the form stands). Without JavaScript the same URLs render full pages and
redirect after a successful POST.

Nothing is re-exported here: ``cycles/urls.py`` imports the modules themselves.
"""
