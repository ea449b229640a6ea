"""Signals the analyses app sends; apps above it (notifications) receive them.

``analysis_mail`` is sent after the commit for each workflow message (submitted, returned,
accepted, reply, reminder) with ``template`` and ``items`` ([(context, address)], the context has
``municipality`` and ``link``). A receiver that takes care of an address (as a notification with
the user's mail preference, unsubscribe link and bell item) returns the lower-cased addresses it
took; ``analyses.services`` mails the others directly, so nothing is lost without a receiver.
"""

from django.dispatch import Signal

analysis_mail = Signal()
