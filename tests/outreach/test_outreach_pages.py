"""Village feed pages, subscribing, short links, unsubscribing, and seeing or deleting one's own data."""

import re

from sqlmodel import select

from jobbridge.employers.models import Interest
from jobbridge.outreach.models import AccessCode, OutboxMessage, ReachEvent, Subscription
from jobbridge.outreach.notices import paper_url
from jobbridge.outreach.subscriptions import token_for
from jobbridge.outreach.targeting import run_push
from support.outreach import csrf, make_subscriber, villages_of_town
from support.personas import make_employer, make_published_vacancy

HOUJIA, JIESHI = "371003105", "371003111"


def _pushed(db, engine, **overrides):
    employer = make_employer(db, town=HOUJIA)
    vacancy = make_published_vacancy(db, employer=employer, town_code=HOUJIA, **overrides)
    run_push(engine=engine)
    return vacancy


def test_feed_lists_nearest_first_with_pay_place_and_call_button(client, db, engine):
    home = villages_of_town(db, HOUJIA)[0]
    far = _pushed(db, engine, title="远处的岗位", push_scope="district")
    near = _pushed(db, engine, title="本村的岗位", village_code=home)
    page = client.get(f"/villages/{home}")
    assert page.status_code == 200
    assert page.text.index("本村的岗位") < page.text.index("远处的岗位")
    assert "5000-7000元/月" in page.text and 'href="tel:06318451234"' in page.text
    assert f'name="vacancy_id" value="{near.id}"' in page.text and far.id


def test_every_registration_form_on_the_feed_carries_a_csrf_token(client, db, engine):
    home = villages_of_town(db, HOUJIA)[0]
    _pushed(db, engine)
    _pushed(db, engine, title="装配工")
    page = client.get(f"/villages/{home}").text
    forms = re.findall(r'<form method="post" action="/villages/[0-9]+/interest".*?</form>', page, re.S)
    assert len(forms) == 2 and all('name="_csrf_token" value="' in form for form in forms)


def test_feed_of_an_unknown_village_is_a_chinese_404(client):
    page = client.get("/villages/371003999999")
    assert page.status_code == 404 and "村居" in page.text


def test_registering_from_the_feed_records_the_village(client, db, engine):
    home = villages_of_town(db, HOUJIA)[0]
    vacancy = _pushed(db, engine)
    token = csrf(client)
    response = client.post(f"/villages/{home}/interest", data={"vacancy_id": vacancy.id, "name": "王大娘",
                                                               "phone": "13912345678", "_csrf_token": token},
                           follow_redirects=False)
    assert response.status_code == 303
    db.rollback()
    interest = db.exec(select(Interest)).one()
    assert (interest.village_code, interest.via, interest.name) == (home, "self", "王大娘")
    assert "报名成功" in client.get(response.headers["location"]).text


def test_a_bad_phone_re_renders_the_feed_with_the_error_and_the_input_kept(client, db, engine):
    home = villages_of_town(db, HOUJIA)[0]
    vacancy = _pushed(db, engine)
    token = csrf(client)
    page = client.post(f"/villages/{home}/interest", data={"vacancy_id": vacancy.id, "name": "王大娘",
                                                           "phone": "1391234", "_csrf_token": token})
    assert page.status_code == 400 and "手机号码应为11位" in page.text and 'value="王大娘"' in page.text
    assert db.exec(select(Interest)).first() is None


def test_subscribing_needs_explicit_consent_and_keeps_the_input(client, db):
    home = villages_of_town(db, HOUJIA)[0]
    token = csrf(client)
    page = client.post(f"/villages/{home}/subscribe", data={
        "phone": "13912345678", "travel_range": "邻镇", "work_kinds": ["工厂生产", "建筑装修"], "_csrf_token": token})
    assert page.status_code == 400 and "勾选同意" in page.text and 'value="13912345678"' in page.text
    assert page.text.count("checked") >= 3
    ok = client.post(f"/villages/{home}/subscribe", data={
        "phone": "13912345678", "travel_range": "邻镇", "work_kinds": ["工厂生产", "建筑装修"], "consent": "1",
        "_csrf_token": token})
    assert ok.status_code == 200 and "订阅成功" in ok.text
    db.rollback()  # end the test's read snapshot to see what the request committed
    subscription = db.exec(select(Subscription)).one()
    assert subscription.work_kinds == ["工厂生产", "建筑装修"] and subscription.registered_via == "self"
    assert subscription.consent_version and subscription.consent_at is not None


def test_one_tap_unsubscribe_deletes_the_subscription_and_cancels_pending_messages(client, db):
    subscription = make_subscriber(db, village=villages_of_town(db, HOUJIA)[0])
    subscription_id, path = subscription.id, f"/u/{token_for(subscription)}"
    welcome = db.exec(select(OutboxMessage)).one()
    assert path in welcome.body
    page = client.get(path)
    assert "确认退订" in page.text
    done = client.post(path, data={"_csrf_token": csrf(client)})
    assert done.status_code == 200 and "已退订" in done.text
    db.rollback()
    assert db.get(Subscription, subscription_id) is None
    assert db.exec(select(OutboxMessage)).one().state == "cancelled"


def test_a_forged_unsubscribe_token_does_nothing(client, db):
    subscription = make_subscriber(db, village=villages_of_town(db, HOUJIA)[0])
    token = token_for(subscription)
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    page = client.post(f"/u/{forged}", data={"_csrf_token": csrf(client)})
    assert "已经退订" in page.text and db.get(Subscription, subscription.id) is not None


def test_message_link_records_the_open_and_lands_on_the_feed_with_unsubscribe(client, db, engine):
    subscription = make_subscriber(db, village=villages_of_town(db, HOUJIA)[0])
    token = token_for(subscription)
    vacancy = _pushed(db, engine)
    link = db.exec(select(OutboxMessage).where(OutboxMessage.kind == "vacancy")).one().link
    response = client.get(link.replace("http://127.0.0.1:8000", ""), follow_redirects=False)
    assert response.status_code == 303 and f"focus={vacancy.id}" in response.headers["location"]
    page = client.get(response.headers["location"])
    assert "一键退订" in page.text and f"/u/{token}" in page.text
    db.rollback()
    assert db.exec(select(ReachEvent)).one().source == "message"


def test_printed_qr_link_records_the_village_and_opens_the_vacancy(client, db, engine):
    village = villages_of_town(db, JIESHI)[0]
    vacancy = _pushed(db, engine, push_scope="district")
    url = paper_url(vacancy_id=vacancy.id, village_code=village)
    response = client.get(url.replace("http://127.0.0.1:8000", ""), follow_redirects=False)
    assert response.headers["location"] == f"/vacancies/{vacancy.id}?v={village}"
    db.rollback()
    event = db.exec(select(ReachEvent)).one()
    assert (event.vacancy_id, event.village_code, event.source) == (vacancy.id, village, "qr")


def test_a_tampered_short_link_is_refused(client):
    assert client.get("/r/q1.abcdefXYZ").status_code == 404


def test_a_person_sees_and_deletes_their_data_with_a_code_sent_through_the_outbox(client, db, engine):
    subscription = make_subscriber(db, village=villages_of_town(db, HOUJIA)[0], name="张三")
    phone = subscription.phone
    page = client.post("/my-data/code", data={"phone": phone, "_csrf_token": csrf(client)})
    assert page.status_code == 200 and "验证码已发往" in page.text
    db.rollback()
    message = db.exec(select(OutboxMessage).where(OutboxMessage.kind == "access_code")).one()
    code = re.search(r"验证码是(\d{6})", message.body).group(1)
    wrong = client.post("/my-data/verify", data={"phone": phone, "code": "000000",
                                                 "_csrf_token": csrf(client)})
    assert wrong.status_code == 400
    client.post("/my-data/verify", data={"phone": phone, "code": code,
                                         "_csrf_token": csrf(client)})
    mine = client.get("/my-data")
    assert "张三" in mine.text and "同意时间" in mine.text and "本人" in mine.text
    erased = client.post("/my-data/erase", data={"_csrf_token": csrf(client)})
    assert "已删除" in erased.text
    db.rollback()
    assert db.exec(select(Subscription)).first() is None
    assert db.exec(select(OutboxMessage).where(OutboxMessage.phone == phone)).first() is None
    assert db.exec(select(AccessCode)).first() is None


def test_codes_cannot_be_asked_for_endlessly(client, db):
    token = csrf(client)
    codes = [client.post("/my-data/code", data={"phone": "13912345678", "_csrf_token": token}).status_code
             for _ in range(4)]
    assert codes == [200, 200, 200, 429]
