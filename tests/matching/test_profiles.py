"""Jobseeker profiles: kept by the person or their coordinator, consent recorded, matching from any part."""

from __future__ import annotations

import pytest
from sqlmodel import select

from jobbridge.accounts.models import AuditLog
from jobbridge.accounts.service import assign_coordinator_area
from jobbridge.employers.service import FormErrors
from jobbridge.errors import NotFound
from jobbridge.matching.models import JobseekerProfile
from jobbridge.matching.profiles import (
    ProfileInput,
    coordinator_profile,
    own_profile,
    profile_for,
    save_own_profile,
    save_villager_profile,
)
from jobbridge.vocab import Role
from support.matching import (
    WELDER,
    ZETOU,
    ZETOU_VILLAGE,
    _fresh_holders,  # noqa: F401
    form_post,
    login,
    seeker_profile,
    villager_profile,
)
from support.personas import make_employer, make_published_vacancy, make_user

OTHER_VILLAGE = "371003111200"  # 晒字村, 界石镇


def _coordinator(db, village: str = "371003107201"):  # noqa: ANN001, ANN202
    user = make_user(db, role=Role.COORDINATOR, name="李协理")
    assign_coordinator_area(session=db, user=user, village_code=village)
    db.commit()
    return user


def test_own_profile_is_saved_with_coded_kinds_of_work_and_self_consent(db):
    user = make_user(db, role=Role.JOBSEEKER, name="张铁柱")
    row = seeker_profile(db, user, wanted_work="电焊工", birth_year="1980", education="初中", pay_expectation="6000",
                         employment_types=["全职", "零工日结"], travel_range="本镇")
    assert row.user_id == user.id and row.phone == user.phone
    assert row.village_code == ZETOU_VILLAGE and row.town_code == ZETOU
    assert WELDER in row.occupation_codes
    assert row.consent_at is not None and row.consent_by == "self" and row.consent_by_user_id == user.id


def test_profile_for_turns_every_filled_part_into_the_ranking_profile(db):
    user = make_user(db, role=Role.JOBSEEKER)
    seeker_profile(db, user, birth_year="1980", education="初中", pay_expectation="6000",
                   employment_types=["全职"], travel_range="邻镇")
    profile = profile_for(session=db, user_id=user.id)
    assert profile.village_code == ZETOU_VILLAGE and profile.town_code == ZETOU
    assert "电焊工" in profile.text and "氩弧焊" in profile.text and "船厂" in profile.text
    assert profile.birth_year == 1980 and profile.education == "初中"
    assert profile.pay_expectation_monthly == 6000 and profile.employment_types == ("全职",)
    assert profile.travel_range == "邻镇" and WELDER in profile.occupation_codes


def test_a_person_without_a_profile_still_gets_an_empty_profile(db):
    user = make_user(db, role=Role.JOBSEEKER)
    profile = profile_for(session=db, user_id=user.id)
    assert profile.id is None and profile.text == "" and profile.town_code is None


def test_unchecking_consent_withdraws_it(db):
    user = make_user(db, role=Role.JOBSEEKER)
    seeker_profile(db, user)
    row = seeker_profile(db, user, consent="")
    assert row.consent_at is None and row.consent_by is None


def test_invalid_fields_are_all_reported_in_chinese(db):
    user = make_user(db, role=Role.JOBSEEKER)
    with pytest.raises(FormErrors) as caught:
        save_own_profile(session=db, user_id=user.id, data=ProfileInput(
            birth_year="八零年", education="幼儿园", village_code="999", pay_expectation="-5",
            employment_types=["包工头"], travel_range="全国"))
    assert set(caught.value.errors) == {"birth_year", "education", "village_code", "pay_expectation",
                                        "employment_types", "travel_range"}
    assert caught.value.errors["birth_year"] == "出生年份请填写数字"


def test_a_coordinator_registers_a_villager_without_an_account_with_attested_consent(db):
    coordinator = _coordinator(db)
    row = villager_profile(db, coordinator)
    assert row.user_id is None and row.phone == "13812345678"
    assert row.consent_by == "coordinator" and row.consent_by_user_id == coordinator.id
    assert profile_for(session=db, phone="13812345678").village_code == "371003107201"


def test_a_coordinator_cannot_register_a_villager_of_another_village(db):
    coordinator = _coordinator(db)
    with pytest.raises(FormErrors) as caught:
        save_villager_profile(session=db, coordinator_id=coordinator.id, data=ProfileInput(
            name="赵四", phone="13812345679", village_code=OTHER_VILLAGE))
    assert caught.value.errors == {"village_code": "只能填写您负责的村居的村民"}


def test_a_coordinator_cannot_open_a_profile_outside_their_villages(db):
    mine = _coordinator(db)
    other = _coordinator(db, village=OTHER_VILLAGE)
    row = villager_profile(db, other, village_code=OTHER_VILLAGE)
    with pytest.raises(NotFound):
        coordinator_profile(session=db, coordinator_id=mine.id, profile_id=row.id)


def test_a_phone_can_hold_only_one_profile(db):
    coordinator = _coordinator(db)
    villager_profile(db, coordinator)
    with pytest.raises(FormErrors) as caught:
        save_villager_profile(session=db, coordinator_id=coordinator.id, data=ProfileInput(
            name="王小力", phone="13812345678", village_code="371003107201"))
    assert "phone" in caught.value.errors


def test_a_villager_who_registers_later_takes_over_the_profile_the_coordinator_made(db):
    coordinator = _coordinator(db)
    villager_profile(db, coordinator)
    user = make_user(db, role=Role.JOBSEEKER, name="王大力")
    user.phone = "13812345678"
    db.commit()
    assert own_profile(session=db, user_id=user.id).phone == "13812345678"
    row = save_own_profile(session=db, user_id=user.id, data=ProfileInput(village_code="371003107201",
                                                                         wanted_work="电焊", consent="1"))
    db.commit()
    assert row.user_id == user.id and row.consent_by == "self"
    assert len(db.exec(select(JobseekerProfile)).all()) == 1


# -- pages ---------------------------------------------------------------------------------------------------------


def test_profile_page_saves_and_shows_recommendations_with_reasons(db, client):
    user = make_user(db, role=Role.JOBSEEKER)
    vacancy = make_published_vacancy(db, employer=make_employer(db), occupation_code=WELDER, town_code=ZETOU)
    login(client, user)
    response = form_post(client, "/me/profile", {"village_code": ZETOU_VILLAGE, "wanted_work": "电焊工",
                                                 "employment_types": ["全职", "兼职"], "consent": "1"})
    assert response.status_code == 303 and response.headers["location"] == "/me/recommendations?saved=1"
    assert own_profile(session=db, user_id=user.id).employment_types == ["全职", "兼职"]
    page = client.get("/me/recommendations?saved=1")
    assert page.status_code == 200
    assert f'/vacancies/{vacancy.id}"' in page.text and "同镇 · 工种对口(焊工)" in page.text
    assert "不感兴趣" in page.text


def test_an_invalid_profile_form_is_shown_again_with_errors_and_the_input_kept(db, client):
    user = make_user(db, role=Role.JOBSEEKER)
    login(client, user)
    response = form_post(client, "/me/profile", {"birth_year": "1890", "wanted_work": "开叉车"})
    assert response.status_code == 400
    assert "出生年份应在" in response.text and 'value="开叉车"' in response.text


def test_dismissing_a_recommendation_hides_it(db, client):
    user = make_user(db, role=Role.JOBSEEKER)
    seeker_profile(db, user)
    vacancy = make_published_vacancy(db, employer=make_employer(db), occupation_code=WELDER, town_code=ZETOU)
    login(client, user)
    assert f"/vacancies/{vacancy.id}\"" in client.get("/me/recommendations").text
    response = form_post(client, f"/me/recommendations/{vacancy.id}/dismiss", {}, page="/me/recommendations")
    assert response.status_code == 303
    assert f"/vacancies/{vacancy.id}\"" not in client.get("/me/recommendations").text


@pytest.mark.parametrize("role", [Role.EMPLOYER, Role.COORDINATOR, Role.STAFF])
def test_other_roles_are_refused_the_jobseeker_pages(db, client, role):
    extra = {"employer_id": make_employer(db).id} if role == Role.EMPLOYER else {}
    login(client, make_user(db, role=role, **extra))
    assert client.get("/me/profile").status_code == 403
    assert client.get("/me/recommendations").status_code == 403


def test_coordinator_pages_list_and_edit_villagers_of_their_villages(db, client):
    coordinator = _coordinator(db)
    row = villager_profile(db, coordinator)
    login(client, coordinator)
    listing = client.get("/coordinator/profiles")
    assert listing.status_code == 200 and "王大力" in listing.text and "138****5678" in listing.text
    response = form_post(client, f"/coordinator/profiles/{row.id}", {
        "name": "王大力", "phone": "13812345678", "village_code": "371003107201", "wanted_work": "叉车司机",
        "consent": "1"})
    assert response.status_code == 303
    db.expire_all()
    assert db.get(JobseekerProfile, row.id).wanted_work == "叉车司机"
    assert db.exec(select(AuditLog).where(AuditLog.subject_type == "jobseeker_profile")).first() is not None


def test_coordinator_form_keeps_input_when_the_phone_is_missing(db, client):
    login(client, _coordinator(db))
    response = form_post(client, "/coordinator/profiles/new", {"name": "刘三", "village_code": "371003107201",
                                                               "wanted_work": "保洁"})
    assert response.status_code == 400
    assert "请填写村民的手机号" in response.text and 'value="刘三"' in response.text


def test_a_coordinator_gets_not_found_for_a_profile_outside_their_villages(db, client):
    other = _coordinator(db, village=OTHER_VILLAGE)
    row = villager_profile(db, other, village_code=OTHER_VILLAGE)
    login(client, _coordinator(db))
    assert client.get(f"/coordinator/profiles/{row.id}").status_code == 404


def test_jobseekers_are_refused_the_coordinator_pages(db, client):
    login(client, make_user(db, role=Role.JOBSEEKER))
    assert client.get("/coordinator/profiles").status_code == 403
