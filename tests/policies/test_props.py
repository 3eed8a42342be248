from pulumi.output import Unknown
from pulumi_policy.proxy import UNKNOWN_BOOLEAN_VALUE, UNKNOWN_STRING_VALUE, unknown_checking_proxy

from policies.props import UNKNOWN, as_bool, as_int, as_str, get, parse_json, plain, strings


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
