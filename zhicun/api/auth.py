"""Bearer-token authentication for the JSON API: the token's user becomes request.user."""

from ninja.security import HttpBearer

from zhicun.api.services import token_user_with_posts


class BearerToken(HttpBearer):
    def authenticate(self, request, token: str):
        user = token_user_with_posts(token.strip())
        if user is None:
            return None
        request.user = user
        return user
