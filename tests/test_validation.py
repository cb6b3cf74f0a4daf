"""Tests for jobbridge.validation: identity numbers, credit codes, phones, dates, ranges and masks."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobbridge.validation import (
    IdCardInfo,
    ValidationError,
    birth_year_from_id,
    gender_from_id,
    id_check_char,
    mask_id_number,
    mask_name,
    mask_phone,
    parse_date,
    uscc_check_char,
    validate_date_range,
    validate_id_number,
    validate_int_range,
    validate_mobile,
    validate_money_range,
    validate_phone,
    validate_uscc,
)

TODAY = date(2026, 12, 3)
WENDENG = "371003"
DIGITS = "0123456789"
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
PROVINCES = "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82".split()
# Restated from GB 32100-2015 rather than imported, so the tests check the module's table independently.
USCC_TYPES = {"1": "1239", "5": "1239", "9": "123", "Y": "1", "3": "123459", "N": "1239"}


def make_id(*, region: str = WENDENG, birth: str = "19900101", sequence: str = "123") -> str:
    """A structurally valid 18-character identity number with the right check character."""
    first17 = region + birth + sequence
    return first17 + id_check_char(first17)


def make_uscc(*, head: str = "91", division: str = WENDENG, body: str = "MA3C8Q2L6") -> str:
    """A valid unified social credit code with the right check character."""
    first17 = head + division + body
    return first17 + uscc_check_char(first17)


def refused(call: Callable[[], object]) -> ValidationError:
    """The ValidationError raised by call (fails the test if none is raised)."""
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value


# --- ValidationError ------------------------------------------------------------------------------------


def test_validation_error_is_a_value_error_whose_str_is_the_message():
    err = ValidationError(field="age", message="年龄应在16到65之间", code="integer.out_of_range")
    assert isinstance(err, ValueError)
    assert str(err) == "年龄应在16到65之间"
    assert (err.field, err.message, err.code) == ("age", "年龄应在16到65之间", "integer.out_of_range")


def test_validation_error_survives_pickling():
    err = refused(lambda: validate_id_number("123", field="guardian_id"))
    copy = pickle.loads(pickle.dumps(err))
    assert (copy.field, copy.message, copy.code) == (err.field, err.message, err.code)


# --- Resident identity number -----------------------------------------------------------------------------


def test_published_standard_example_id_number_is_accepted():
    # The worked example printed in GB 11643-1999 anchors the checksum to something not computed by us.
    info = validate_id_number("11010519491231002X", today=TODAY)
    assert info == IdCardInfo(
        number="11010519491231002X", birth_date=date(1949, 12, 31), gender="女", region_code="110105"
    )


def test_wendeng_id_number_returns_birth_date_gender_and_region():
    number = make_id(birth="19850317", sequence="051")
    info = validate_id_number(number, today=TODAY)
    assert (info.number, info.birth_date, info.gender, info.region_code) == (
        number,
        date(1985, 3, 17),
        "男",
        WENDENG,
    )


def test_gender_follows_parity_of_the_seventeenth_digit():
    assert validate_id_number(make_id(sequence="007"), today=TODAY).gender == "男"
    assert validate_id_number(make_id(sequence="008"), today=TODAY).gender == "女"


def test_id_number_with_lowercase_x_and_spaces_is_normalised():
    assert validate_id_number(" 110105 19491231 002x ", today=TODAY).number == "11010519491231002X"


def test_full_width_id_number_typed_with_chinese_ime_is_normalised():
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in "11010519491231002X")
    assert validate_id_number(full_width, today=TODAY).number == "11010519491231002X"


def test_id_number_with_wrong_check_char_is_refused_with_expected_char():
    number = make_id()
    wrong = "0" if number[-1] != "0" else "1"
    err = refused(lambda: validate_id_number(number[:17] + wrong, today=TODAY))
    assert err.code == "id_number.checksum"
    assert err.message == f"身份证号码校验位错误：最后一位应为 {number[-1]}"


def test_fifteen_digit_id_number_is_refused_asking_for_the_eighteen_digit_one():
    err = refused(lambda: validate_id_number("371003900101123", today=TODAY))
    assert err.code == "id_number.legacy"
    assert "15位" in err.message and "18位" in err.message


def test_id_number_of_wrong_length_reports_the_current_length():
    err = refused(lambda: validate_id_number(make_id()[:16], today=TODAY))
    assert (err.code, err.message) == ("id_number.length", "身份证号码应为18位，当前为16位")


def test_id_number_with_a_letter_in_the_body_names_the_position():
    number = make_id()
    err = refused(lambda: validate_id_number(number[:10] + "A" + number[11:], today=TODAY))
    assert err.code == "id_number.not_digit"
    assert err.message == "身份证号码前17位应为数字，第11位“A”不是数字"


def test_id_number_ending_in_a_letter_other_than_x_is_refused():
    err = refused(lambda: validate_id_number(make_id()[:17] + "Y", today=TODAY))
    assert (err.code, err.message) == ("id_number.last_char", "身份证号码最后一位应为数字或X，当前为“Y”")


def test_id_number_with_unknown_province_is_refused():
    err = refused(lambda: validate_id_number(make_id(region="991003"), today=TODAY))
    assert err.code == "id_number.region"
    assert err.message == "身份证号码前6位地区码 991003 无效：省级代码 99 不存在"


def test_residence_permits_for_hong_kong_macau_and_taiwan_residents_are_accepted():
    for region in ("810000", "820000", "830000"):
        assert validate_id_number(make_id(region=region), today=TODAY).region_code == region


def test_id_number_with_nonexistent_birth_date_is_refused():
    err = refused(lambda: validate_id_number(make_id(birth="20230230"), today=TODAY))
    assert (err.code, err.message) == ("id_number.birth_date", "身份证号码中的出生日期 2023-02-30 不存在")


def test_id_number_born_in_the_future_is_refused():
    err = refused(lambda: validate_id_number(make_id(birth="20261204"), today=TODAY))
    assert (err.code, err.message) == (
        "id_number.birth_date_future",
        "身份证号码中的出生日期 2026-12-04 晚于今天",
    )


def test_id_number_born_today_is_accepted():
    assert validate_id_number(make_id(birth="20261203"), today=TODAY).birth_date == TODAY


def test_id_number_born_before_1900_is_refused():
    # Also a worked example from GB 11643-1999, valid in every respect except the age cut-off.
    err = refused(lambda: validate_id_number("440524188001010014", today=TODAY))
    assert err.code == "id_number.birth_date_too_early"
    assert err.message == "身份证号码中的出生日期 1880-01-01 早于1900-01-01"


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_missing_id_number_is_required(blank):
    err = refused(lambda: validate_id_number(blank, today=TODAY))
    assert (err.code, err.message, err.field) == ("id_number.required", "请填写身份证号码", "id_number")


def test_id_number_error_carries_the_caller_field():
    assert refused(lambda: validate_id_number("1", field="guardian_id_number")).field == "guardian_id_number"


def test_birth_year_and_gender_helpers_read_a_valid_number():
    assert birth_year_from_id("11010519491231002X") == 1949
    assert gender_from_id("11010519491231002X") == "女"


def test_birth_year_helper_refuses_an_invalid_number():
    assert refused(lambda: birth_year_from_id("110105194912310021")).code == "id_number.checksum"


def test_id_check_char_refuses_input_that_is_not_seventeen_digits():
    assert refused(lambda: id_check_char("1234567890123456X")).code == "id_number.check_input"


# --- Unified social credit code ---------------------------------------------------------------------------


def test_published_uscc_is_accepted():
    # A real code quoted in a public provincial API document: checks the weights independently of our helper.
    assert validate_uscc("91330000755918469E") == "91330000755918469E"


def test_wendeng_enterprise_uscc_is_accepted_and_normalised():
    code = make_uscc()
    assert validate_uscc(f"  {code[:9].lower()} {code[9:].lower()} ") == code


@pytest.mark.parametrize("head", ["91", "92", "93", "12", "11", "51", "52", "53", "31", "N2", "Y1"])
def test_uscc_accepts_common_authority_and_type_pairs(head):
    code = make_uscc(head=head)
    assert validate_uscc(code) == code


def test_central_level_uscc_with_the_national_division_code_is_accepted():
    code = make_uscc(head="11", division="100000", body="000013127")
    assert validate_uscc(code) == code


def test_uscc_of_wrong_length_reports_the_current_length():
    err = refused(lambda: validate_uscc(make_uscc()[:17]))
    assert (err.code, err.message) == ("uscc.length", "统一社会信用代码应为18位，当前为17位")


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_uscc_with_forbidden_letter_names_the_character_and_position(letter):
    code = make_uscc()
    err = refused(lambda: validate_uscc(code[:10] + letter + code[11:]))
    assert err.code == "uscc.charset"
    assert err.message.startswith(f"统一社会信用代码第11位含有非法字符“{letter}”")
    assert "不使用I、O、Z、S、V" in err.message


def test_uscc_with_unknown_registration_authority_is_refused():
    err = refused(lambda: validate_uscc(make_uscc(head="B1")))
    assert (err.code, err.message) == ("uscc.authority", "统一社会信用代码第1位登记管理部门代码“B”无效")


def test_uscc_with_type_code_its_authority_does_not_issue_is_refused():
    err = refused(lambda: validate_uscc(make_uscc(head="94")))
    assert err.code == "uscc.org_type"
    assert err.message == "统一社会信用代码第2位机构类别代码“4”无效（第1位为“9”时）"


@pytest.mark.parametrize("division", ["991003", "37A003", "000000"])
def test_uscc_with_invalid_division_code_is_refused(division):
    err = refused(lambda: validate_uscc(make_uscc(division=division)))
    assert (err.code, err.message) == ("uscc.division", f"统一社会信用代码第3至8位行政区划码 {division} 无效")


def test_uscc_with_wrong_check_char_is_refused_with_expected_char():
    code = make_uscc()
    wrong = "0" if code[-1] != "0" else "1"
    err = refused(lambda: validate_uscc(code[:17] + wrong))
    assert (err.code, err.message) == (
        "uscc.checksum",
        f"统一社会信用代码校验位错误：最后一位应为 {code[-1]}",
    )


@pytest.mark.parametrize("blank", [None, "", "  "])
def test_missing_uscc_is_required(blank):
    err = refused(lambda: validate_uscc(blank, field="employer_uscc"))
    assert (err.code, err.message, err.field) == ("uscc.required", "请填写统一社会信用代码", "employer_uscc")


def test_uscc_check_char_refuses_illegal_input():
    assert refused(lambda: uscc_check_char("91371003MA3C8Q2LO")).code == "uscc.check_input"


# --- Phone numbers ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["13812345678", "138 1234 5678", "138-1234-5678", "+86 138 1234 5678", "8613812345678", "0086-13812345678",
     "(+86)13812345678", "１３８１２３４５６７８"],
)  # fmt: skip
def test_mobile_is_returned_as_bare_eleven_digits(typed):
    assert validate_mobile(typed) == "13812345678"


def test_mobile_with_wrong_length_is_refused_with_the_current_length():
    err = refused(lambda: validate_mobile("1381234567"))
    assert (err.code, err.message) == ("phone.format", "手机号码应为11位数字，以1开头，当前为10位")


def test_mobile_with_letters_is_refused():
    err = refused(lambda: validate_mobile("138abcd5678"))
    assert (err.code, err.message) == ("phone.format", "手机号码应为11位数字，以1开头")


def test_mobile_not_starting_with_one_is_refused():
    assert refused(lambda: validate_mobile("23812345678")).message == "手机号码应为11位数字，以1开头"


def test_mobile_with_second_digit_below_three_is_refused():
    err = refused(lambda: validate_mobile("12812345678"))
    assert (err.code, err.message) == ("phone.prefix", "手机号码号段 128 不存在：第2位应为3至9")


def test_missing_mobile_is_required():
    assert refused(lambda: validate_mobile(" ")).message == "请填写手机号码"


def test_phone_accepts_a_mobile():
    assert validate_phone("+86 139-6301-2345") == "13963012345"


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [("0631-8451234", "0631-8451234"), ("06318451234", "0631-8451234"), ("(0631)8451234", "0631-8451234"),
     ("0631 8451234", "0631-8451234"), ("+86 631 8451234", "0631-8451234"), ("+86 0631 8451234", "0631-8451234"), ("010-62345678", "010-62345678"),
     ("02162345678", "021-62345678"), ("０６３１－８４５１２３４", "0631-8451234")],
)  # fmt: skip
def test_landline_is_normalised_to_area_code_dash_number(typed, normalised):
    assert validate_phone(typed) == normalised


@pytest.mark.parametrize("typed", ["0631-8451234-123", "0631-8451234转123", "06318451234 - 123"])
def test_landline_extension_is_kept(typed):
    assert validate_phone(typed) == "0631-8451234-123"


def test_landline_without_area_code_asks_for_one():
    err = refused(lambda: validate_phone("8451234"))
    assert (err.code, err.message) == ("phone.area_code", "固定电话请加区号，如 0631-8451234")


@pytest.mark.parametrize("typed", ["0631-845123", "0631-0451234", "063184512345678"])
def test_malformed_landline_is_refused(typed):
    err = refused(lambda: validate_phone(typed))
    assert (err.code, err.message) == (
        "phone.landline",
        "固定电话格式不正确：应为区号加7至8位号码，如 0631-8451234",
    )


def test_phone_that_looks_like_a_mobile_gets_the_mobile_message():
    assert (
        refused(lambda: validate_phone("138 1234 567")).message == "手机号码应为11位数字，以1开头，当前为10位"
    )


def test_phone_that_is_neither_mobile_nor_landline_is_refused():
    err = refused(lambda: validate_phone("电话详询"))
    assert err.code == "phone.unrecognised"
    assert err.message == "联系电话格式不正确：请填写11位手机号码，或带区号的固定电话（如 0631-8451234）"


def test_missing_phone_is_required():
    err = refused(lambda: validate_phone(None, field="contact_phone"))
    assert (err.code, err.message, err.field) == ("phone.required", "请填写联系电话", "contact_phone")


# --- Dates and ranges -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "2026-12-03",
        "2026/12/3",
        "2026.12.03",
        "20261203",
        "2026年12月3日",
        "2026年12月3号",
        " 2026 年 12 月 3 日 ",
    ],
)
def test_parse_date_accepts_the_formats_people_type(typed):
    assert parse_date(typed, field="fair_date") == date(2026, 12, 3)


def test_parse_date_passes_dates_through_and_truncates_datetimes():
    assert parse_date(TODAY, field="d") is TODAY
    assert parse_date(datetime(2026, 12, 3, 9, 30), field="d") == TODAY


def test_parse_date_refuses_a_day_that_does_not_exist():
    err = refused(lambda: parse_date("2026/2/30", field="fair_date", label="招聘会日期"))
    assert (err.code, err.message, err.field) == ("date.invalid", "招聘会日期 2026-02-30 不存在", "fair_date")


def test_parse_date_refuses_an_unrecognised_format():
    err = refused(lambda: parse_date("12/03/2026", field="d"))
    assert (err.code, err.message) == (
        "date.format",
        "日期格式不正确，请按 2026-12-03 或 2026年12月3日 的格式填写",
    )


def test_missing_date_is_required():
    assert refused(lambda: parse_date("", field="d", label="截止日期")).message == "请填写截止日期"


def test_date_range_with_end_before_start_is_refused():
    err = refused(lambda: validate_date_range(start=TODAY, end=TODAY - timedelta(days=2), field="period"))
    assert (err.code, err.message) == ("date_range.order", "结束日期 2026-12-01 不能早于开始日期 2026-12-03")


def test_date_range_on_a_single_day_is_accepted():
    assert validate_date_range(start=TODAY, end=TODAY, field="period", max_days=0) is None


def test_date_range_of_exactly_max_days_is_accepted():
    assert (
        validate_date_range(start=TODAY, end=TODAY + timedelta(days=30), field="period", max_days=30) is None
    )


def test_date_range_longer_than_max_days_is_refused():
    err = refused(
        lambda: validate_date_range(start=TODAY, end=TODAY + timedelta(days=31), field="p", max_days=30)
    )
    assert (err.code, err.message) == ("date_range.too_long", "开始日期与结束日期最多相隔30天，当前相隔31天")


def test_date_range_accepts_typed_dates():
    assert validate_date_range(start="2026年12月3日", end="2026/12/10", field="period") is None


# --- Money and integer ranges -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("low", "high"),
    [(3500, 6000), (4000, 4000), (None, None), (None, 8000), (3500, None), ("3,500元", " 6000 ")],
)
def test_money_range_within_bounds_is_accepted(low, high):
    assert validate_money_range(low=low, high=high, field="salary") is None


def test_money_range_with_low_above_high_is_refused_in_yuan():
    err = refused(lambda: validate_money_range(low=8000, high=6500.5, field="salary"))
    assert (err.code, err.message) == ("money.order", "薪资下限（8,000元）不能高于上限（6,500.5元）")


def test_negative_money_is_refused():
    err = refused(lambda: validate_money_range(low=-1, high=3000, field="salary"))
    assert (err.code, err.message) == ("money.below_minimum", "薪资下限不能低于0元")


def test_money_above_maximum_is_refused():
    err = refused(lambda: validate_money_range(low=3000, high=2_000_000, field="salary"))
    assert (err.code, err.message) == ("money.above_maximum", "薪资上限不能超过1,000,000元")


def test_money_bounds_and_label_can_be_customised():
    err = refused(lambda: validate_money_range(low=80, high=None, field="daily", minimum=100, label="日薪"))
    assert err.message == "日薪下限不能低于100元"


@pytest.mark.parametrize("junk", ["面议", float("nan"), float("inf"), True])
def test_money_that_is_not_a_number_is_refused(junk):
    err = refused(lambda: validate_money_range(low=junk, high=None, field="salary"))
    assert (err.code, err.message) == ("money.invalid", "薪资下限应为数字（单位：元）")


@pytest.mark.parametrize(
    ("typed", "expected"), [("35", 35), (" ３５ ", 35), (16, 16), (65.0, 65), ("+40", 40)]
)
def test_int_range_parses_strings_and_whole_numbers(typed, expected):
    assert validate_int_range(typed, field="age", minimum=16, maximum=65, label="年龄") == expected


@pytest.mark.parametrize("typed", [15, "66", -3])
def test_int_range_out_of_bounds_names_the_bounds(typed):
    err = refused(lambda: validate_int_range(typed, field="age", minimum=16, maximum=65, label="年龄"))
    assert (err.code, err.message) == ("integer.out_of_range", "年龄应在16到65之间")


@pytest.mark.parametrize("typed", ["3.5", 3.5, "三十", True, [30]])
def test_int_range_refuses_non_integers(typed):
    err = refused(lambda: validate_int_range(typed, field="age", minimum=16, maximum=65, label="年龄"))
    assert (err.code, err.message) == ("integer.invalid", "年龄应为整数")


def test_missing_int_is_required():
    err = refused(
        lambda: validate_int_range(" ", field="headcount", minimum=1, maximum=999, label="招聘人数")
    )
    assert (err.code, err.message) == ("integer.required", "请填写招聘人数")


# --- Masks ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mask", [mask_phone, mask_id_number, mask_name])
@pytest.mark.parametrize("blank", [None, ""])
def test_masks_of_missing_values_are_empty(mask, blank):
    assert mask(blank) == ""


def test_mask_phone_hides_the_middle_four_digits_of_a_mobile():
    assert mask_phone("+86 138-1234-5678") == "138****5678"


def test_mask_phone_keeps_area_code_and_last_two_digits_of_a_landline():
    assert mask_phone("06318451234") == "0631-*****34"
    assert mask_phone("010-62345678-801") == "010-******78"


def test_mask_phone_of_unrecognised_input_hides_all_but_the_ends():
    assert mask_phone("tel 2345 678 901") == "234*****01"
    assert mask_phone("12345") == "*****"


def test_mask_id_number_keeps_first_six_and_last_four():
    assert mask_id_number("11010519491231002x") == "110105********002X"


def test_mask_id_number_of_short_input_hides_everything():
    assert mask_id_number("1101051949") == "**********"


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张三", "张*"), ("王小明", "王**"), ("欧阳娜娜", "欧阳**"), ("欧阳", "欧*"), ("张", "张*")],
)
def test_mask_name_keeps_only_the_surname(name, masked):
    assert mask_name(name) == masked


# --- Properties -------------------------------------------------------------------------------------------

id_numbers = st.builds(
    lambda province, rest, born, sequence: make_id(
        region=province + rest, birth=born.strftime("%Y%m%d"), sequence=sequence
    ),
    st.sampled_from(PROVINCES),
    st.text(DIGITS, min_size=4, max_size=4),
    st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    st.text(DIGITS, min_size=3, max_size=3),
)
usccs = st.builds(
    lambda head, province, rest, body: make_uscc(head=head, division=province + rest, body=body),
    st.sampled_from([a + t for a, types in USCC_TYPES.items() for t in types]),
    st.sampled_from(PROVINCES),
    st.text(DIGITS, min_size=4, max_size=4),
    st.text(USCC_CHARS, min_size=9, max_size=9),
)
mobiles = st.builds(
    lambda second, rest: "1" + second + rest,
    st.sampled_from("3456789"),
    st.text(DIGITS, min_size=9, max_size=9),
)


@given(id_numbers)
def test_any_generated_id_number_is_accepted_and_round_trips(number):
    info = validate_id_number(number.lower(), today=TODAY)
    assert info.number == number
    assert info.birth_date.strftime("%Y%m%d") == number[6:14]
    assert info.region_code == number[:6]
    assert info.gender == ("男" if int(number[16]) % 2 else "女")
    assert validate_id_number(info.number, today=TODAY) == info


@given(id_numbers, st.integers(0, 17), st.data())
def test_changing_any_single_character_of_an_id_number_is_refused(number, position, data):
    allowed = DIGITS + ("X" if position == 17 else "")
    replacement = data.draw(st.sampled_from([c for c in allowed if c != number[position]]))
    changed = number[:position] + replacement + number[position + 1 :]
    with pytest.raises(ValidationError):
        validate_id_number(changed, today=TODAY)


@given(usccs)
def test_any_generated_uscc_is_accepted_and_round_trips(code):
    assert validate_uscc(code.lower()) == code
    assert validate_uscc(validate_uscc(code)) == code


@given(usccs, st.integers(0, 17), st.data())
def test_changing_any_single_character_of_a_uscc_is_refused(code, position, data):
    replacement = data.draw(st.sampled_from([c for c in USCC_CHARS if c != code[position]]))
    with pytest.raises(ValidationError):
        validate_uscc(code[:position] + replacement + code[position + 1 :])


@given(id_numbers)
def test_masked_id_number_never_reveals_the_middle(number):
    masked = mask_id_number(number)
    assert masked == number[:6] + "*" * 8 + number[14:]


@given(mobiles)
def test_masked_mobile_never_reveals_the_middle(mobile):
    assert mask_phone(mobile) == mobile[:3] + "****" + mobile[7:]


@given(
    st.sampled_from(["0631", "0535", "010", "021"]),
    st.sampled_from("23456789"),
    st.text(DIGITS, min_size=6, max_size=7),
)
def test_masked_landline_never_reveals_the_middle(area, first, rest):
    local = first + rest
    assert mask_phone(area + local) == f"{area}-{'*' * (len(local) - 2)}{local[-2:]}"


@given(st.text(alphabet=DIGITS + " -+()x转", max_size=24))
def test_masked_phone_of_any_input_shows_at_most_seven_digits(text):
    masked = mask_phone(text)
    assert sum(c.isdigit() for c in masked) <= 7


@given(st.text(alphabet="张王李欧阳司马娜明小", min_size=1, max_size=6))
def test_masked_name_shows_at_most_the_surname(name):
    masked = mask_name(name)
    shown = masked.rstrip("*")
    assert shown == name[: len(shown)] and 1 <= len(shown) <= 2
