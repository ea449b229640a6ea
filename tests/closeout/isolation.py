"""URL kwargs of the final accounting pages, for the isolation sweep."""

from tests.closeout.factories import ConsultationFactory

KWARG_FACTORIES = {
    # Not an object: the code of a funding stream (platform-wide, the same in every municipality).
    "stream_code": lambda municipality: "npo-gemeenten",
    "consultation_pk": lambda municipality: (
        ConsultationFactory(accounting__municipality=municipality).pk
    ),
}
