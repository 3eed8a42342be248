"""Bad stack files: `python -m sandbox preview` exits 2, one line naming the file and key, no traceback.

The loader fails before the program starts, so nothing is registered; the table holds the shapes
that once gave tracebacks (a list for ``config:``, non-string keys, YAML dates and binary) and more.
"""

from pathlib import Path

import pytest

from sandbox import cli
from sandbox.messages import SHOWN_CHARACTERS, shown
from sandbox.stackconfig import StackConfigError, load_stack_config

PROJECT = "name: demo\nruntime: python\n"

BAD_STACK_FILES = [
    ("config: [a, b]\n", "Pulumi.dev.yaml: config must map keys to values, not ['a', 'b']"),
    ("config: 7\n", "Pulumi.dev.yaml: config must map keys to values, not 7"),
    ("config:\n  7: x\n", "Pulumi.dev.yaml: config key 7 must be a non-empty string"),
    ("config:\n  ~: x\n", "Pulumi.dev.yaml: config key None must be a non-empty string"),
    (
        "config:\n  demo:imageTag: 2024-01-01\n",
        "Pulumi.dev.yaml: demo:imageTag: 2024-01-01 is a YAML date; quote it ('2024-01-01') to pass a string",
    ),
    (
        "config:\n  demo:blob: !!binary aGVsbG8=\n",
        "Pulumi.dev.yaml: demo:blob: a YAML bytes is not a config value; use a string, number, boolean, "
        "list or mapping",
    ),
    (
        "config:\n  demo:secrets:\n    - when: 2024-01-01\n",
        "Pulumi.dev.yaml: demo:secrets[0].when: 2024-01-01 is a YAML date; quote it ('2024-01-01') to pass "
        "a string",
    ),
    ("config:\n  demo:tags:\n    1: x\n", "Pulumi.dev.yaml: demo:tags: key 1 must be a string"),
    (
        "config:\n  demo:a: [\n",
        "Pulumi.dev.yaml is not valid YAML: did not find expected node content at line 3, column 1",
    ),
    ("- just\n- a list\n", "must hold a mapping"),
    (
        "config:\n  demo:secrets:\n    A: one\n    A: two\n",
        "Pulumi.dev.yaml is not valid YAML: found the key 'A' twice at line 4, column 5",
    ),
    ("config:\n  demo:a: 1\n  demo:a: 2\n", "found the key 'demo:a' twice at line 3, column 3"),
]


def write_stack(tmp_path: Path, stack_text: str | bytes) -> Path:
    (tmp_path / "Pulumi.yaml").write_text(PROJECT)
    stack = tmp_path / "Pulumi.dev.yaml"
    if isinstance(stack_text, bytes):
        stack.write_bytes(stack_text)
    else:
        stack.write_text(stack_text)
    # A program that would register a resource: it must never run.
    (tmp_path / "__main__.py").write_text("raise SystemExit('the program ran')\n")
    return tmp_path


@pytest.mark.parametrize(("stack_text", "message"), BAD_STACK_FILES)
def test_a_bad_stack_file_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], stack_text: str, message: str
) -> None:
    program = write_stack(tmp_path, stack_text)
    assert cli.main(["preview", "--program", str(program), "--stack", "dev"]) == 2
    captured = capsys.readouterr()
    [line] = captured.err.splitlines()
    assert line.startswith("error: ") and message in line
    assert "Traceback" not in captured.err and captured.out == ""


def test_a_stack_file_that_is_not_utf8_names_the_byte(tmp_path: Path) -> None:
    program = write_stack(tmp_path, b"config:\n  demo:name: caf\xe9\n")
    with pytest.raises(StackConfigError, match=r"Pulumi.dev.yaml is not UTF-8 text \(byte 24\)"):
        load_stack_config(program, "dev")


def test_a_bad_value_is_cut_in_the_message(tmp_path: Path) -> None:
    program = write_stack(tmp_path, "config: [" + ", ".join(["x" * 50] * 4000) + "]\n")
    with pytest.raises(StackConfigError) as refused:
        load_stack_config(program, "dev")
    assert len(str(refused.value)) < 150
    assert str(refused.value).endswith("…")
    assert len(shown("y" * 10_000)) == SHOWN_CHARACTERS


def test_good_values_of_every_json_type_pass_as_the_cli_passes_them(tmp_path: Path) -> None:
    program = write_stack(
        tmp_path,
        "config:\n  demo:n: 2\n  demo:on: true\n  demo:tag: '2024-01-01'\n  demo:list: [1, a]\n"
        "  demo:map: {a: {b: null}}\n  aws:region: eu-west-1\n",
    )
    assert load_stack_config(program, "dev").config == {
        "demo:n": "2",
        "demo:on": "true",
        "demo:tag": "2024-01-01",
        "demo:list": '[1, "a"]',
        "demo:map": '{"a": {"b": null}}',
        "aws:region": "eu-west-1",
    }
