"""Controlled vocabularies shared by every capability (values stored in the database are these Chinese labels)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """Account roles."""

    ADMIN = "admin"
    STAFF = "staff"
    EMPLOYER = "employer"
    COORDINATOR = "coordinator"
    JOBSEEKER = "jobseeker"
    GRADUATE = "graduate"


ROLE_LABELS: dict[str, str] = {
    Role.ADMIN: "系统管理员",
    Role.STAFF: "综合柜员",
    Role.EMPLOYER: "用工单位",
    Role.COORDINATOR: "村级协理员",
    Role.JOBSEEKER: "求职者",
    Role.GRADUATE: "高校毕业生",
}

# Ordered from lowest to highest; the index is the rank used for "meets the minimum" comparisons.
EDUCATION_LEVELS: tuple[str, ...] = ("不限", "小学", "初中", "高中/中专", "大专", "本科", "硕士", "博士")


def education_rank(level: str | None) -> int:
    """Rank of an education label (0 for unknown or 不限)."""
    if not level:
        return 0
    aliases = {"高中": "高中/中专", "中专": "高中/中专", "中技": "高中/中专", "专科": "大专", "研究生": "硕士"}
    level = aliases.get(level, level)
    return EDUCATION_LEVELS.index(level) if level in EDUCATION_LEVELS else 0


EMPLOYMENT_TYPES: tuple[str, ...] = ("全职", "兼职", "零工日结", "季节工", "就业见习岗位")

PAY_KINDS: tuple[str, ...] = ("月薪", "日薪", "计件")

BENEFITS: tuple[str, ...] = (
    "五险一金",
    "五险",
    "包吃",
    "包住",
    "班车接送",
    "双休",
    "带薪年假",
    "加班补助",
    "餐补",
    "交通补贴",
    "节日福利",
    "年终奖",
    "技能培训",
)

# How far a person will travel for work, nearest first.
TRAVEL_RANGES: tuple[str, ...] = ("本村", "本镇", "邻镇", "全区")

EMPLOYER_SIZES: tuple[str, ...] = ("20人以下", "20-99人", "100-299人", "300-999人", "1000人以上")
