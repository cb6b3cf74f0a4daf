"""Staff can correct the town adjacency table; nobody else can."""

import re

from jobbridge.geo.service import adjacency
from support.personas import PASSWORD, make_user


def _login(client, user):
    token = re.search(r'name="_csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"login": user.phone, "password": PASSWORD, "_csrf_token": token})
    return token


def test_staff_add_and_remove_a_bordering_pair(client, db):
    staff = make_user(db, role="staff")
    _login(client, staff)
    page = client.get("/staff/towns")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)
    client.post("/staff/towns/adjacency", data={"town_a": "371003107", "town_b": "371003108", "action": "add",
                                                "_csrf_token": token})
    db.rollback()  # end the read snapshot so the next query sees the request's commit
    assert "371003108" in adjacency(session=db)["371003107"]
    client.post("/staff/towns/adjacency", data={"town_a": "371003108", "town_b": "371003107", "action": "remove",
                                                "_csrf_token": token})
    db.rollback()  # end the read snapshot so the next query sees the request's commit
    assert "371003108" not in adjacency(session=db).get("371003107", frozenset())


def test_town_cannot_border_itself(client, db):
    staff = make_user(db, role="staff")
    _login(client, staff)
    token = re.search(r'name="_csrf_token" value="([^"]+)"', client.get("/staff/towns").text).group(1)
    response = client.post("/staff/towns/adjacency", data={"town_a": "371003107", "town_b": "371003107",
                                                           "action": "add", "_csrf_token": token})
    assert response.status_code == 400 and "自身" in response.text


def test_jobseeker_cannot_edit_adjacency(client, db):
    user = make_user(db, role="jobseeker")
    _login(client, user)
    assert client.get("/staff/towns").status_code == 403
