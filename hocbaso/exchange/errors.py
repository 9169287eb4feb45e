"""The exchange's errors, each with a stable code and an HTTP status hint."""

from __future__ import annotations


class ExchangeError(Exception):
    code = "EXCHANGE_ERROR"
    status = 400


class SignatureError(ExchangeError):
    code = "SIGNATURE_INVALID"
    status = 403


class UnknownPeerError(ExchangeError):
    code = "UNKNOWN_PEER"
    status = 403


class BatchInvalidError(ExchangeError):
    code = "BATCH_INVALID"
    status = 422


class BatchConflictError(ExchangeError):
    code = "BATCH_CONFLICT"
    status = 409


class WrongRoleError(ExchangeError):
    code = "WRONG_ROLE"
    status = 404


class DeliveryError(ExchangeError):
    code = "DELIVERY_FAILED"
    status = 502


class ConsentError(ExchangeError):
    code = "CONSENT_INVALID"
    status = 403


class NotFoundError(ExchangeError):
    code = "NOT_FOUND"
    status = 404
