"""Staff outbox and reach pages, and the outreach API, with every other role refused."""

import pytest
from sqlmodel import select

from jobbridge.accounts.models import AuditLog
from jobbridge.employers.interest import register_interest, set_outcome
from jobbridge.outreach.models import OutboxMessage, Subscription
from jobbridge.outreach.outbox import enqueue
from jobbridge.outreach.reach import open_link
from jobbridge.outreach.subscriptions import token_for
from jobbridge.outreach.targeting import run_push
from support.outreach import csrf, login, make_coordinator, make_subscriber, villages_of_town
from support.personas import PASSWORD, make_employer, make_published_vacancy, make_user

HOUJIA = "371003105"


def _bearer(client, user) -> dict:
    token = client.post("/api/v1/auth/token", json={"login": user.phone, "password": PASSWORD}).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def test_staff_see_outbox_states_with_masked_phones_and_retry_dead(client, db):
    enqueue(session=db, dedupe_key="d1", kind="vacancy", body="x", phone="13912345678")
    db.exec(select(OutboxMessage)).one().state = "dead"
    db.commit()
    login(client, make_user(db, role="staff"))
    page = client.get("/staff/outbox?state=dead")
    assert page.status_code == 200 and "已放弃" in page.text and "139****5678" in page.text
    assert "13912345678" not in page.text
    db.rollback()
    assert db.exec(select(AuditLog).where(AuditLog.subject_type == "outbox")).first() is not None
    message_id = db.exec(select(OutboxMessage.id)).one()
    client.post(f"/staff/outbox/{message_id}/retry", data={"_csrf_token": csrf(client)})
    db.rollback()
    assert db.get(OutboxMessage, message_id).state == "queued"


@pytest.mark.parametrize("role", ["jobseeker", "coordinator", "graduate"])
def test_other_roles_cannot_open_the_outbox_or_reach_pages(client, db, role):
    login(client, make_user(db, role=role))
    assert client.get("/staff/outbox").status_code == 403
    assert client.get("/staff/outreach").status_code == 403
    assert client.get("/staff/outreach/bulletins").status_code == 403


def test_reach_ranks_villages_by_response_and_lists_unreached_ones(client, db, engine):
    villages = villages_of_town(db, HOUJIA)
    keen = make_subscriber(db, village=villages[0])
    make_subscriber(db, village=villages[1])
    vacancy = make_published_vacancy(db, employer=make_employer(db, town=HOUJIA), town_code=HOUJIA)
    run_push(engine=engine)
    link = db.exec(select(OutboxMessage).where(OutboxMessage.phone == keen.phone,
                                               OutboxMessage.kind == "vacancy")).one().link
    open_link(session=db, code=link.rsplit("/", 1)[1])
    db.commit()
    login(client, make_user(db, role="staff"))
    page = client.get("/staff/outreach")
    first, second = (f'href="/villages/{v}"' for v in villages[:2])
    ranking, unreached = page.text.split("没有触达的村居")
    assert ranking.index(first) < ranking.index(second)
    assert first not in unreached and second not in unreached and "（719个）" in page.text
    assert client.get(f"/staff/outreach/vacancies/{vacancy.id}").status_code == 200


def test_api_village_feed_is_public_and_nearest_first(client, db, engine):
    home = villages_of_town(db, HOUJIA)[0]
    employer = make_employer(db, town=HOUJIA)
    make_published_vacancy(db, employer=employer, town_code=HOUJIA, title="全区岗位")
    make_published_vacancy(db, employer=employer, town_code=HOUJIA, village_code=home, title="本村岗位")
    run_push(engine=engine)
    body = client.get(f"/api/v1/villages/{home}/feed").json()
    assert [i["title"] for i in body["items"]] == ["本村岗位", "全区岗位"]
    assert body["items"][0]["distance_label"] == "本村" and body["items"][0]["url"].endswith(f"?v={home}")
    assert "/api/v1/villages/{code}/feed" in client.get("/schema/openapi.json").json()["paths"]


def test_api_subscription_needs_a_token_and_consent(client, db):
    home = villages_of_town(db, HOUJIA)[0]
    staff = _bearer(client, make_user(db, role="staff"))
    anonymous = client.post("/api/v1/subscriptions", json={"phone": "13912345678", "village_code": home})
    assert anonymous.status_code == 401
    refused = client.post("/api/v1/subscriptions", json={"phone": "13912345678", "village_code": home}, headers=staff)
    assert refused.status_code == 400 and "consent" in refused.json()["error"]["fields"]
    made = client.post("/api/v1/subscriptions", json={"phone": "13912345678", "village_code": home, "consent": True,
                                                       "work_kinds": ["工厂生产"]}, headers=staff)
    assert made.status_code == 201 and made.json()["registered_via"] == "staff" and made.json()["token"]


def test_a_jobseeker_may_subscribe_only_their_own_phone(client, db):
    home = villages_of_town(db, HOUJIA)[0]
    person = make_user(db, role="jobseeker")
    headers = _bearer(client, person)
    other = client.post("/api/v1/subscriptions", json={"phone": "13912345678", "village_code": home, "consent": True},
                        headers=headers)
    assert other.status_code == 403
    own = client.post("/api/v1/subscriptions", json={"phone": person.phone, "village_code": home, "consent": True},
                      headers=headers)
    assert own.status_code == 201


def test_api_delete_subscription_with_its_token_or_as_its_coordinator(client, db):
    villages = villages_of_town(db, HOUJIA)
    mine, theirs = make_subscriber(db, village=villages[0]), make_subscriber(db, village=villages[1])
    mine_id, theirs_id, token = mine.id, theirs.id, token_for(mine)
    assert client.delete(f"/api/v1/subscriptions/{mine_id}", params={"token": "1-bad"}).status_code == 403
    assert client.delete(f"/api/v1/subscriptions/{mine_id}", params={"token": token}).status_code == 204
    db.rollback()
    coordinator = make_coordinator(db, villages=[villages[0]])
    headers = _bearer(client, coordinator)
    assert client.delete(f"/api/v1/subscriptions/{theirs_id}", headers=headers).status_code == 403
    assert client.delete(f"/api/v1/subscriptions/{theirs_id}").status_code == 401
    db.rollback()
    staff = _bearer(client, make_user(db, role="staff"))
    assert client.delete(f"/api/v1/subscriptions/{theirs_id}", headers=staff).status_code == 204
    db.rollback()
    assert db.exec(select(Subscription)).first() is None


def test_api_reach_for_staff_and_the_owning_employer_only(client, db, engine):
    village = villages_of_town(db, HOUJIA)[0]
    make_subscriber(db, village=village)
    employer = make_employer(db, town=HOUJIA)
    vacancy = make_published_vacancy(db, employer=employer, town_code=HOUJIA)
    run_push(engine=engine)
    interest, _ = register_interest(session=db, vacancy_id=vacancy.id, name="王五", phone="13912345678",
                                    village_code=village)
    set_outcome(session=db, interest_id=interest.id, employer_id=employer.id, status="已录用")
    db.commit()
    owner = make_user(db, role="employer", employer_id=employer.id)
    body = client.get(f"/api/v1/vacancies/{vacancy.id}/reach", headers=_bearer(client, owner)).json()
    assert body["total"]["pushed"] == 1 and body["total"]["interest"] == 1 and body["total"]["hired"] == 1
    assert body["total"]["feed"] == 721
    row = next(v for v in body["villages"] if v["village_code"] == village)
    assert row["pushed"] == 1 and row["hired"] == 1
    db.rollback()
    stranger = make_user(db, role="employer", employer_id=make_employer(db, name="别家公司").id)
    assert client.get(f"/api/v1/vacancies/{vacancy.id}/reach", headers=_bearer(client, stranger)).status_code == 403
    assert client.get(f"/api/v1/vacancies/{vacancy.id}/reach").status_code == 401
