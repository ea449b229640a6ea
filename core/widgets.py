"""Form widgets shared by the apps."""

from django import forms
from django.utils.translation import gettext_lazy as _


class CheckboxPicker(forms.CheckboxSelectMultiple):
    """A long multiple choice (a municipality's 144 schools, its partners) as a list of checkboxes.

    Without JavaScript it is a plain checkbox list in a scrolling box, so nobody has to hold Ctrl
    down in a native multi-select. With JavaScript (``static/js/app.js``) a search field above it
    filters the list as you type, and a live line says how many are shown and how many are chosen.
    """

    template_name = "core/widgets/checkbox_picker.html"

    def __init__(self, attrs=None, choices=(), *, search_label=None):
        super().__init__(attrs, choices)
        self.search_label = search_label or _("Zoek in de lijst")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["search_label"] = self.search_label
        return context
