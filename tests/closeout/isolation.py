"""URL kwargs of the final accounting pages, for the isolation sweep."""

from tests.closeout.factories import ConsultationFactory, closed_cycle_with_continuation

KWARG_FACTORIES = {
    # Not an object: the code of a funding stream (platform-wide, the same in every municipality).
    "stream_code": lambda municipality: "npo-gemeenten",
    "consultation_pk": lambda municipality: (
        ConsultationFactory(accounting__municipality=municipality).pk
    ),
    # A finished (afgerond, so not open) cycle with an activity and its ActivityContinuation: the
    # sweep checks that nobody outside the municipality reads or changes the decisions, and that
    # a viewer's POST starts no new cycle.
    "closed_cycle_pk": lambda municipality: closed_cycle_with_continuation(municipality).pk,
}
