"""Graduate pages: online and window registration, the file, the 明白纸, rating, the staff case list."""

from __future__ import annotations

from sqlmodel import select

from jobbridge.graduates.models import Graduate, ServiceRating
from jobbridge.outreach.models import OutboxMessage
from support.graduates import bearer, csrf, graduate_input, id_number, login, make_graduate, seed_catalogue
from support.personas import PASSWORD, make_user, phone


def form_data(client, path, **overrides):
    """A complete registration form as the browser posts it."""
    data = {k: v for k, v in vars(graduate_input()).items()}
    data.update(overrides)
    data["_csrf_token"] = csrf(client, path)
    return data


def test_landing_page_offers_online_registration(client):
    page = client.get("/graduates")
    assert page.status_code == 200 and "网上登记档案" in page.text and 'href="/graduates/register"' in page.text


def test_online_registration_signs_the_graduate_in_and_shows_their_file(client, db):
    seed_catalogue(db)
    staff = make_user(db, role="staff", name="王丽", window="3号窗口")
    data = form_data(client, "/graduates/register", name="陈静", intent="创业", hardship_consent="是",
                     hardship=["国家助学贷款"])
    response = client.post("/graduates/register", data=data)
    assert response.status_code == 200 and "档案登记已受理" in response.text
    assert "陈静" in response.text and "一次性创业补贴" in response.text and "王丽" in response.text
    assert "3号窗口" in response.text and "国家助学贷款获得者" in response.text
    assert client.get("/graduates", follow_redirects=False).headers["location"].startswith("/graduates/")
    db.rollback()
    assert db.exec(select(Graduate)).one().responsible_staff_id == staff.id


def test_invalid_registration_keeps_the_input_and_explains_each_field(client):
    data = form_data(client, "/graduates/register", name="陈静", id_number="371003200403150019", phone="12345",
                     degree="", school="山东大学（威海）")
    response = client.post("/graduates/register", data=data)
    assert response.status_code == 400
    assert "身份证号码校验位错误" in response.text and "手机号码应为11位数字" in response.text
    assert "请选择学历" in response.text
    assert 'value="陈静"' in response.text and 'value="山东大学（威海）"' in response.text
    assert 'name="password" type="password" autocomplete="new-password" required>' in response.text


def test_checkbox_lists_arrive_as_lists(client, db):
    seed_catalogue(db)
    data = form_data(client, "/graduates/register", preferred_towns=["371003107", "371003001"],
                     employment_types=["全职", "就业见习岗位"])
    assert client.post("/graduates/register", data=data).status_code == 200
    db.rollback()
    graduate = db.exec(select(Graduate)).one()
    assert set(graduate.preferred_towns) == {"371003107", "371003001"}
    assert graduate.employment_types == ["全职", "就业见习岗位"]


def test_staff_register_at_the_window_and_become_responsible(client, db):
    seed_catalogue(db)
    staff = make_user(db, role="staff", name="王丽", window="3号窗口", office_phone="0631-8452001")
    login(client, staff.phone)
    data = form_data(client, "/staff/graduates/new", name="赵磊", password="")
    response = client.post("/staff/graduates/new", data=data, follow_redirects=False)
    assert response.status_code == 303
    page = client.get(response.headers["location"])
    assert "赵磊" in page.text and "0631-8452001" in page.text and "打印明白纸" in page.text
    db.rollback()
    graduate = db.exec(select(Graduate)).one()
    assert (graduate.channel, graduate.responsible_staff_id, graduate.registered_by) == ("window", staff.id, staff.id)


def test_the_sheet_prints_status_steps_policies_and_the_contact_card(client, db):
    seed_catalogue(db)
    staff = make_user(db, role="staff", name="王丽", window="3号窗口", office_phone="0631-8452001")
    graduate = make_graduate(db, staff=staff, file_expected_on="2026-12-20")
    login(client, graduate.phone)
    sheet = client.get(f"/graduates/{graduate.id}/sheet")
    assert sheet.status_code == 200
    for text in ("高校毕业生服务明白纸", "今天为您办理", "窗口登记档案", "档案状态", "待转入", "2026年12月20日",
                 "下一步", "就业见习补贴", "说明和申请方法", "推荐岗位", "首问负责人", "王丽",
                 "0631-8452001", "print.css"):
        assert text in sheet.text


def test_the_graduate_rates_the_visit_and_staff_see_it(client, db):
    staff = make_user(db, role="staff", name="王丽")
    graduate = make_graduate(db, staff=staff)
    login(client, graduate.phone)
    token = csrf(client, f"/graduates/{graduate.id}")
    response = client.post(f"/graduates/{graduate.id}/rating", data={"rating": "非常满意", "comment": "很耐心",
                                                                      "_csrf_token": token})
    assert response.status_code == 200 and "感谢评价：非常满意" in response.text
    db.rollback()
    rating = db.exec(select(ServiceRating)).one()
    assert (rating.staff_id, rating.rating, rating.comment) == (staff.id, "非常满意", "很耐心")
    client.cookies.clear()
    login(client, staff.phone)
    cases = client.get("/staff/graduates")
    assert "满意率 100%" in cases.text and "很耐心" in cases.text


def test_rating_again_the_same_day_replaces_the_first(client, db):
    graduate = make_graduate(db, staff=make_user(db, role="staff"))
    login(client, graduate.phone)
    for level in ("不满意", "满意"):
        token = csrf(client, f"/graduates/{graduate.id}")
        client.post(f"/graduates/{graduate.id}/rating", data={"rating": level, "_csrf_token": token})
    db.rollback()
    assert [r.rating for r in db.exec(select(ServiceRating)).all()] == ["满意"]


def test_staff_cannot_rate_on_a_graduates_behalf(client, db):
    staff = make_user(db, role="staff")
    graduate = make_graduate(db, staff=staff)
    login(client, staff.phone)
    token = csrf(client, f"/graduates/{graduate.id}")
    response = client.post(f"/graduates/{graduate.id}/rating", data={"rating": "非常满意", "_csrf_token": token})
    assert response.status_code == 403


def test_case_list_shows_next_actions_and_unassigned_files(client, db):
    staff = make_user(db, role="staff", name="王丽")
    mine = make_graduate(db, staff=staff, name="赵磊")
    login(client, staff.phone)
    token = csrf(client, f"/graduates/{mine.id}")
    client.post(f"/graduates/{mine.id}/next-action", data={"next_action": "电话确认档案是否寄出",
                                                            "next_action_on": "2026-12-10", "_csrf_token": token})
    cases = client.get("/staff/graduates")
    assert "赵磊" in cases.text and "电话确认档案是否寄出" in cases.text and "2026年12月10日" in cases.text


def test_reassigning_on_the_page_tells_the_graduate(client, db):
    first = make_user(db, role="staff", name="王丽")
    second = make_user(db, role="staff", name="张强", window="5号窗口")
    graduate = make_graduate(db, staff=first)
    login(client, first.phone)
    token = csrf(client, f"/graduates/{graduate.id}")
    response = client.post(f"/graduates/{graduate.id}/reassign", data={"staff_id": str(second.id),
                                                                         "reason": "按专业分工", "_csrf_token": token})
    assert response.status_code == 200 and "首问负责人由王丽改为张强，原因：按专业分工" in response.text
    db.rollback()
    subjects = db.exec(select(OutboxMessage.subject).where(OutboxMessage.user_id == graduate.user_id)).all()
    assert "首问负责人变更" in subjects


def test_the_graduate_edits_their_own_file(client, db):
    graduate = make_graduate(db)
    login(client, graduate.phone)
    data = form_data(client, f"/graduates/{graduate.id}/edit", phone=graduate.phone, employment_status="已就业",
                     employer_type="非公企业", first_job_year="2026", password="")
    response = client.post(f"/graduates/{graduate.id}/edit", data=data)
    assert response.status_code == 200
    db.rollback()
    db.expire_all()
    stored = db.get(Graduate, graduate.id)
    assert (stored.employment_status, stored.employer_type, stored.first_job_year) == ("已就业", "非公企业", 2026)
    assert stored.id_number == graduate.id_number


def test_api_registration_by_staff_returns_the_file_with_contact(client, db):
    seed_catalogue(db)
    staff = make_user(db, role="staff", name="王丽", window="3号窗口")
    payload = {"name": "孙悦", "id_number": id_number(__import__("datetime").date(2003, 1, 9), male=False),
               "phone": phone(), "school": "鲁东大学", "major": "会计学", "degree": "本科",
               "graduation_date": "2026-06-30", "hukou_in_district": True, "intent": "就业",
               "hardship_consent": True, "hardship": ["脱贫家庭"], "password": PASSWORD}
    response = client.post("/api/v1/graduates", json=payload, headers=bearer(client, staff.phone))
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["gender"], body["birth_date"], body["contact"]["name"]) == ("女", "2003-01-09", "王丽")
    assert body["hardship"]["facts"] == ["脱贫家庭"]
    policies = client.get(f"/api/v1/graduates/{body['id']}/policies", headers=bearer(client, payload["phone"])).json()
    assert {p["status"] for p in policies} <= {"符合", "可能符合", "不符合"} and len(policies) == 7


def test_api_registration_reports_field_errors(client, db):
    staff = make_user(db, role="staff")
    payload = {"name": "孙悦", "id_number": "123", "phone": phone(), "school": "鲁东大学", "major": "会计学",
               "degree": "本科", "graduation_date": "2026-06-30", "hukou_in_district": True}
    response = client.post("/api/v1/graduates", json=payload, headers=bearer(client, staff.phone))
    assert response.status_code == 400 and response.json()["error"]["code"] == "form.invalid"
    assert "id_number" in response.json()["error"]["fields"]


def test_openapi_lists_the_graduate_and_policy_endpoints(client):
    paths = client.get("/schema/openapi.json").json()["paths"]
    assert {"/api/v1/graduates", "/api/v1/graduates/{graduate_id}", "/api/v1/graduates/{graduate_id}/policies",
            "/api/v1/graduates/{graduate_id}/recommendations", "/api/v1/policies"} <= set(paths)
    assert {"get", "post"} <= set(paths["/api/v1/policies"])
