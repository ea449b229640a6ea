"""Factories for the final accounting tests."""

import datetime

import factory

from closeout.models import Consultation, FinalAccounting
from tests.budgets.factories import stream
from tests.factories import MunicipalityFactory


class FinalAccountingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FinalAccounting

    municipality = factory.SubFactory(MunicipalityFactory)
    stream = factory.LazyFunction(stream)
    final_year = 2025


class ConsultationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consultation

    accounting = factory.SubFactory(FinalAccountingFactory)
    municipality = factory.LazyAttribute(lambda o: o.accounting.municipality)
    date = datetime.date(2022, 3, 14)
    participants = "Stichting Primair, Kinderopvang De Vlinder"
    with_school_boards = True
    with_childcare = True
    in_lea_oogo = True
