"""Writes started from the portfolio: bulk analysis reminders.

The gemeentefoto bulk action is the reports app's own page (``reports_bulk:bulk``); the portfolio
form posts there, so there is one way to request reports for several municipalities.
"""
