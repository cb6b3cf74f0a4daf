"""Message wording: SMS of at most 70 characters (one segment) and fuller inbox texts, all in plain Chinese."""

from __future__ import annotations

from dataclasses import dataclass

from jobbridge.employers.pay import Pay

SMS_LIMIT = 70
SIGN = "【就业桥】"


@dataclass(frozen=True)
class VacancyFacts:
    """What a message says about a vacancy."""

    id: int
    title: str
    pay: str
    place: str
    employer: str
    phone: str


def pay_text(*, kind: str, low: float | None, high: float | None, unit: str | None) -> str:
    """Pay as people read it ("5000-7000元/月")."""
    return Pay(kind=kind, low=low, high=high, unit=unit).display()


def _fit(parts: list[tuple[str, int]], budget: int) -> str:
    """Join parts, shortening the lowest-priority ones (higher number = dropped first) to fit the budget."""
    texts = [text for text, _ in parts]
    order = sorted(range(len(parts)), key=lambda i: -parts[i][1])
    for index in order:
        excess = sum(len(t) for t in texts) - budget
        if excess <= 0:
            break
        if parts[index][1] == 0:
            continue
        keep = max(len(texts[index]) - excess, 0)
        texts[index] = texts[index][:keep - 1] + "…" if 1 < keep < len(texts[index]) else texts[index][:keep]
        if len(texts[index]) <= 1:
            texts[index] = ""
    return "".join(texts)


def vacancy_sms(facts: VacancyFacts, *, url: str) -> str:
    """One vacancy: place, job, pay and one short link (the page it opens also offers one-tap unsubscribe)."""
    tail = f"。报名或退订：{url}"
    parts = [(SIGN, 0), (facts.place, 3), ("招", 0), (facts.title, 2), ("，", 0), (facts.pay, 1)]
    return _fit(parts, SMS_LIMIT - len(tail)) + tail


def vacancy_inbox(facts: VacancyFacts, *, village: str, url: str, unsubscribe: str) -> tuple[str, str]:
    """Subject and body of one vacancy in the inbox."""
    subject = f"{village}附近新岗位：{facts.title}"[:120]
    body = (f"{facts.employer}招{facts.title}\n工资：{facts.pay}\n地点：{facts.place}\n电话：{facts.phone}\n"
            f"查看和报名：{url}\n不想再收到？一键退订：{unsubscribe}")
    return subject, body


def digest_sms(*, village: str, count: int, first: VacancyFacts, url: str) -> str:
    """A day's (or week's) further vacancies in one SMS."""
    tail = f"。查看或退订：{url}"
    lead = f"{village}附近有{count}个新岗位，如" if count > 1 else f"{village}附近新岗位："
    parts = [(SIGN, 0), (lead, 3), (first.title, 2), (first.pay, 1)]
    return _fit(parts, SMS_LIMIT - len(tail)) + tail


def digest_inbox(*, village: str, items: list[VacancyFacts], url: str, unsubscribe: str) -> tuple[str, str]:
    """Subject and body of a digest in the inbox."""
    subject = f"{village}附近{len(items)}个新岗位"
    lines = [f"{n}. {f.title}  {f.pay}  {f.place}  电话{f.phone}" for n, f in enumerate(items, 1)]
    return subject, "\n".join([*lines, f"查看和报名：{url}", f"不想再收到？一键退订：{unsubscribe}"])


def welcome_sms(*, village: str, url: str) -> str:
    """Confirms a subscription and how to end it."""
    tail = f"。退订：{url}"
    return _fit([(SIGN, 0), (f"您已订阅{village}的招聘信息，每天最多3条", 1)], SMS_LIMIT - len(tail)) + tail


def welcome_inbox(*, village: str, registered_by: str, unsubscribe: str) -> tuple[str, str]:
    """Subject and body confirming a subscription."""
    body = (f"您（{registered_by}）已订阅{village}附近的招聘信息。我们每天最多发3条，晚9点到早8点不发。\n"
            f"如非本人意愿或不想再收到，一键退订：{unsubscribe}")
    return f"已订阅{village}招聘信息", body


def access_code_sms(code: str) -> str:
    """The one-time code for seeing one's own data."""
    return f"{SIGN}您查询个人信息的验证码是{code}，10分钟内有效。如非本人操作请忽略。"
