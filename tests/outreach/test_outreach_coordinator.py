"""The village coordinator's workspace: own villages only, assisted subscription with consent, assisted 报名."""

from sqlmodel import select

from jobbridge.employers.interest import set_outcome
from jobbridge.employers.models import Interest
from jobbridge.outreach.models import Subscription
from jobbridge.outreach.targeting import run_push
from support.outreach import csrf, login, make_coordinator, make_subscriber, villages_of_town
from support.personas import make_employer, make_published_vacancy, make_user

HOUJIA = "371003105"


def test_coordinator_home_lists_own_villages_and_outcomes(client, db, engine):
    mine, other = villages_of_town(db, HOUJIA)[:2]
    coordinator = make_coordinator(db, villages=[mine])
    employer = make_employer(db, town=HOUJIA)
    vacancy = make_published_vacancy(db, employer=employer, town_code=HOUJIA)
    run_push(engine=engine)
    from jobbridge.employers.interest import register_interest

    interest, _ = register_interest(session=db, vacancy_id=vacancy.id, name="赵六", phone="13912345678",
                                    village_code=mine)
    set_outcome(session=db, interest_id=interest.id, employer_id=employer.id, status="已面试")
    db.commit()
    login(client, coordinator)
    page = client.get("/coordinator")
    assert page.status_code == 200 and f"/coordinator/villages/{mine}" in page.text
    assert f"/coordinator/villages/{other}" not in page.text
    assert "赵六" in page.text and "已面试" in page.text and "139****5678" in page.text


def test_coordinator_cannot_open_another_village(client, db):
    mine, other = villages_of_town(db, HOUJIA)[:2]
    login(client, make_coordinator(db, villages=[mine]))
    assert client.get(f"/coordinator/villages/{mine}").status_code == 200
    assert client.get(f"/coordinator/villages/{other}").status_code == 403


def test_other_roles_cannot_use_the_coordinator_workspace(client, db):
    login(client, make_user(db, role="jobseeker"))
    assert client.get("/coordinator").status_code == 403


def test_assisted_subscription_records_consent_method_and_registrar(client, db):
    mine = villages_of_town(db, HOUJIA)[0]
    coordinator = make_coordinator(db, villages=[mine])
    coordinator_id = coordinator.id
    login(client, coordinator)
    without = client.post(f"/coordinator/villages/{mine}/subscribe", data={
        "phone": "13912345678", "travel_range": "本镇", "consent_method": "当面告知", "_csrf_token": csrf(client)})
    assert without.status_code == 400 and "勾选同意" in without.text
    done = client.post(f"/coordinator/villages/{mine}/subscribe", data={
        "phone": "13912345678", "name": "老周", "travel_range": "本镇", "consent_method": "电话告知", "consent": "1",
        "_csrf_token": csrf(client)}, follow_redirects=False)
    assert done.status_code == 303
    db.rollback()
    subscription = db.exec(select(Subscription)).one()
    assert (subscription.registered_via, subscription.registered_by, subscription.consent_method) == (
        "coordinator", coordinator_id, "电话告知")
    assert "老周" in client.get(f"/coordinator/villages/{mine}").text


def test_assisted_registration_is_recorded_as_coordinator_with_the_village(client, db, engine):
    mine = villages_of_town(db, HOUJIA)[0]
    coordinator = make_coordinator(db, villages=[mine])
    coordinator_id = coordinator.id
    vacancy = make_published_vacancy(db, employer=make_employer(db, town=HOUJIA), town_code=HOUJIA)
    vacancy_id = vacancy.id
    person = make_subscriber(db, village=mine)
    person_id = person.id
    run_push(engine=engine)
    login(client, coordinator)
    response = client.post(f"/coordinator/villages/{mine}/interest", data={
        "vacancy_id": vacancy_id, "name": "老周", "phone": person.phone, "_csrf_token": csrf(client)},
        follow_redirects=False)
    assert response.status_code == 303
    db.rollback()
    interest = db.exec(select(Interest)).one()
    assert (interest.via, interest.registered_by, interest.village_code) == ("coordinator", coordinator_id, mine)
    assert db.get(Subscription, person_id).unanswered == 0
