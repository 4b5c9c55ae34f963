"""The errors the API answers with, free of any web framework so services can raise them."""

from __future__ import annotations

INVALID_CREDENTIALS = "Invalid authentication credentials"
NOT_FOUND = "Resource not found"
PARSE_FAILURE = "Request failed to parse correctly. Please ensure input is valid and try again."
FEATURE_NOT_ENABLED = "This feature has not been enabled in your account."

# The reason is logged, not answered: it may name hosts and users.
STORE_UNAVAILABLE = "The store does not answer; the log says why."
MESSAGES_BY_STATUS = {
    404: NOT_FOUND,
    405: "Method not allowed",
    413: "Request body too large",
    415: "Unsupported media type: the request body must be application/json",
    500: "Internal server error",
}


class ApiError(Exception):
    """An error the API answers with `status` and `{"message": ..., "details": [...]}`."""

    status = 400

    def __init__(self, message: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def body(self) -> dict[str, str | list[str]]:
        body: dict[str, str | list[str]] = {"message": self.message}
        if self.details is not None:
            body["details"] = self.details
        return body


class BadRequest(ApiError):
    """400: the request is malformed or invalid."""

    status = 400


class Forbidden(ApiError):
    """403: missing, malformed or wrong credentials, or an account the key may not act for."""

    status = 403

    def __init__(self) -> None:
        super().__init__(INVALID_CREDENTIALS)


class NotFound(ApiError):
    """404: unknown, foreign or expired resource; never says which."""

    status = 404

    def __init__(self, message: str = NOT_FOUND) -> None:
        super().__init__(message)


class FeatureNotEnabled(ApiError):
    """403: an API of an account feature (such as signature keys) the account does not have."""

    status = 403

    def __init__(self) -> None:
        super().__init__(FEATURE_NOT_ENABLED)


class Conflict(ApiError):
    """409: the resource would duplicate one that exists."""

    status = 409


class UnsupportedMediaType(ApiError):
    """415: a body that is not JSON."""

    status = 415

    def __init__(self) -> None:
        super().__init__(MESSAGES_BY_STATUS[415])
