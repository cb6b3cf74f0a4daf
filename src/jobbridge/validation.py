"""Validation and masking of identity numbers, credit codes, phone numbers, dates and ranges (pure functions)."""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime


class ValidationError(ValueError):
    """A problem with user input: the field, a Chinese message for the user and a machine-readable code."""

    def __init__(self, *, field: str, message: str, code: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"ValidationError(field={self.field!r}, code={self.code!r}, message={self.message!r})"

    def __reduce__(self):
        # BaseException pickles by replaying positional args, which a keyword-only __init__ cannot accept.
        return functools.partial(type(self), field=self.field, message=self.message, code=self.code), ()


@dataclass(frozen=True)
class IdCardInfo:
    """What a valid resident identity number tells us."""

    number: str
    birth_date: date
    gender: str  # "男" / "女"
    region_code: str


# GB/T 2260 province-level prefixes; 83 is what Taiwan residents' residence permits carry (2018 rules).
_PROVINCE_PREFIXES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)
_DIGITS = "0123456789"
_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))  # ISO 7064 MOD 11-2: 7, 9, 10, 5, 8, ...
_ID_CHECK_CHARS = "10X98765432"
_EARLIEST_BIRTH = date(1900, 1, 1)

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# Registration authority -> organisation type codes it may issue (GB 32100-2015 Appendix A and later allocations).
_USCC_TYPES = {
    "1": "1239", "2": "19", "3": "123459", "4": "19", "5": "1239", "6": "129",
    "7": "129", "8": "19", "9": "123", "A": "19", "N": "1239", "Y": "1",
}  # fmt: skip
_USCC_NATIONAL_DIVISION = "100000"  # central-level bodies register against the national code, not a province

_SEPARATORS = re.compile(r"[\s\-()—–]")
_MOBILE = re.compile(r"1[0-9]{10}")
# 010 and 02x are the only three-digit area codes; every other is four digits, so unseparated input splits uniquely.
_LANDLINE = re.compile(
    r"\(?(?P<area>0(?:[12][0-9]|[3-9][0-9]{2}))\)?[\s-]*(?P<local>[2-9][0-9]{6,7})"
    r"(?:\s*(?:-|转|分机|ext\.?|x)\s*(?P<ext>[0-9]{1,6}))?",
    re.IGNORECASE,
)
_LOCAL_ONLY = re.compile(r"[2-9][0-9]{6,7}")

_DATE_PATTERNS = (
    re.compile(r"([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})"),
    re.compile(r"([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})[日号]?"),
    re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})"),
)

_COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 令狐 长孙 宇文 司徒 司空 夏侯 轩辕 端木 独孤 南宫 西门"
    " 万俟 闻人 澹台 公羊 赫连 呼延 钟离 申屠 太史 濮阳 淳于 单于 百里 东郭 拓跋 左丘 第五 仲孙 公冶 宗政".split()
)

# One place for every user-facing message, so wording can be reviewed (and changed) without touching logic.
_MESSAGES = {
    "id_number.required": "请填写身份证号码",
    "id_number.legacy": "这是15位的旧身份证号码，请填写18位的新身份证号码",
    "id_number.length": "身份证号码应为18位，当前为{length}位",
    "id_number.not_digit": "身份证号码前17位应为数字，第{position}位“{char}”不是数字",
    "id_number.last_char": "身份证号码最后一位应为数字或X，当前为“{char}”",
    "id_number.region": "身份证号码前6位地区码 {region} 无效：省级代码 {province} 不存在",
    "id_number.birth_date": "身份证号码中的出生日期 {shown} 不存在",
    "id_number.birth_date_future": "身份证号码中的出生日期 {shown} 晚于今天",
    "id_number.birth_date_too_early": "身份证号码中的出生日期 {shown} 早于1900-01-01",
    "id_number.checksum": "身份证号码校验位错误：最后一位应为 {expected}",
    "id_number.check_input": "计算身份证校验位需要17位数字",
    "uscc.required": "请填写统一社会信用代码",
    "uscc.length": "统一社会信用代码应为18位，当前为{length}位",
    "uscc.charset": "统一社会信用代码第{position}位含有非法字符“{char}”（只能是数字和大写字母，且不使用I、O、Z、S、V）",
    "uscc.authority": "统一社会信用代码第1位登记管理部门代码“{char}”无效",
    "uscc.org_type": "统一社会信用代码第2位机构类别代码“{char}”无效（第1位为“{authority}”时）",
    "uscc.division": "统一社会信用代码第3至8位行政区划码 {division} 无效",
    "uscc.checksum": "统一社会信用代码校验位错误：最后一位应为 {expected}",
    "uscc.check_input": "计算统一社会信用代码校验位需要17位有效字符",
    "phone.required": "请填写联系电话",
    "phone.mobile_required": "请填写手机号码",
    "phone.format": "手机号码应为11位数字，以1开头{current}",
    "phone.prefix": "手机号码号段 {prefix} 不存在：第2位应为3至9",
    "phone.area_code": "固定电话请加区号，如 0631-8451234",
    "phone.landline": "固定电话格式不正确：应为区号加7至8位号码，如 0631-8451234",
    "phone.unrecognised": "联系电话格式不正确：请填写11位手机号码，或带区号的固定电话（如 0631-8451234）",
    "date.required": "请填写{label}",
    "date.invalid": "{label} {shown} 不存在",
    "date.format": "{label}格式不正确，请按 2026-12-03 或 2026年12月3日 的格式填写",
    "date_range.order": "结束日期 {end} 不能早于开始日期 {start}",
    "date_range.too_long": "开始日期与结束日期最多相隔{max_days}天，当前相隔{span}天",
    "money.invalid": "{label}应为数字（单位：元）",
    "money.below_minimum": "{label}不能低于{limit}元",
    "money.above_maximum": "{label}不能超过{limit}元",
    "money.order": "{label}下限（{low}元）不能高于上限（{high}元）",
    "integer.required": "请填写{label}",
    "integer.invalid": "{label}应为整数",
    "integer.out_of_range": "{label}应在{minimum}到{maximum}之间",
}


def _fail(code: str, *, field: str, **details: object) -> ValidationError:
    """ValidationError for code, with its catalogue message filled in from details."""
    return ValidationError(field=field, message=_MESSAGES[code].format(**details), code=code)


def _normalise(value: object) -> str:
    """NFKC-normalised text, so full-width digits and letters typed with a Chinese IME count as ASCII."""
    return "" if value is None else unicodedata.normalize("NFKC", str(value))


def _compact(value: object) -> str:
    """Normalised text with every whitespace character removed."""
    return "".join(_normalise(value).split())


def _first_outside(text: str, allowed: str) -> int | None:
    """Index of the first character of text not in allowed, or None."""
    return next((i for i, ch in enumerate(text) if ch not in allowed), None)


# --- Resident identity number (GB 11643-1999) -------------------------------------------------------------


def id_check_char(first17: str) -> str:
    """Check character (0-9 or X) for the first 17 digits of a resident identity number."""
    if len(first17) != 17 or _first_outside(first17, _DIGITS) is not None:
        raise _fail("id_number.check_input", field="id_number")
    return _ID_CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def validate_id_number(value: str, *, field: str = "id_number", today: date | None = None) -> IdCardInfo:
    """Validate an 18-character mainland resident identity number and return what it encodes."""
    number = _compact(value).upper()
    if not number:
        raise _fail("id_number.required", field=field)
    if len(number) == 15 and _first_outside(number, _DIGITS) is None:
        raise _fail("id_number.legacy", field=field)
    if len(number) != 18:
        raise _fail("id_number.length", field=field, length=len(number))
    bad = _first_outside(number[:17], _DIGITS)
    if bad is not None:
        raise _fail("id_number.not_digit", field=field, position=bad + 1, char=number[bad])
    if number[17] not in _DIGITS + "X":
        raise _fail("id_number.last_char", field=field, char=number[17])
    region = number[:6]
    if region[:2] not in _PROVINCE_PREFIXES:
        raise _fail("id_number.region", field=field, region=region, province=region[:2])
    shown = f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise _fail("id_number.birth_date", field=field, shown=shown) from None
    if birth > (today or date.today()):
        raise _fail("id_number.birth_date_future", field=field, shown=shown)
    if birth < _EARLIEST_BIRTH:
        raise _fail("id_number.birth_date_too_early", field=field, shown=shown)
    expected = id_check_char(number[:17])
    if number[17] != expected:
        raise _fail("id_number.checksum", field=field, expected=expected)
    gender = "男" if int(number[16]) % 2 else "女"
    return IdCardInfo(number=number, birth_date=birth, gender=gender, region_code=region)


def birth_year_from_id(number: str) -> int:
    """Birth year encoded in a valid identity number (raises ValidationError if invalid)."""
    return validate_id_number(number).birth_date.year


def gender_from_id(number: str) -> str:
    """Gender ("男"/"女") encoded in a valid identity number (raises ValidationError if invalid)."""
    return validate_id_number(number).gender


# --- Unified social credit code (GB 32100-2015) -----------------------------------------------------------


def uscc_check_char(first17: str) -> str:
    """Check character for the first 17 characters of a unified social credit code."""
    if len(first17) != 17 or _first_outside(first17, _USCC_CHARS) is not None:
        raise _fail("uscc.check_input", field="uscc")
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def validate_uscc(value: str, *, field: str = "uscc") -> str:
    """Validate a unified social credit code and return it normalised (upper case, no spaces)."""
    code = _compact(value).upper()
    if not code:
        raise _fail("uscc.required", field=field)
    if len(code) != 18:
        raise _fail("uscc.length", field=field, length=len(code))
    bad = _first_outside(code, _USCC_CHARS)
    if bad is not None:
        raise _fail("uscc.charset", field=field, position=bad + 1, char=code[bad])
    if code[0] not in _USCC_TYPES:
        raise _fail("uscc.authority", field=field, char=code[0])
    if code[1] not in _USCC_TYPES[code[0]]:
        raise _fail("uscc.org_type", field=field, char=code[1], authority=code[0])
    division = code[2:8]
    known_area = division[:2] in _PROVINCE_PREFIXES or division == _USCC_NATIONAL_DIVISION
    if _first_outside(division, _DIGITS) is not None or not known_area:
        raise _fail("uscc.division", field=field, division=division)
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        raise _fail("uscc.checksum", field=field, expected=expected)
    return code


# --- Phone numbers ----------------------------------------------------------------------------------------


def _strip_country_code(digits: str) -> tuple[str, bool]:
    """Drop a +86 / 0086 / 86 prefix; also report whether one was there."""
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            return digits[len(prefix) :], True
    # A bare "86" is only a country code when it leaves exactly a mobile number behind.
    if digits.startswith("86") and len(digits) == 13 and digits[2] == "1":
        return digits[2:], True
    return digits, False


def validate_mobile(value: str, *, field: str = "phone") -> str:
    """Validate a mainland mobile number and return its 11 bare digits."""
    if not _normalise(value).strip():
        raise _fail("phone.mobile_required", field=field)
    digits, _ = _strip_country_code(_SEPARATORS.sub("", _normalise(value)))
    if not _MOBILE.fullmatch(digits):
        # The length is only worth mentioning when it is the thing that is wrong.
        wrong_length = digits.isascii() and digits.isdigit() and len(digits) != 11
        current = f"，当前为{len(digits)}位" if wrong_length else ""
        raise _fail("phone.format", field=field, current=current)
    if digits[1] in "012":
        raise _fail("phone.prefix", field=field, prefix=digits[:3])
    return digits


def validate_phone(value: str, *, field: str = "phone") -> str:
    """Validate a mobile or landline; return 11 bare digits or "area-number[-extension]"."""
    text = _normalise(value).strip()
    if not text:
        raise _fail("phone.required", field=field)
    compact = _SEPARATORS.sub("", text)
    bare, had_country_code = _strip_country_code(compact)
    if bare.startswith("1"):
        return validate_mobile(bare, field=field)
    if had_country_code:
        # International form drops the trunk 0 of the area code ("+86 631 8451234"), though some keep it.
        text = bare if bare.startswith("0") else "0" + bare
    match = _LANDLINE.fullmatch(text)
    if match:
        extension = f"-{match['ext']}" if match["ext"] else ""
        return f"{match['area']}-{match['local']}{extension}"
    if _LOCAL_ONLY.fullmatch(compact):
        raise _fail("phone.area_code", field=field)
    raise _fail("phone.landline" if compact.startswith("0") else "phone.unrecognised", field=field)


# --- Dates and ranges -------------------------------------------------------------------------------------


def parse_date(value: str | date, *, field: str, label: str = "日期") -> date:
    """Parse "2026-12-03", "2026/12/3", "2026.12.3", "20261203" or "2026年12月3日" into a date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _compact(value)
    if not text:
        raise _fail("date.required", field=field, label=label)
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                return date(year, month, day)
            except ValueError:
                shown = f"{year:04d}-{month:02d}-{day:02d}"
                raise _fail("date.invalid", field=field, label=label, shown=shown) from None
    raise _fail("date.format", field=field, label=label)


def validate_date_range(*, start: date, end: date, field: str, max_days: int | None = None) -> None:
    """Check that end is not before start and, if max_days is given, that they are at most max_days apart."""
    start = parse_date(start, field=field, label="开始日期")
    end = parse_date(end, field=field, label="结束日期")
    if end < start:
        raise _fail("date_range.order", field=field, start=start.isoformat(), end=end.isoformat())
    span = (end - start).days
    if max_days is not None and span > max_days:
        raise _fail("date_range.too_long", field=field, max_days=max_days, span=span)


def _yuan(amount: float) -> str:
    """Amount for a message: thousands separators, no trailing zeros ("1,000,000", "3,500.5")."""
    return f"{amount:,.2f}".rstrip("0").rstrip(".")


def _money(value: object, *, field: str, label: str) -> float | None:
    """Parse an optional amount of yuan; blank means "not stated" (面议)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    invalid = _fail("money.invalid", field=field, label=label)
    if isinstance(value, bool):
        raise invalid
    text = _compact(value).replace(",", "").removesuffix("元") if isinstance(value, str) else value
    try:
        amount = float(text)
    except (TypeError, ValueError):
        raise invalid from None
    if not math.isfinite(amount):
        raise invalid
    return amount


def validate_money_range(
    *,
    low: float | None,
    high: float | None,
    field: str,
    minimum: float = 0,
    maximum: float = 1_000_000,
    label: str = "薪资",
) -> None:
    """Check optional low/high amounts in yuan: each within [minimum, maximum] and low not above high."""
    low_amount = _money(low, field=field, label=f"{label}下限")
    high_amount = _money(high, field=field, label=f"{label}上限")
    for bound, amount in ((f"{label}下限", low_amount), (f"{label}上限", high_amount)):
        if amount is not None and amount < minimum:
            raise _fail("money.below_minimum", field=field, label=bound, limit=_yuan(minimum))
        if amount is not None and amount > maximum:
            raise _fail("money.above_maximum", field=field, label=bound, limit=_yuan(maximum))
    if low_amount is not None and high_amount is not None and low_amount > high_amount:
        raise _fail("money.order", field=field, label=label, low=_yuan(low_amount), high=_yuan(high_amount))


def validate_int_range(value: object, *, field: str, minimum: int, maximum: int, label: str) -> int:
    """Parse an integer (strings allowed) and check minimum <= value <= maximum."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise _fail("integer.required", field=field, label=label)
    text = _compact(value) if isinstance(value, str) else ""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif re.fullmatch(r"[+-]?[0-9]+", text):
        number = int(text)
    else:
        raise _fail("integer.invalid", field=field, label=label)
    if not minimum <= number <= maximum:
        raise _fail("integer.out_of_range", field=field, label=label, minimum=minimum, maximum=maximum)
    return number


# --- Masking for display ----------------------------------------------------------------------------------


def mask_phone(phone: str | None) -> str:
    """Mobile "138****5678"; landline keeps the area code and last 2 digits; never raises."""
    if not phone:
        return ""
    try:
        normal = validate_phone(phone)
    except ValidationError:
        # Unrecognised input may still be a phone number, so hide all but its ends.
        digits = re.sub(r"[^0-9]", "", _normalise(phone))
        return digits[:3] + "*" * (len(digits) - 5) + digits[-2:] if len(digits) > 6 else "*" * len(digits)
    if "-" not in normal:
        return f"{normal[:3]}****{normal[7:]}"
    area, local = normal.split("-")[:2]  # the extension is dropped: it can identify a person's own desk
    return f"{area}-{'*' * (len(local) - 2)}{local[-2:]}"


def mask_id_number(number: str | None) -> str:
    """Keep the first 6 and last 4 characters of an identity number; the rest become "*"."""
    text = _compact(number).upper()
    if len(text) < 15:
        # Anything shorter than an ID number would be mostly revealed by the 6+4 rule.
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


def mask_name(name: str | None) -> str:
    """Keep the surname (compound surnames such as 欧阳 whole) and replace the given name with "*"."""
    text = (name or "").strip()
    if not text:
        return ""
    keep = 2 if len(text) > 2 and text[:2] in _COMPOUND_SURNAMES else 1
    return text[:keep] + "*" * max(len(text) - keep, 1)
