import json
from typing import Any

import pytest
from pulumi.output import Unknown
from pulumi_policy.proxy import UNKNOWN_BOOLEAN_VALUE, UNKNOWN_STRING_VALUE, unknown_checking_proxy

from policies.props import MAX_DEPTH, UNKNOWN, as_bool, as_int, as_str, get, parse_json, plain, strings


def test_plain_copies_sdk_proxies_and_marks_every_kind_of_unknown():
    proxied = unknown_checking_proxy(
        {"a": UNKNOWN_STRING_VALUE, "b": [1, UNKNOWN_BOOLEAN_VALUE], "c": {"d": "x"}, "e": Unknown()}
    )
    assert plain(proxied) == {"a": UNKNOWN, "b": [1, UNKNOWN], "c": {"d": "x"}, "e": UNKNOWN}


def test_accessors_return_the_type_asked_for_unknown_or_a_default():
    props = {"s": "x", "b": "true", "n": 443.0, "u": UNKNOWN, "l": ["a", 1, "b"], "lu": ["a", UNKNOWN]}
    assert [as_str(props["s"]), as_str(props["n"]), as_str(props["u"])] == ["x", None, UNKNOWN]
    assert [as_bool(props["b"]), as_bool(props["s"]), as_bool(True)] == [True, None, True]
    assert [as_int(props["n"]), as_int("80"), as_int(True), as_int(1.5)] == [443, 80, None, None]
    assert [strings(props["l"]), strings(props["lu"]), strings("x"), strings(None)] == [
        ["a", "b"],
        UNKNOWN,
        ["x"],
        [],
    ]
    assert [get(props, "l", 0), get(props, "l", 9), get(props, "u", "x"), get(props, "s", "x")] == [
        "a",
        None,
        UNKNOWN,
        None,
    ]


def test_json_documents_may_be_strings_objects_invalid_or_partly_unknown():
    assert parse_json('{"a": [1]}') == {"a": [1]}
    assert parse_json({"a": 1}) == {"a": 1}
    assert parse_json("{not json") is None
    assert parse_json(f'[{{"image": "{UNKNOWN_STRING_VALUE}"}}]') is UNKNOWN
    assert parse_json(UNKNOWN) is UNKNOWN


@pytest.mark.parametrize(
    "text", ["²", "٢", "--443", "+443", " 4 43", " 443", "443 ", "4_43", "", "-", "0x1bb"]
)
def test_only_ascii_decimal_strings_are_integers(text):
    assert as_int(text) is None


def test_decimal_strings_floats_and_huge_values():
    assert [as_int("443"), as_int("-1"), as_int("007"), as_int(443.0)] == [443, -1, 7, 443]
    assert [as_int(float("nan")), as_int(float("inf")), as_int(b"443")] == [None, None, None]
    assert as_int("9" * 5000) is None  # more digits than int() converts
    assert as_int(10**30) == 10**30


def _nested(depth: int) -> Any:
    value: Any = "leaf"
    for level in range(depth):
        value = [value] if level % 2 else {"k": value}
    return value


def _descend(value: Any, levels: int) -> Any:
    for _ in range(levels):
        value = value["k"] if isinstance(value, dict) else value[0]
    return value


def test_nesting_deeper_than_the_cap_becomes_unknown():
    assert _descend(plain(_nested(MAX_DEPTH)), MAX_DEPTH) == "leaf"
    assert _descend(plain(_nested(MAX_DEPTH + 1)), MAX_DEPTH) is UNKNOWN
    assert _descend(plain(unknown_checking_proxy({"v": _nested(250)}))["v"], MAX_DEPTH - 1) is UNKNOWN


def test_deep_json_documents_parse_without_recursion_errors():
    assert _descend(parse_json(json.dumps(_nested(900))), MAX_DEPTH) is UNKNOWN
    assert parse_json("[" * 100_000 + "]" * 100_000) is None  # too deep for the json module itself
