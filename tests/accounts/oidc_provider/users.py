"""The provider's users (password ``PASSWORD``) and what their ID tokens say."""

PASSWORD = "provider-wachtwoord"  # noqa: S105
CLIENT_ID = "npo-platform-test"
CLIENT_SECRET = "npo-platform-test-secret"  # noqa: S105

USERS: dict[str, dict] = {
    "fatima@utrecht.nl": {},
    "nieuw@utrecht.nl": {},
    "mfa@utrecht.nl": {"amr": ["pwd", "mfa"]},
    "onbekend@utrecht.nl": {},
    "ongeverifieerd@utrecht.nl": {"email_verified": False},
    "iemand@elders.nl": {},
    "verlopen@utrecht.nl": {"exp_offset": -3600},
    "anderepartij@utrecht.nl": {"aud": "een-andere-client"},
}
