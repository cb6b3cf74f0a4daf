"""Short signed codes for message links and printed QR codes, and the one-tap unsubscribe token."""

from __future__ import annotations

import hashlib
import hmac
import string
from collections.abc import Callable
from dataclasses import dataclass

from jobbridge.config import get_settings

_ALPHABET = string.digits + string.ascii_letters
_TAG = 3  # a forged code can only inflate open counts, so three characters of MAC are plenty
_TOKEN_TAG = 10  # an unsubscribe token deletes data, so it carries a longer MAC


def b62(number: int) -> str:
    """Base-62 digits of a non-negative integer."""
    if number < 0:
        raise ValueError("negative")
    out = ""
    while True:
        number, rest = divmod(number, 62)
        out = _ALPHABET[rest] + out
        if not number:
            return out


def unb62(text: str) -> int:
    """Inverse of b62 (ValueError on a bad digit)."""
    number = 0
    for char in text:
        index = _ALPHABET.find(char)
        if index < 0:
            raise ValueError(char)
        number = number * 62 + index
    return number


def _mac(payload: str, length: int) -> str:
    digest = hmac.new(get_settings().secret_key.encode(), payload.encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:12], "big")
    out = []
    for _ in range(length):  # only the digits we keep: this runs once per message in a push
        number, rest = divmod(number, 62)
        out.append(_ALPHABET[rest])
    return "".join(out)


def person_key(phone: str) -> str:
    """A keyed hash standing for a phone number (it lets "never the same vacancy twice" survive deletion)."""
    return hmac.new(get_settings().secret_key.encode(), f"person:{phone}".encode(), hashlib.sha256).hexdigest()[:32]


@dataclass(frozen=True)
class LinkCode:
    """What a short code stands for: a receipt (message or digest link) or a vacancy on a village's paper."""

    kind: str  # "m" message, "d" digest, "q" bulletin QR, "p" poster QR
    receipt_id: int | None = None
    vacancy_id: int | None = None
    village_code: str | None = None


def message_code(receipt_id: int, *, digest: bool = False) -> str:
    """Code of the link in one message (it identifies the person, the vacancy and the village)."""
    body = ("d" if digest else "m") + b62(receipt_id)
    return body + _mac(body, _TAG)


def paper_code(vacancy_id: int, village_code: str, *, poster: bool = False) -> str:
    """Code of a QR printed for one village (bulletin or poster)."""
    body = ("p" if poster else "q") + b62(vacancy_id) + "." + b62(int(village_code))
    return body + _mac(body, _TAG)


def parse_code(code: str) -> LinkCode | None:
    """The meaning of a short code, or None when it is malformed or its MAC is wrong."""
    if len(code) < 2 + _TAG or len(code) > 40:
        return None
    body, tag = code[:-_TAG], code[-_TAG:]
    if not hmac.compare_digest(tag, _mac(body, _TAG)):
        return None
    kind, rest = body[0], body[1:]
    try:
        if kind in "md":
            return LinkCode(kind=kind, receipt_id=unb62(rest))
        if kind in "qp":
            vacancy, village = rest.split(".", 1)
            return LinkCode(kind=kind, vacancy_id=unb62(vacancy), village_code=str(unb62(village)).zfill(12))
    except ValueError:
        return None
    return None


def unsubscribe_token(*, subscription_id: int, person: str) -> str:
    """The signed token in every message that ends a subscription without signing in."""
    body = f"{b62(subscription_id)}-"
    return body + _mac(f"unsub:{subscription_id}:{person}", _TOKEN_TAG)


def check_unsubscribe_token(token: str, *, person_of: Callable[[int], str | None]) -> int | None:
    """The subscription id a token names, when genuine; person_of(id) gives that subscription's person key."""
    head, _, tag = (token or "").partition("-")
    try:
        subscription_id = unb62(head)
    except ValueError:
        return None
    person = person_of(subscription_id)
    if not person or not tag or not hmac.compare_digest(tag, _mac(f"unsub:{subscription_id}:{person}", _TOKEN_TAG)):
        return None
    return subscription_id


def absolute(path: str) -> str:
    """A site path as a full URL (messages and paper leave the site)."""
    return get_settings().base_url + path


def short_url(code: str) -> str:
    """The full short link for a code."""
    return absolute(f"/r/{code}")


def unsubscribe_url(token: str) -> str:
    """The full one-tap unsubscribe link."""
    return absolute(f"/u/{token}")
