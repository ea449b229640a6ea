from tests.accounts.oidc_provider.fixture import oidc_provider_url  # noqa: F401 - session fixture
