from municipalities.models import Membership, Municipality


def memberships_of_user(*, user) -> list[Membership]:
    return list(
        Membership.objects.active()
        .filter(user=user, municipality__is_active=True)
        .select_related("municipality", "school")
        .order_by("municipality__name")
    )


def municipality_members(*, municipality: Municipality) -> list[Membership]:
    return list(
        Membership.objects.for_municipality(municipality)
        .active()
        .select_related("user", "school")
        .order_by("role", "user__email")
    )
