"""Why a request is not let in; the API maps these to 401, 403 and 429."""

from __future__ import annotations


class AuthError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAuthenticated(AuthError):
    """No credentials, or credentials that do not (or no longer) open the door."""


class InvalidCredentials(NotAuthenticated):
    """A login with a wrong name or password (the two are not told apart)."""

    def __init__(self) -> None:
        super().__init__("неверное имя пользователя или пароль")


class NotAllowed(AuthError):
    """Authenticated, but the role does not allow this."""


class LoginThrottled(AuthError):
    def __init__(self, retry_after: float) -> None:
        super().__init__("слишком много попыток входа: попробуйте позже")
        self.retry_after = retry_after
