import time

from oauth2_provider.oauth2_validators import OAuth2Validator

from tests.accounts.oidc_provider.users import USERS


class Validator(OAuth2Validator):
    """Claims per test user (tests/accounts/oidc_provider/users.py): e-mail, email_verified, amr,
    and for the negative cases an ID token that is already expired or meant for another client."""

    oidc_claim_scope = None  # every claim below goes into the ID token

    def get_additional_claims(self, request):
        profile = USERS.get(request.user.username, {})
        claims = {
            "email": profile.get("email", request.user.username),
            "email_verified": profile.get("email_verified", True),
        }
        if "amr" in profile:
            claims["amr"] = profile["amr"]
        return claims

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration = super().get_id_token_dictionary(token, token_handler, request)
        profile = USERS.get(request.user.username, {})
        if "exp_offset" in profile:
            claims["exp"] = int(time.time()) + profile["exp_offset"]
        if "aud" in profile:
            claims["aud"] = profile["aud"]
        return claims, expiration
