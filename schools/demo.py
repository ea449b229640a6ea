"""Demo partner organisations for `make run`, linked to real schools from the DUO files.

Idempotent: partners are found by municipality and name; schools are only linked the first time.
Runs after the reference data is loaded (make demo); without it the partners have no schools.
"""

from django.db import transaction

from municipalities.models import Municipality
from schools.models import PartnerOrganisation, School

Kind = PartnerOrganisation.Kind

# (CBS code, name, kind, contact, e-mail, number of schools to link, sector of those schools)
DEMO_PARTNERS = [
    ("GM0344", "Kinderopvang Utrecht Noord (demo)", Kind.CHILDCARE, "Mirjam Visser", "m.visser@kinderopvang-utrecht.demo", 4, School.Sector.BO),
    ("GM0344", "JGZ Utrecht (demo)", Kind.YOUTH_HEALTH, "Dr. Karim Ouali", "k.ouali@jgz-utrecht.demo", 6, School.Sector.BO),
    ("GM0344", "Samenwerkingsverband PO Utrecht (demo)", Kind.SWV_PO, "Lotte Smit", "l.smit@swv-utrecht.demo", 3, School.Sector.SBO),
    ("GM0344", "Bibliotheek Utrecht (demo)", Kind.LIBRARY, "Pieter van Dam", "p.vandam@bibliotheek-utrecht.demo", 5, School.Sector.BO),
    ("GM0344", "Leerplicht en RMC Utrecht (demo)", Kind.ATTENDANCE, "Sanne Koster", "s.koster@leerplicht-utrecht.demo", 3, School.Sector.VO),
    ("GM0193", "Welzijn Zwolle (demo)", Kind.WELFARE, "Henk Brouwer", "h.brouwer@welzijn-zwolle.demo", 3, School.Sector.BO),
    ("GM0193", "Sportbedrijf Zwolle (demo)", Kind.SPORT, "Ilse Vermeulen", "i.vermeulen@sport-zwolle.demo", 4, School.Sector.BO),
    ("GM0307", "Kunstenaarsinitiatief Amersfoort (demo)", Kind.CULTURE, "Ruben Hendriks", "r.hendriks@cultuur-amersfoort.demo", 3, School.Sector.BO),
    ("GM0307", "Kinderopvang Amersfoort (demo)", Kind.CHILDCARE, "Yara Bos", "y.bos@kinderopvang-amersfoort.demo", 3, School.Sector.BO),
]  # fmt: skip


@transaction.atomic
def seed(stdout=None) -> None:
    municipalities = {
        m.cbs_code: m
        for m in Municipality.objects.filter(cbs_code__in={p[0] for p in DEMO_PARTNERS})
    }
    created = 0
    for code, name, kind, contact, email, n_schools, sector in DEMO_PARTNERS:
        municipality = municipalities.get(code)
        if municipality is None:
            continue
        partner, is_new = PartnerOrganisation.objects.get_or_create(
            municipality=municipality,
            name=name,
            defaults={"kind": kind, "contact_name": contact, "contact_email": email},
        )
        if is_new:
            created += 1
            schools = (
                School.objects.for_municipality(municipality)
                .active()
                .filter(sector=sector)
                .order_by("vestigingscode")[:n_schools]
            )
            partner.schools.set(list(schools))
    if stdout is not None:
        stdout.write(f"Partnerorganisaties (demo): {created} toegevoegd.\n")
