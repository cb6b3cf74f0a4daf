"""The policy catalogue in the database: idempotent seeding, versioned staff edits, pages and API."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from jobbridge.employers.service import FormErrors
from jobbridge.errors import Conflict
from jobbridge.policies.catalogue import (
    PolicyInput,
    current_specs,
    get_policy,
    input_from_version,
    policy_versions,
    save_policy,
    seed_policy_catalogue,
)
from jobbridge.policies.eligibility import load_policy_specs
from jobbridge.policies.models import PolicyVersion
from support.graduates import bearer, csrf, login, seed_catalogue
from support.personas import make_employer, make_user


def test_seeding_loads_every_yaml_policy_with_source_and_confidence(db):
    counts = seed_policy_catalogue(session=db)
    assert counts["inserted"] == 7
    assert current_specs(session=db) == load_policy_specs()
    _, version = get_policy(session=db, key="startup_guaranteed_loan")
    assert version.confidence == "low" and version.source.startswith("Xinhua") and version.origin == "seed"


def test_seeding_twice_changes_nothing(db):
    seed_policy_catalogue(session=db)
    again = seed_policy_catalogue(session=db)
    assert again == {"inserted": 0, "updated": 0, "unchanged": 7, "kept_staff_edit": 0}
    assert len(db.exec(select(PolicyVersion)).all()) == 7


def test_a_staff_edit_adds_a_version_and_keeps_the_old_one(db):
    seed_catalogue(db)
    staff = make_user(db, role="staff")
    policy, version = get_policy(session=db, key="one_off_startup_subsidy")
    form = input_from_version(key=policy.key, version=version)
    form.amount, form.materials, form.change_note = "1.2万元", "身份证\n营业执照", "按2026年文件更新"
    save_policy(session=db, data=form, staff_id=staff.id)
    versions = policy_versions(session=db, key="one_off_startup_subsidy")
    assert [v.version for v in versions] == [2, 1]
    assert (versions[0].amount, versions[0].materials, versions[0].edited_by) == ("1.2万元", ["身份证", "营业执照"], staff.id)
    assert versions[1].amount.startswith("创办小微企业") and versions[0].source == versions[1].source
    assert get_policy(session=db, key="one_off_startup_subsidy")[1].version == 2


def test_reseeding_keeps_a_staff_edit(db):
    seed_catalogue(db)
    staff = make_user(db, role="staff")
    policy, version = get_policy(session=db, key="internship_subsidy")
    save_policy(session=db, data=input_from_version(key=policy.key, version=version), staff_id=staff.id)
    counts = seed_policy_catalogue(session=db)
    assert counts["kept_staff_edit"] == 1 and get_policy(session=db, key="internship_subsidy")[1].origin == "staff"


def test_an_edit_of_a_stale_version_is_refused(db):
    seed_catalogue(db)
    staff = make_user(db, role="staff")
    policy, version = get_policy(session=db, key="internship_subsidy")
    first, second = (input_from_version(key=policy.key, version=version) for _ in range(2))
    save_policy(session=db, data=first, staff_id=staff.id)
    with pytest.raises(Conflict):
        save_policy(session=db, data=second, staff_id=staff.id)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"conditions": "[{"}, "conditions"),
        ({"conditions": '[{"kind": "colour"}]'}, "conditions"),
        ({"effective_from": "2027-01-01", "effective_to": "2026-01-01"}, "effective_to"),
        ({"key": "带中文"}, "key"),
        ({"priority_group": "培训"}, "priority_group"),
    ],
)
def test_invalid_policy_input_names_the_field(db, change, field):
    values = dict(key="new_policy", name="新政策", category="就业")
    values.update(change)
    with pytest.raises(FormErrors) as caught:
        save_policy(session=db, data=PolicyInput(**values), staff_id=None)
    assert field in caught.value.errors


def test_policies_api_lists_the_current_catalogue_publicly(client, db):
    seed_catalogue(db)
    body = client.get("/api/v1/policies").json()
    assert [p["key"] for p in body] == [s.key for s in load_policy_specs()]
    first = body[0]
    assert (first["version"], first["confidence"], first["condition_descriptions"][0]) == (1, "medium", "学历为本科及以上")


def test_staff_create_a_policy_version_through_the_api(client, db):
    seed_catalogue(db)
    staff = make_user(db, role="staff")
    payload = {"key": "internship_subsidy", "name": "就业见习补贴", "category": "见习", "beneficiary": "employer",
               "conditions": [{"kind": "since_graduation", "max_months": 24}], "expected_version": 1,
               "change_note": "简化条件"}
    response = client.post("/api/v1/policies", json=payload, headers=bearer(client, staff.phone))
    assert response.status_code == 201, response.text
    assert (response.json()["version"], response.json()["origin"]) == (2, "staff")


def test_policy_api_refuses_bad_conditions_with_a_field_error(client, db):
    staff = make_user(db, role="staff")
    payload = {"key": "x_policy", "name": "测试政策", "category": "就业", "conditions": [{"kind": "colour"}]}
    response = client.post("/api/v1/policies", json=payload, headers=bearer(client, staff.phone))
    assert response.status_code == 400 and "conditions" in json.dumps(response.json())


@pytest.mark.parametrize("role", ["graduate", "coordinator", "employer", "jobseeker"])
def test_only_staff_may_write_policies(client, db, role):
    extra = {"employer_id": make_employer(db).id} if role == "employer" else {}
    user = make_user(db, role=role, **extra)
    payload = {"key": "x_policy", "name": "测试政策", "category": "就业"}
    assert client.post("/api/v1/policies", json=payload, headers=bearer(client, user.phone)).status_code == 403
    login(client, user.phone)
    assert client.get("/staff/policies").status_code == 403


def test_staff_edit_a_policy_in_the_page_and_see_the_new_version(client, db):
    seed_catalogue(db)
    staff = make_user(db, role="staff")
    login(client, staff.phone)
    page = client.get("/staff/policies/one_off_startup_subsidy")
    assert page.status_code == 200 and "第1版" in page.text and "tengzhou" in page.text
    policy, version = get_policy(session=db, key="one_off_startup_subsidy")
    form = input_from_version(key=policy.key, version=version)
    data = {"_csrf_token": csrf(client, "/staff/policies/one_off_startup_subsidy"), "key": form.key,
            "name": form.name, "category": form.category, "beneficiary": form.beneficiary, "amount": form.amount,
            "conditions": form.conditions, "intents": form.intents, "priority_group": form.priority_group,
            "how_to_apply": form.how_to_apply, "where_to_apply": "服务大厅3号窗口", "conditions_stated": "是",
            "expected_version": "1", "change_note": "补充办理地点"}
    response = client.post("/staff/policies", data=data, follow_redirects=False)
    assert response.status_code == 303
    assert "第2版" in client.get("/staff/policies/one_off_startup_subsidy").text
    db.rollback()  # end the test's read transaction to see the request's commit
    assert get_policy(session=db, key="one_off_startup_subsidy")[1].where_to_apply == "服务大厅3号窗口"


def test_invalid_policy_form_is_shown_again_with_the_error(client, db):
    staff = make_user(db, role="staff")
    login(client, staff.phone)
    data = {"_csrf_token": csrf(client, "/staff/policies/new"), "key": "new_policy", "name": "新政策",
            "category": "就业", "conditions": "[{", "priority_group": "其他"}
    response = client.post("/staff/policies", data=data)
    assert response.status_code == 400 and "不是有效的 JSON" in response.text and 'value="新政策"' in response.text


def test_jobbridge_seed_loads_the_policy_catalogue(db, capsys):
    import argparse

    from jobbridge.cli import cmd_seed

    assert cmd_seed(argparse.Namespace(demo=False)) == 0
    assert "政策目录：新增 7" in capsys.readouterr().out
    assert len(current_specs(session=db)) == 7
