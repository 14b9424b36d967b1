"""Chinese phone numbers: however a number is typed, it normalises to one national form; masks never leak."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kefu.core.phones import LANDLINE, MOBILE, mask_phone, parse_phone, search_digits

# Mobile segments in service for voice and SMS (13x, 145/147, 15x except 154, 16[2567], 17x, 18x, 19x except 194).
MOBILE_SEGMENTS = [
    *(f"13{d}" for d in range(10)),
    "145",
    "147",
    *(f"15{d}" for d in "01235689" + "7"),
    "162",
    "165",
    "166",
    "167",
    *(f"17{d}" for d in "0135678"),
    *(f"18{d}" for d in range(10)),
    *(f"19{d}" for d in "012356789"),
]
# Area codes with 8-digit subscriber numbers (010 Beijing, 021 Shanghai, 0755 Shenzhen …).
AREA_CODES = ["010", "020", "021", "022", "023", "024", "025", "027", "028", "029", "0755", "0571", "0512", "0731"]
SEPARATORS = [" ", "-", "\u3000", "\uff0d", "\u2014", "."]
COUNTRY_PREFIXES = ["", "+86", "0086", "＋８６", "００８６", "(+86)", "+86 ", "0086-"]

mobiles = st.builds(lambda seg, rest: seg + rest, st.sampled_from(MOBILE_SEGMENTS), st.from_regex(r"\A[0-9]{8}\Z"))
landlines = st.builds(
    lambda area, first, rest: area + first + rest,
    st.sampled_from(AREA_CODES),
    st.sampled_from("234567"),
    st.from_regex(r"\A[0-9]{7}\Z"),
)


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "0" <= c <= "9" or c == "+" else c for c in text)


@st.composite
def typed(draw, national: str, *, international: bool):
    """`national` as a person might type or paste it: prefix, full-width digits, separators anywhere."""
    body = national
    prefix = draw(st.sampled_from(COUNTRY_PREFIXES)) if international else ""
    if prefix and body.startswith("0"):
        body = draw(st.sampled_from([body[1:], body]))  # +86 10 … is usual; +86 010 … is pasted too
    out = []
    for ch in prefix + body:
        if draw(st.booleans()):
            ch = full_width(ch)
        out.append(ch)
        if draw(st.integers(0, 4)) == 0:
            out.append(draw(st.sampled_from(SEPARATORS)))
    return draw(st.sampled_from(["", " ", "\u3000"])) + "".join(out) + draw(st.sampled_from(["", " "]))


@given(st.data(), mobiles)
def test_any_typed_form_of_a_mobile_normalises_to_its_national_form(data, national):
    raw = data.draw(typed(national, international=True))
    phone = parse_phone(raw)
    assert phone is not None, raw
    assert (phone.national, phone.e164, phone.kind) == (national, "+86" + national, MOBILE)


@given(st.data(), landlines)
def test_landlines_with_area_codes_are_accepted_and_normalised(data, national):
    raw = data.draw(typed(national, international=True))
    phone = parse_phone(raw)
    assert phone is not None, raw
    assert (phone.national, phone.e164, phone.kind) == (national, "+86" + national[1:], LANDLINE)


@pytest.mark.parametrize(
    ("raw", "national"),
    [
        ("010-12345678", "01012345678"),
        ("(021)62345678", "02162345678"),
        ("（０２１）６２３４５６７８", "02162345678"),
        ("0755 2345 6789", "075523456789"),
        ("+86 755 23456789", "075523456789"),
        ("0086 10 62345678", "01062345678"),
        ("86 13812345678", "13812345678"),
        ("＋８６　１３８－１２３４－５６７８", "13812345678"),
    ],
)
def test_common_written_forms_normalise(raw, national):
    assert parse_phone(raw).national == national


@given(st.from_regex(r"\A1[3-9][0-9]{9}\Z"), st.data())
def test_every_eleven_digit_mobile_pattern_is_judged_the_same_however_typed(national, data):
    """Whatever the numbering plan says about a segment, decoration never changes the verdict or the result."""
    plain = parse_phone(national)
    decorated = parse_phone(data.draw(typed(national, international=True)))
    assert plain == decorated
    if plain is not None:
        assert plain.national == national and plain.kind == MOBILE


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "abc",
        "1381234567a",
        "138-1234-567x",
        "phone: 13812345678",
        "1381234567",  # 10 digits
        "138123456789",  # 12 digits
        "1381234567890123",
        "12345678901",  # no 12x mobile segment
        "110",
        "95588",
        "4008208820",  # 400 service numbers are not a customer's own number
        "400-820-8820",
        "8008208820",
        "+1 202 555 0123",
        "+852 2345 6789",
        "0086",
        "+86",
        "13812345678;DROP TABLE",
        "1" * 25,
        "１３８１２３４５６７",
        "13812345678\x00",
    ],
)
def test_garbage_is_refused(raw):
    assert parse_phone(raw) is None


@given(st.text(alphabet=st.characters(categories=["L", "P", "S"], exclude_characters="+-.()（）"), min_size=1))
def test_text_without_digits_is_never_a_phone(raw):
    assert parse_phone(raw) is None


@given(st.from_regex(r"\A[0-9]{1,6}\Z") | st.from_regex(r"\A[0-9]{13,20}\Z"))
def test_too_short_or_too_long_digit_runs_are_refused(raw):
    assume(not raw.startswith(("86", "0086")))
    assert parse_phone(raw) is None


@given(mobiles)
def test_mask_keeps_first_three_and_last_four_of_a_mobile_and_hides_the_middle(national):
    masked = mask_phone(national)
    assert masked == national[:3] + "****" + national[-4:]


@given(mobiles | landlines)
def test_mask_never_reveals_the_middle_digits(national):
    masked = mask_phone(national)
    assert len(masked) == len(national)
    assert masked[:3] == national[:3] and masked[-4:] == national[-4:]
    assert set(masked[3:-4]) == {"*"}


@given(st.from_regex(r"\A[0-9]{0,7}\Z"))
def test_mask_of_a_short_value_shows_at_most_its_first_digit(value):
    masked = mask_phone(value)
    assert len(masked) == len(value)
    assert masked[1:] == "*" * max(len(value) - 1, 0)


@given(st.data(), mobiles)
def test_search_digits_of_a_partly_typed_mobile_is_a_prefix_of_the_stored_number(data, national):
    cut = data.draw(st.integers(3, 11))
    raw = data.draw(typed(national[:cut], international=False))
    assert national.startswith(search_digits(raw))
    assert search_digits(raw) == national[:cut]


@pytest.mark.parametrize(
    ("typed_text", "expected"),
    [
        ("138", "138"),
        ("138-1234", "1381234"),
        ("１３８ １２", "13812"),
        ("+86 138", "138"),
        ("+86 1381234", "1381234"),
        ("＋８６１３８", "138"),
        ("0086 138", "138"),
        ("86 13812345678", "13812345678"),
        ("010-1234", "0101234"),
        ("+86 10 1234", "0101234"),
        ("0755", "0755"),
    ],
)
def test_search_digits_drops_country_code_and_keeps_the_national_prefix(typed_text, expected):
    assert search_digits(typed_text) == expected
