"""The NPO estimate page under /g/<municipality>/budget/npo-schatting/: what the estimate
includes, the beschikking beside it, and (for editors) the onderwijsachterstandsscore."""

import re
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from budgets.estimate import npo_estimate, npo_oab_score_save
from budgets.views import read_view
from municipalities.models import Municipality


class OabScoreForm(forms.Form):
    score = forms.CharField(
        label=_("Onderwijsachterstandsscore"),
        required=False,
        max_length=20,
        help_text=_(
            "De score uit de NPO-beschikking (gebaseerd op 1 oktober 2019 en 2020), "
            "bijvoorbeeld 1.234,5. Laat leeg als je de score niet kent: dan telt het OAB-deel "
            "niet mee."
        ),
    )

    def clean_score(self) -> Decimal | None:
        """A Dutch number: 1234,5 or 1.234,50 (a dot alone before three digits groups)."""
        text = self.cleaned_data["score"].replace(" ", "").replace("\u00a0", "")
        if not text:
            return None
        if "," in text:
            text = text.replace(".", "").replace(",", ".", 1)
        elif re.fullmatch(r"[0-9]{1,3}(\.[0-9]{3})+", text):
            text = text.replace(".", "")
        if not re.fullmatch(r"[0-9]+(\.[0-9]+)?", text):
            raise forms.ValidationError(_("Vul een getal van 0 of meer in, bijvoorbeeld 1.234,5."))
        score = Decimal(text)
        if score != score.quantize(Decimal("0.01")):
            raise forms.ValidationError(_("Gebruik hoogstens twee cijfers achter de komma."))
        if score >= Decimal("1e10"):
            raise forms.ValidationError(
                _("Dit getal is te groot voor een onderwijsachterstandsscore.")
            )
        return score


@require_http_methods(["GET", "POST"])
@read_view
def npo_estimate_page(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    can_edit = request.membership.can_edit
    form = OabScoreForm(
        request.POST if request.method == "POST" else None,
        initial={
            "score": formats.number_format(municipality.npo_oab_score, use_l10n=True)
            if municipality.npo_oab_score is not None
            else ""
        },
    )
    if request.method == "POST" and can_edit and form.is_valid():
        npo_oab_score_save(municipality=municipality, score=form.cleaned_data["score"])
        messages.success(request, _("De onderwijsachterstandsscore is opgeslagen."))
        return redirect("budgets:npo_estimate", municipality_slug=municipality.slug)
    return render(
        request,
        "budgets/npo_estimate.html",
        {
            "estimate": npo_estimate(municipality=municipality),
            "form": form,
            "can_edit": can_edit,
        },
    )
