"""Booth bookings: capacity held under a lock on the fair, a waitlist in arrival order, staff decisions, outcomes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from jobbridge.db import utcnow
from jobbridge.employers.models import Employer, Vacancy
from jobbridge.employers.service import FormErrors
from jobbridge.employers.vacancies import is_public, today_local
from jobbridge.errors import Conflict, DomainError, Forbidden, NotFound
from jobbridge.fairs.locks import lock_fair
from jobbridge.fairs.models import ACTIVE_BOOKINGS, HOLDING, BoothBooking, BoothVacancy, Fair
from jobbridge.fairs.notify import notify_employer

MAX_VACANCIES_PER_BOOTH = 20


@dataclass
class BookingResult:
    """A booking and, when it waits, its place in the line (1 = next)."""

    booking: BoothBooking
    waitlist_position: int | None


def _check_open(fair: Fair, today: date) -> None:
    if fair.status != "booking_open":
        raise Conflict("该招聘会目前不接受展位预订", code="fair.booking_not_open")
    if fair.booking_closes_on and today > fair.booking_closes_on:
        raise Conflict(f"展位预订已于{fair.booking_closes_on.isoformat()}截止", code="fair.booking_closed")


def _presentable(*, session: Session, employer: Employer, vacancy_ids: list[int], today: date) -> list[Vacancy]:
    ids = sorted({int(v) for v in vacancy_ids})
    if not ids:
        raise FormErrors({"vacancy_ids": "请至少选择一个要在展位上招聘的岗位"})
    if len(ids) > MAX_VACANCIES_PER_BOOTH:
        raise FormErrors({"vacancy_ids": f"每个展位最多展示{MAX_VACANCIES_PER_BOOTH}个岗位"})
    vacancies = list(session.exec(select(Vacancy).where(col(Vacancy.id).in_(ids))))
    usable = [v for v in vacancies if v.employer_id == employer.id and is_public(vacancy=v, employer=employer,
                                                                                  today=today)]
    if len(usable) != len(ids):
        raise FormErrors({"vacancy_ids": "只能选择本单位正在招聘（已发布且在有效期内）的岗位"})
    return usable


def _free_numbers(*, session: Session, fair: Fair) -> list[int]:
    taken = set(session.exec(select(BoothBooking.booth_number).where(
        BoothBooking.fair_id == fair.id, col(BoothBooking.status).in_(HOLDING))))
    return [n for n in range(1, fair.booth_capacity + 1) if n not in taken]


def waitlist_position(*, session: Session, booking: BoothBooking) -> int | None:
    """Place in the waitlist (1 = next to be promoted), None when not waiting."""
    if booking.status != "waitlisted":
        return None
    return session.exec(select(func.count()).select_from(BoothBooking).where(
        BoothBooking.fair_id == booking.fair_id, BoothBooking.status == "waitlisted",
        col(BoothBooking.seq) <= booking.seq)).one()


def _applicant(*, session: Session, employer_id: int, vacancy_ids: list[int],
               today: date) -> tuple[Employer, list[Vacancy]]:
    employer = session.get(Employer, employer_id)
    if employer is None or employer.status != "verified":
        raise Forbidden("单位通过认证后才能预订展位", code="employer.not_verified")
    return employer, _presentable(session=session, employer=employer, vacancy_ids=vacancy_ids, today=today)


def request_booth(*, session: Session, fair_id: int, employer_id: int | None, vacancy_ids: list[int],
                  user_id: int | None = None, note: str = "", today: date | None = None) -> BookingResult:
    """Apply for a booth: confirmed (or awaiting approval) while booths remain, else waitlisted in arrival order.

    Everything that counts booths happens under the fair's lock, so concurrent requests are counted one at a
    time and numbered (`seq`) in the order the lock admitted them.
    """
    today = today or today_local()
    if employer_id is None:
        raise Forbidden("只有用工单位账号可以预订展位", code="employer.required")
    # On PostgreSQL, checking the applicant before taking the row lock keeps the serialised part short. SQLite
    # must take its write lock first: a transaction that read before writing fails if another writer got in.
    early = session.get_bind().dialect.name == "postgresql"
    if early:
        employer, vacancies = _applicant(session=session, employer_id=employer_id, vacancy_ids=vacancy_ids,
                                         today=today)
    fair = lock_fair(session=session, fair_id=fair_id)
    _check_open(fair, today)
    if not early:
        employer, vacancies = _applicant(session=session, employer_id=employer_id, vacancy_ids=vacancy_ids,
                                         today=today)
    # One read of the fair's bookings answers the limit, the free numbers and the next arrival number.
    rows = session.exec(select(BoothBooking.employer_id, BoothBooking.status, BoothBooking.booth_number,
                               BoothBooking.seq).where(BoothBooking.fair_id == fair.id)).all()
    mine = sum(1 for row in rows if row[0] == employer.id and row[1] in ACTIVE_BOOKINGS)
    if mine >= fair.per_employer_limit:
        raise Conflict(f"本场每家单位最多预订{fair.per_employer_limit}个展位，贵单位已预订{mine}个",
                       code="fair.employer_limit")
    taken = {row[2] for row in rows if row[1] in HOLDING}
    free = [n for n in range(1, fair.booth_capacity + 1) if n not in taken]
    seq = max((row[3] for row in rows), default=0) + 1
    now = utcnow()
    booking = BoothBooking(
        fair_id=fair.id, employer_id=employer.id, seq=seq, note=" ".join(note.split())[:300],
        status=("pending" if fair.requires_approval else "confirmed") if free else "waitlisted",
        booth_number=free[0] if free else None, requested_by=user_id, requested_at=now, updated_at=now,
    )
    session.add(booking)
    session.flush()
    for vacancy in vacancies:
        session.add(BoothVacancy(booking_id=booking.id, vacancy_id=vacancy.id))
    session.flush()
    position = None
    if booking.status == "waitlisted":
        # Under the lock every earlier request is already in `rows`, so no second query is needed.
        position = 1 + sum(1 for row in rows if row[1] == "waitlisted")
    return BookingResult(booking=booking, waitlist_position=position)


def _booking_in(*, session: Session, fair: Fair, booking_id: int) -> BoothBooking:
    booking = session.get(BoothBooking, booking_id, populate_existing=True)
    if booking is None or booking.fair_id != fair.id:
        raise NotFound("没有找到该展位预订", code="booking.not_found")
    return booking


def _seat(booking: BoothBooking, *, fair: Fair, number: int) -> None:
    booking.status = "pending" if fair.requires_approval else "confirmed"
    booking.booth_number = number
    booking.updated_at = utcnow()


def fill_free_booths(*, session: Session, fair: Fair) -> list[BoothBooking]:
    """Promote the waitlist in arrival order into free booths and tell each promoted employer."""
    promoted: list[BoothBooking] = []
    free = _free_numbers(session=session, fair=fair)
    waiting = list(session.exec(select(BoothBooking).where(
        BoothBooking.fair_id == fair.id, BoothBooking.status == "waitlisted").order_by(col(BoothBooking.seq))))
    for booking, number in zip(waiting, free, strict=False):
        _seat(booking, fair=fair, number=number)
        session.add(booking)
        session.flush()
        state = "待工作人员审核" if booking.status == "pending" else "已确认"
        notify_employer(
            session=session, employer_id=booking.employer_id, key=f"fair-booth-promoted:{booking.id}",
            subject="候补展位转正", link="/employer/fairs",
            body=f"【就业桥】您在“{fair.title}”的候补已转正：{number}号展位（{state}）。",
        )
        promoted.append(booking)
    return promoted


def _release(*, session: Session, booking: BoothBooking, status: str) -> bool:
    """Take a booking out of the fair; True when it freed a booth."""
    held = booking.status in HOLDING
    booking.status, booking.booth_number, booking.updated_at = status, None, utcnow()
    if status == "cancelled":
        booking.cancelled_at = booking.updated_at
    session.add(booking)
    session.flush()  # free the number before anyone is seated on it (unique per fair)
    return held


def cancel_booking(*, session: Session, fair_id: int, booking_id: int, employer_id: int | None = None,
                   staff: bool = False) -> tuple[BoothBooking, list[BoothBooking]]:
    """Cancel a booking (its employer or staff); a freed booth goes to the next on the waitlist."""
    fair = lock_fair(session=session, fair_id=fair_id)
    booking = _booking_in(session=session, fair=fair, booking_id=booking_id)
    if not staff and booking.employer_id != employer_id:
        raise NotFound("没有找到该展位预订", code="booking.not_found")
    if booking.status not in ACTIVE_BOOKINGS:
        raise Conflict("该预订已取消或未通过", code="booking.state")
    if fair.status in {"held", "archived"}:
        raise Conflict("招聘会已举办，不能再取消展位", code="fair.state")
    freed = _release(session=session, booking=booking, status="cancelled")
    promoted = fill_free_booths(session=session, fair=fair) if freed else []
    return booking, promoted


def approve_booking(*, session: Session, fair_id: int, booking_id: int, staff_id: int | None) -> BoothBooking:
    """Staff confirm a booking awaiting approval, or seat a waitlisted one in a free booth."""
    fair = lock_fair(session=session, fair_id=fair_id)
    booking = _booking_in(session=session, fair=fair, booking_id=booking_id)
    if booking.status == "confirmed":
        return booking
    if booking.status == "waitlisted":
        free = _free_numbers(session=session, fair=fair)
        if not free:
            raise Conflict("展位已满：请先增加展位数或取消其他预订", code="fair.full")
        booking.booth_number = free[0]
    elif booking.status != "pending":
        raise Conflict("该预订已取消或未通过", code="booking.state")
    booking.status, booking.decided_by, booking.decided_at = "confirmed", staff_id, utcnow()
    booking.updated_at = booking.decided_at
    session.add(booking)
    session.flush()
    notify_employer(session=session, employer_id=booking.employer_id, key=f"fair-booth-approved:{booking.id}",
                    subject="展位已确认", link="/employer/fairs",
                    body=f"【就业桥】您在“{fair.title}”的展位已确认：{booking.booth_number}号展位。")
    return booking


def refuse_booking(*, session: Session, fair_id: int, booking_id: int, staff_id: int | None,
                   reason: str) -> tuple[BoothBooking, list[BoothBooking]]:
    """Staff refuse a booking with a reason the employer sees; its booth goes to the waitlist."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError("请填写不通过的原因，单位会看到它", code="reason.required", field="reason")
    fair = lock_fair(session=session, fair_id=fair_id)
    booking = _booking_in(session=session, fair=fair, booking_id=booking_id)
    if booking.status not in ACTIVE_BOOKINGS:
        raise Conflict("该预订已取消或未通过", code="booking.state")
    freed = _release(session=session, booking=booking, status="refused")
    booking.refuse_reason, booking.decided_by, booking.decided_at = reason[:300], staff_id, utcnow()
    session.add(booking)
    session.flush()
    notify_employer(session=session, employer_id=booking.employer_id, key=f"fair-booth-refused:{booking.id}",
                    subject="展位预订未通过", link="/employer/fairs",
                    body=f"【就业桥】您在“{fair.title}”的展位预订未通过。原因：{reason}")
    promoted = fill_free_booths(session=session, fair=fair) if freed else []
    return booking, promoted


def move_booking(*, session: Session, fair_id: int, booking_id: int, booth_number: int | str,
                 staff_id: int | None) -> BoothBooking:
    """Staff give a booking another booth number, swapping with whoever holds it."""
    fair = lock_fair(session=session, fair_id=fair_id)
    booking = _booking_in(session=session, fair=fair, booking_id=booking_id)
    if booking.status not in HOLDING:
        raise Conflict("只有已占用展位的预订可以调整展位号", code="booking.state")
    try:
        number = int(str(booth_number).strip())
    except ValueError:
        raise DomainError("展位号应为数字", code="booth.number", field="booth_number") from None
    if not 1 <= number <= fair.booth_capacity:
        raise DomainError(f"展位号应在1到{fair.booth_capacity}之间", code="booth.number", field="booth_number")
    old = booking.booth_number
    if number == old:
        return booking
    other = session.exec(select(BoothBooking).where(
        BoothBooking.fair_id == fair.id, BoothBooking.booth_number == number,
        col(BoothBooking.status).in_(HOLDING))).first()
    booking.booth_number = None
    session.add(booking)
    session.flush()
    stamp = utcnow().strftime("%Y%m%d%H%M%S%f")
    if other is not None:
        other.booth_number, other.updated_at = old, utcnow()
        session.add(other)
        session.flush()
        notify_employer(session=session, employer_id=other.employer_id, key=f"fair-booth-moved:{other.id}:{stamp}",
                        subject="展位号调整", link="/employer/fairs",
                        body=f"【就业桥】您在“{fair.title}”的展位调整为{old}号。")
    booking.booth_number, booking.decided_by, booking.updated_at = number, staff_id, utcnow()
    session.add(booking)
    session.flush()
    notify_employer(session=session, employer_id=booking.employer_id, key=f"fair-booth-moved:{booking.id}:{stamp}",
                    subject="展位号调整", link="/employer/fairs",
                    body=f"【就业桥】您在“{fair.title}”的展位调整为{number}号。")
    return booking


# --- what the employer sees ---------------------------------------------------------------------------------


@dataclass
class MyBooking:
    """One of an employer's bookings with its fair and presented vacancies."""

    booking: BoothBooking
    fair: Fair
    vacancies: list[tuple[BoothVacancy, Vacancy]]
    waitlist_position: int | None


def employer_bookings(*, session: Session, employer_id: int, fair_id: int | None = None) -> list[MyBooking]:
    """An employer's bookings, newest fair first."""
    query = select(BoothBooking, Fair).join(Fair, Fair.id == BoothBooking.fair_id).where(
        BoothBooking.employer_id == employer_id)
    if fair_id is not None:
        query = query.where(BoothBooking.fair_id == fair_id)
    rows = session.exec(query.order_by(col(Fair.fair_date).desc(), col(BoothBooking.id).desc())).all()
    result = []
    for booking, fair in rows:
        links = session.exec(
            select(BoothVacancy, Vacancy).join(Vacancy, Vacancy.id == BoothVacancy.vacancy_id)
            .where(BoothVacancy.booking_id == booking.id).order_by(col(Vacancy.id))
        ).all()
        result.append(MyBooking(booking=booking, fair=fair, vacancies=list(links),
                                waitlist_position=waitlist_position(session=session, booking=booking)))
    return result


def record_outcome(*, session: Session, fair_id: int, booking_id: int, figures: dict[int, tuple[object, object]],
                   employer_id: int | None = None, staff: bool = False, today: date | None = None) -> BoothBooking:
    """Record per presented vacancy how many people reached an intent (达成意向) and how many were hired (录用)."""
    today = today or today_local()
    fair = session.get(Fair, fair_id)
    booking = session.get(BoothBooking, booking_id)
    if fair is None or booking is None or booking.fair_id != fair_id or (not staff and booking.employer_id != employer_id):
        raise NotFound("没有找到该展位预订", code="booking.not_found")
    if booking.status != "confirmed":
        raise Conflict("只有已确认参会的展位可以登记招聘成效", code="booking.state")
    if today < fair.fair_date:
        raise Conflict("招聘会开始后才能登记招聘成效", code="fair.not_started")
    links = {link.vacancy_id: link for link in session.exec(
        select(BoothVacancy).where(BoothVacancy.booking_id == booking.id))}
    errors: dict[str, str] = {}
    clean: dict[int, tuple[int, int]] = {}
    for vacancy_id, link in links.items():
        raw_intents, raw_hires = figures.get(vacancy_id, (link.intents, link.hires))
        numbers = []
        for raw, key, label in ((raw_intents, f"intents_{vacancy_id}", "达成意向人数"),
                                (raw_hires, f"hires_{vacancy_id}", "录用人数")):
            text = str(raw if raw is not None else "").strip() or "0"
            if not text.isdigit() or int(text) > 999:
                errors[key] = f"{label}应为0到999的整数"
            numbers.append(int(text) if text.isdigit() else 0)
        if numbers[1] > numbers[0] and f"hires_{vacancy_id}" not in errors:
            errors[f"hires_{vacancy_id}"] = "录用人数不能多于达成意向人数"
        clean[vacancy_id] = (numbers[0], numbers[1])
    if errors:
        raise FormErrors(errors)
    for vacancy_id, (intents, hires) in clean.items():
        link = links[vacancy_id]
        link.intents, link.hires = intents, hires
        session.add(link)
    booking.outcome_recorded_at = booking.updated_at = utcnow()
    session.add(booking)
    session.flush()
    return booking


def fair_bookings(*, session: Session, fair_id: int) -> list[tuple[BoothBooking, Employer, list[Vacancy]]]:
    """Every booking of a fair for staff: holding ones by booth number, then the waitlist, then the rest."""
    order = {"confirmed": 0, "pending": 0, "waitlisted": 1, "refused": 2, "cancelled": 3}
    rows = session.exec(select(BoothBooking, Employer).join(Employer, Employer.id == BoothBooking.employer_id)
                        .where(BoothBooking.fair_id == fair_id)).all()
    rows = sorted(rows, key=lambda r: (order.get(r[0].status, 9), r[0].booth_number or 0, r[0].seq))
    result = []
    for booking, employer in rows:
        vacancies = list(session.exec(select(Vacancy).join(BoothVacancy, BoothVacancy.vacancy_id == Vacancy.id)
                                      .where(BoothVacancy.booking_id == booking.id).order_by(col(Vacancy.id))))
        result.append((booking, employer, vacancies))
    return result
