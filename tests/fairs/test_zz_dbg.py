from datetime import date
from sqlmodel import select
from jobbridge.fairs.models import Fair
from jobbridge.fairs.monthly import schedule_monthly_fairs

def test_dbg(db):
    print(schedule_monthly_fairs(session=db, today=date(2026, 11, 28))); db.commit()
    print(schedule_monthly_fairs(session=db, today=date(2026, 11, 28))); db.commit()
    for f in db.exec(select(Fair)): print(f.id, f.kind, f.rule_year, f.rule_month)
    assert 0
