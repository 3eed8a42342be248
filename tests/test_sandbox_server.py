"""`up --endpoint-url` into a real moto_server on loopback, then `verify` from the saved stack outputs."""

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.fixtures.sandbox.support import run_cli

MOTO_SERVER = Path(sys.executable).with_name("moto_server")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto_server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/moto-api/", timeout=1):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    raise RuntimeError("moto_server did not answer within 30 s")


@pytest.fixture
def moto_server() -> Iterator[str]:
    url = f"http://127.0.0.1:{_free_port()}"
    process = subprocess.Popen(
        [str(MOTO_SERVER), "-H", "127.0.0.1", "-p", url.rsplit(":", 1)[1]],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_up(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert process.returncode is not None  # no stray server outlives the test


def _client(url: str) -> Any:
    return boto3.client(
        "ec2",
        region_name="us-east-1",
        endpoint_url=url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def test_up_into_moto_server_saves_outputs_that_verify_reads_back(moto_server: str, tmp_path: Path):
    state = tmp_path / "dev.json"

    code, text = run_cli("up", "--stack", "dev", "--endpoint-url", moto_server, "--state-file", state)

    assert code == 0, text
    assert f"Deployed 27 resources into {moto_server}." in text
    saved = json.loads(state.read_text())
    assert saved["endpointUrl"] == moto_server and saved["region"] == "us-east-1"
    vpc_id = saved["outputs"]["vpcId"]
    ec2 = _client(moto_server)
    endpoints = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["VpcEndpoints"]
    assert len(endpoints) == 4

    code, text = run_cli("verify", "--stack", "dev", "--state-file", state)
    assert code == 0, text

    logs = next(e for e in endpoints if e["ServiceName"] == "com.amazonaws.us-east-1.logs")
    ec2.delete_vpc_endpoints(VpcEndpointIds=[logs["VpcEndpointId"]])

    code, text = run_cli("verify", "--stack", "dev", "--state-file", state)
    assert code == 1
    assert "FAIL  C8   logs-endpoint-for-awslogs" in text
    # The endpoint the stack planned is gone too: its promise, read back from the state file.
    assert f"Recreate endpoint '{logs['VpcEndpointId']}' (run `up` again): it is gone (C12)." in text


def test_verify_against_an_unreachable_endpoint_is_a_clear_error(capsys):
    closed = f"http://127.0.0.1:{_free_port()}"  # nothing listens there

    code, _ = run_cli("verify", "--stack", "dev", "--vpc-id", "vpc-01234567", "--endpoint-url", closed)

    assert code == 2
    assert capsys.readouterr().err == (
        f"error: cannot reach --endpoint-url '{closed}': nothing answers there; "
        "start moto_server there or give the URL of a running one\n"
    )


def _our_vpcs(url: str) -> list[str]:
    return [v["VpcId"] for v in _client(url).describe_vpcs()["Vpcs"] if not v["IsDefault"]]


def test_up_twice_replaces_the_first_deployment_and_destroy_removes_it(moto_server: str, tmp_path: Path):
    state = tmp_path / "dev.json"
    code, _ = run_cli("up", "--stack", "dev", "--endpoint-url", moto_server, "--state-file", state)
    assert code == 0
    [first] = _our_vpcs(moto_server)

    code, text = run_cli("up", "--stack", "dev", "--endpoint-url", moto_server, "--state-file", state)

    assert code == 0, text
    replaced = f"Replacing the deployment of stack dev recorded in {state} (VPC {first}): "
    assert replaced + "deleted the 27 resource(s) it had, newest first." in text
    [second] = _our_vpcs(moto_server)
    assert second != first and json.loads(state.read_text())["outputs"]["vpcId"] == second

    code, text = run_cli("destroy", "--stack", "dev", "--state-file", state)

    assert code == 0
    assert text == (
        f"Destroyed stack dev in {moto_server}: deleted the 27 resource(s) it had, newest first. "
        f"Removed {state}.\n"
    )
    assert _our_vpcs(moto_server) == [] and not state.exists()


def test_destroy_without_a_recorded_deployment_is_an_error(tmp_path: Path, capsys):
    code, _ = run_cli("destroy", "--stack", "dev", "--state-file", tmp_path / "dev.json")

    assert code == 2
    assert capsys.readouterr().err == (
        f"error: no deployment of stack dev is recorded ({tmp_path / 'dev.json'} does not exist)\n"
    )
