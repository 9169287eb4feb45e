"""Claims of the demo provider: the personal identification number and the name."""

from oauth2_provider.oauth2_validators import OAuth2Validator


class CitizenValidator(OAuth2Validator):
    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "personal_id": "openid",
        "name": "profile",
    }

    def get_additional_claims(self, request):
        user = request.user
        return {
            "personal_id": user.username,
            "name": user.get_full_name() or user.first_name,
        }
