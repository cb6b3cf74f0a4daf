"""Vacancy pay: a structured value, its Chinese display, and a parser for posting salary strings."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from jobbridge.vocab import PAY_KINDS

# A month of full-time work is counted as 22 working days (5-day weeks); daily pay is scaled by this.
WORKING_DAYS_PER_MONTH = 22
# Weekly pay is converted with the calendar average (52 weeks / 12 months), not 4, to avoid under-stating it.
WEEKS_PER_MONTH = 52 / 12
# Hourly pay is converted to a day of 8 hours, the statutory standard working day.
HOURS_PER_DAY = 8


@dataclass(frozen=True)
class Pay:
    """Pay offered for a vacancy: monthly, daily or piece rate, as a range."""

    kind: str  # "月薪" | "日薪" | "计件"
    low: float | None
    high: float | None
    unit: str | None = None  # for 计件, e.g. "元/件"
    note: str = ""
    months: int = 12  # pay periods per year, e.g. 13 for "·13薪"
    monthly_low: float | None = None  # employer's own monthly estimate, only meaningful for 计件
    monthly_high: float | None = None

    def monthly_estimate(self) -> tuple[float | None, float | None]:
        """Estimated monthly pay range (daily × 22 working days; piece rate only if the employer gave one)."""
        if self.kind == "月薪":
            return self.low, self.high
        if self.kind == "日薪":
            return _scale(self.low, WORKING_DAYS_PER_MONTH), _scale(self.high, WORKING_DAYS_PER_MONTH)
        return self.monthly_low, self.monthly_high

    def display(self) -> str:
        """Chinese display such as "4000-6000元/月", "150元/天" or "0.5元/件"."""
        unit = {"月薪": "元/月", "日薪": "元/天"}.get(self.kind) or self.unit or "元/件"
        low, high = self.low, self.high
        if low is not None and high is not None and low != high:
            text = f"{_num(low)}-{_num(high)}{unit}"
        elif low is not None:
            text = f"{_num(low)}{unit}" if high is not None else f"{_num(low)}{unit}起"
        elif high is not None:
            text = f"最高{_num(high)}{unit}"
        else:
            text = "面议"
        if self.months != 12:
            text += f"·{self.months}薪"
        if self.kind == "计件" and (self.monthly_low is not None or self.monthly_high is not None):
            estimate = Pay(kind="月薪", low=self.monthly_low, high=self.monthly_high)
            text += f"（预计{estimate.display()}）"
        return text


def validate_pay(pay: Pay) -> list[str]:
    """Chinese error messages for an employer-entered pay value (empty when valid)."""
    errors: list[str] = []
    if not pay.kind:
        errors.append("请选择薪酬类型（月薪、日薪或计件）")
    elif pay.kind not in PAY_KINDS:
        errors.append(f"薪酬类型“{pay.kind}”无效，只能是月薪、日薪或计件")
    if pay.low is None and pay.high is None:
        errors.append("请填写薪酬金额")
    for label, value in (("最低", pay.low), ("最高", pay.high), ("预计月收入最低", pay.monthly_low),
                         ("预计月收入最高", pay.monthly_high)):
        if value is not None and (not math.isfinite(value) or value <= 0):
            errors.append(f"{label}金额必须是大于0的数字")
    if _ordered(pay.low, pay.high) is False:
        errors.append("最低金额不能高于最高金额")
    if _ordered(pay.monthly_low, pay.monthly_high) is False:
        errors.append("预计月收入的最低金额不能高于最高金额")
    if pay.kind == "计件" and not (pay.unit and re.fullmatch(r"元/\S{1,4}", pay.unit)):
        errors.append("计件工资请填写计件单位，例如“元/件”")
    if not 12 <= pay.months <= 24:
        errors.append("每年发薪月数应在12到24之间")
    return errors


# Amounts with an optional magnitude: "1.5万", "8千", "8K", "12000".
_LOW = r"(?P<low>\d+(?:\.\d+)?)\s*(?P<low_mag>[万千kKwW])?"
_HIGH = r"(?P<high>\d+(?:\.\d+)?)\s*(?P<high_mag>[万千kKwW])?"
_RANGE_SEP = r"\s*(?:-|－|–|—|~|～|〜|至|到)\s*"
_MONTHS = re.compile(r"[·•*×xX]\s*(\d{2})\s*薪")
_NEGOTIABLE = re.compile(r"^(?:薪资|工资|薪酬|待遇)?(?:面议|面谈|详谈|商议)$")
_PERIOD_UNITS = {
    "月": "月", "月薪": "月", "天": "天", "日": "天", "日薪": "天", "日结": "天",
    "周": "周", "星期": "周", "小时": "时", "时": "时", "年": "年", "年薪": "年",
}
_PAY_RE = re.compile(
    rf"^(?P<cap>最高|最低)?(?P<prefix>年薪|月薪|日薪|时薪)?\s*{_LOW}(?:{_RANGE_SEP}{_HIGH})?\s*(?P<tail>.*)$"
)


def parse_posting_salary(text: str) -> Pay | None:
    """Parse a job-board salary string ("1.5万-2.5万", "150元/天", "1-1.5万·13薪"); None for 面议 or unreadable."""
    raw = (text or "").strip()
    cleaned = raw.replace(" ", "").replace("，", ",")
    if not cleaned or _NEGOTIABLE.match(cleaned):
        return None
    months = 12
    if m := _MONTHS.search(cleaned):
        months = int(m.group(1))
        cleaned = cleaned[: m.start()] + cleaned[m.end():]
    m = _PAY_RE.match(cleaned)
    if not m:
        return None
    low_num, low_mag, high_num, high_mag = m.group("low", "low_mag", "high", "high_mag")
    # "1-1.5万" states the magnitude once, on the upper bound; "8000-1.2万" does not share it.
    if high_num is not None and low_mag is None and float(low_num) <= float(high_num):
        low_mag = high_mag
    low = _amount(low_num, low_mag)
    high = _amount(high_num, high_mag) if high_num is not None else None
    tail = re.sub(r"^(?:元|块|RMB)", "", m.group("tail"))
    bound = {"最高": "以下", "最低": "以上"}.get(m.group("cap") or "", "")
    if b := re.search(r"^(以上|起|\+|以下)|(以上|起|\+|以下)$", tail):
        bound = "以下" if b.group(0) == "以下" else "以上"
        tail = tail[: b.start()] + tail[b.end():]
    period, piece_unit = _period(prefix=m.group("prefix"), tail=tail)
    if period is None and piece_unit is None:
        return None
    if high is None:
        low, high = (None, low) if bound == "以下" else (low, None if bound else low)
    # Job boards write "0千-0千" when the employer left pay blank; it means the same as 面议.
    if not any(v for v in (low, high)):
        return None
    if piece_unit is not None:
        return Pay(kind="计件", low=low, high=high, unit=piece_unit, months=months)
    if period == "天":
        return Pay(kind="日薪", low=low, high=high, months=months)
    if period == "时":
        note = f"原文{raw}，按每天{HOURS_PER_DAY}小时折算为日薪"
        return Pay(kind="日薪", low=_scale(low, HOURS_PER_DAY), high=_scale(high, HOURS_PER_DAY), note=note)
    if period == "周":
        note = f"原文{raw}，按每月{WEEKS_PER_MONTH:.2f}周折算为月薪"
        return Pay(kind="月薪", low=_scale(low, WEEKS_PER_MONTH), high=_scale(high, WEEKS_PER_MONTH), note=note)
    if period == "年":
        note = f"原文{raw}，按{months}个月折算为月薪"
        return Pay(kind="月薪", low=_scale(low, 1 / months), high=_scale(high, 1 / months), note=note)
    return Pay(kind="月薪", low=low, high=high, months=months)


def _period(*, prefix: str | None, tail: str) -> tuple[str | None, str | None]:
    """Pay period ("月", "天", "周", "时", "年") or a piece-rate unit ("元/件") from the text around the amount."""
    if prefix:
        return _PERIOD_UNITS[prefix], None
    if not tail:
        return "月", None  # job boards show monthly pay without a unit
    m = re.fullmatch(r"(?:/|每)(\S{1,3})", tail)
    if not m:
        return None, None
    word = m.group(1)
    if word in _PERIOD_UNITS:
        return _PERIOD_UNITS[word], None
    # Any other Chinese unit is a piece rate ("元/件", "元/单"), unless it is a period we do not convert.
    if re.fullmatch(r"[\u4e00-\u9fff]{1,3}", word) and not re.search(r"[季旬期]|半月|双周", word):
        return None, f"元/{word}"
    return None, None


def _amount(number: str, magnitude: str | None) -> float:
    """A number with its 万/千/K magnitude applied, rounded to cents."""
    factor = {"万": 10000, "w": 10000, "W": 10000, "千": 1000, "k": 1000, "K": 1000}.get(magnitude or "", 1)
    return round(float(number) * factor, 2)


def _scale(value: float | None, factor: float) -> float | None:
    """Value times factor, rounded to whole yuan (None stays None)."""
    return None if value is None else float(round(value * factor))


def _ordered(low: float | None, high: float | None) -> bool | None:
    """Whether low ≤ high, or None when either is missing or not a number."""
    if low is None or high is None or not (math.isfinite(low) and math.isfinite(high)):
        return None
    return low <= high


def _num(value: float) -> str:
    """A yuan amount without a needless ".0"."""
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")
