"""The parts of the X API v2 response bodies the X source reads, as msgspec structs that validate while decoding.

Written from the v2 reference: ``GET /2/users/by`` (``data``: users found; ``errors``: one problem per
handle not found or suspended, with the handle in ``value``) and ``GET /2/users/:id/tweets``
(``data``: tweets newest first; ``meta``: ``result_count`` and, when more pages exist, ``next_token``;
``errors`` alone when the account is protected, suspended or gone). Unknown fields are ignored, so a
field X adds later cannot break decoding; a missing required field or a wrong type is a ``DecodeError``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, TypeVar

import msgspec


class Problem(msgspec.Struct):
    """One entry of ``errors``: a partial failure reported inside a 200 answer."""

    title: str = ""
    detail: str = ""
    type: str = ""
    value: str | int | None = None
    resource_type: str | None = None
    section: str | None = None


class User(msgspec.Struct):
    id: str
    username: str


class UsersBody(msgspec.Struct):
    data: list[User] = []
    errors: list[Problem] = []


class WireTweet(msgspec.Struct):
    id: str
    text: str
    created_at: Annotated[dt.datetime, msgspec.Meta(tz=True)]


class Meta(msgspec.Struct):
    result_count: int
    next_token: str | None = None


class TweetsBody(msgspec.Struct):
    meta: Meta | None = None
    data: list[WireTweet] = []
    errors: list[Problem] = []


BodyT = TypeVar("BodyT", UsersBody, TweetsBody)


def decode(content: bytes, body_type: type[BodyT]) -> BodyT:
    """The body as ``body_type``; raises ``msgspec.DecodeError`` when it is not JSON of that shape."""
    return msgspec.json.decode(content, type=body_type)
