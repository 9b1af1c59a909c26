"""The one exception the simulator's handlers raise to answer with an error envelope."""

from __future__ import annotations

__all__ = ["ApiFailure"]


class ApiFailure(Exception):
    """An error answer: HTTP status, envelope ``code`` (the status, as the guide's
    table shows) and the guide's exact ``msg``."""

    def __init__(self, status: int, msg: str) -> None:
        super().__init__(msg)
        self.status = status
        self.msg = msg


def bad_request(msg: str) -> ApiFailure:
    return ApiFailure(400, msg)
