"""Shapes every part shares: error bodies and simple status answers."""

from __future__ import annotations

from marshmallow import Schema, fields


class ErrorSchema(Schema):
    """403, 404, 405, 413, 415 and 500 bodies."""

    message = fields.String(required=True)


class BadRequestSchema(ErrorSchema):
    """400 bodies: what was wrong, one detail per problem."""

    details = fields.List(fields.String(), required=True)


class EmptySchema(Schema):
    """`{}`: the answer to confirmations and cancellations."""


class StatusSchema(Schema):
    """`{"status": "ok"}`."""

    status = fields.String()


class UnavailableSchema(StatusSchema):
    """`{"status": "unavailable", "message": ...}`: the store does not answer."""

    message = fields.String(required=True)
