"""The NPO vocabulary shared by every app: spending-goal categories, domains, target groups, and
the programme's fixed amounts and dates.

It lives in the bottom layer so that schools, cycles, analyses, budgets and the reports all use the
same choices and figures without importing each other: the budget's NPO funding stream (its
window and description), the demo estimate and the pages read them from here. Source:
../shared/DOMAIN.md and the seed page.
"""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class SpendingCategory(models.TextChoices):
    """The six kinds of spending goal (bestedingsdoelen) a municipality may choose."""

    CATCH_UP = "inhalen", _("Bovenschoolse maatregelen om vertragingen in te halen")
    PRESCHOOL = "voorschool", _("Activiteiten in de voorschoolse periode")
    YOUTH_CARE = (
        "jeugdhulp",
        _("Extra jeugdhulp in school, schoolmaatschappelijk werk, zorg en welzijn"),
    )
    COOPERATION = "samenwerking", _("Bevorderen van samenwerking in de gemeente")
    THUISZITTERS = "thuiszitters", _("Ondersteuning voor thuiszitters")
    SUPPORTING = "ondersteunend", _("Ondersteunende maatregelen")


# Sub-options per category, as listed on the seed page ("Aan welke bestedingsdoelen kun je denken?").
SPENDING_SUBOPTIONS: dict[str, list[tuple[str, str]]] = {
    SpendingCategory.CATCH_UP: [
        ("zomerschool", _("Zomerschool")),
        ("bijles", _("Bijles")),
        ("sport-cultuur-techniek", _("Activiteiten op het terrein van sport, cultuur of techniek")),
        ("professionalisering", _("Professionalisering van schoolleiders en docenten")),
        ("voorleeshulp", _("Voorleeshulp thuis")),
        ("ouderbetrokkenheid", _("Ouderbetrokkenheid")),
    ],
    SpendingCategory.PRESCHOOL: [
        ("begeleiding-groep", _("Extra begeleiding in de groep")),
        ("toeleiding", _("Extra aandacht voor de toeleiding")),
    ],
    SpendingCategory.YOUTH_CARE: [
        ("jeugdhulp-school", _("Extra jeugdhulp in school")),
        ("schoolmaatschappelijk-werk", _("Schoolmaatschappelijk werk")),
        ("zorg-welzijn", _("Aanvullende interventies in zorg en welzijn")),
    ],
    SpendingCategory.COOPERATION: [
        ("integrale-aanpak", _("Samenwerking tussen partijen voor een integrale aanpak")),
        (
            "pm-jeugdarts-onderwijs",
            _("Inzet van pedagogisch medewerkers en jeugdartsen in het onderwijs"),
        ),
    ],
    SpendingCategory.THUISZITTERS: [
        ("thuiszitters", _("Ondersteuning voor thuiszitters")),
    ],
    SpendingCategory.SUPPORTING: [
        ("huisvesting", _("Tijdelijke extra huur van bestaande onderwijshuisvesting")),
        ("ambtelijke-capaciteit", _("Ambtelijke capaciteit")),
        ("expertise", _("Inkoop van expertise")),
    ],
}
SPENDING_SUBOPTION_CHOICES = [
    (code, label) for options in SPENDING_SUBOPTIONS.values() for code, label in options
]


class Domain(models.TextChoices):
    """Development domains in which delays are observed."""

    LANGUAGE = "taal", _("Taal/lezen")
    MATH = "rekenen", _("Rekenen")
    SOCIAL_EMOTIONAL = "sociaal_emotioneel", _("Sociaal-emotioneel")
    WELLBEING = "welbevinden", _("Welbevinden")
    EXECUTIVE = "executief", _("Executieve functies")
    OTHER = "overig", _("Overig")


# The domains a school analysis asks about (all except "overig").
ANALYSIS_DOMAINS = [d for d in Domain if d != Domain.OTHER]


class TargetGroup(models.TextChoices):
    PRESCHOOL = "voorschool", _("Voorschool")
    PO = "po", _("Primair onderwijs")
    VO = "vo", _("Voortgezet onderwijs")
    THUISZITTERS = "thuiszitters", _("Thuiszitters")
    SCHOOL_LEAVERS = "schoolverlaters", _("Schoolverlaters")


# NPO money for municipalities (DOMAIN.md; DOMAIN.md wins over the issues on dates and amounts).
NPO_AMOUNT_PER_PUPIL = "118.11"  # EUR per pupil on 1 October 2020 (as a string: use Decimal)
NPO_PUPIL_COUNT_YEAR = 2020
NPO_AMOUNT_PER_OAB_UNIT = "22.64"  # EUR per unit of onderwijsachterstandsscore (as a string)
NPO_OAB_SCORE_YEAR = 2022
# The window in which the money may be spent (the NPO funding stream's window_start/window_end),
# and the school years it covers.
NPO_WINDOW_START = datetime.date(2021, 7, 1)  # DOMAIN.md: 1 July 2021, not 1 August
NPO_WINDOW_END = datetime.date(2025, 7, 31)
NPO_SCHOOL_YEARS = ("2021-2022", "2022-2023", "2023-2024", "2024-2025")
# The last moment for the NPO's final accounting: it comes at the latest in the annual accounts
# over 2026 (Stcrt 2022-27531, art. 7(2)), and the accounts with their SiSa annex reach the
# ministry/CBS by 15 July of the following year (Regeling informatieverstrekking sisa, art. 2).
NPO_LAST_MOMENT = datetime.date(2027, 7, 15)
