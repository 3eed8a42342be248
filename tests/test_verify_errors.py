"""Every bad input to the AWS-facing commands (verify, destroy, up) is one line on stderr and exit 2.

Each case runs ``python -m sandbox`` in a child process, so a traceback would show on its stderr. The
child reaches only loopback: a moto_server thread, a web server that answers a web page, and a closed
port; its proxy is that closed port, so a call meant for AWS itself fails instead of leaving the machine.
"""

import http.server
import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from moto.server import ThreadedMotoServer

from awsfacts import REGION_PARTITION
from sandbox.messages import shown
from tests.fixtures.sandbox.support import PROJECT_ROOT

VPC = "vpc-0123456789abcdef0"  # well-formed, and no moto_server has it
LONG = "v" * 10_000
KNOWN_REGIONS = ", ".join(sorted(REGION_PARTITION))
URL_ALLOWED = "give http(s)://host:port of a moto_server, e.g. http://127.0.0.1:5000"
VPC_ALLOWED = "is not a VPC id: allowed vpc- and 8 or 17 hex digits, e.g. vpc-0123456789abcdef0"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _WebPage(http.server.BaseHTTPRequestHandler):
    """Answers every request 200 with a web page, as a proxy or a wrong port might."""

    timeout = 5  # a stuck client cannot hold the server

    def _answer(self) -> None:
        body = b"<html><body><h1>Welcome to nginx!</h1></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass(frozen=True)
class Servers:
    moto: str
    web_page: str


@pytest.fixture(scope="module")
def servers() -> Iterator[Servers]:
    port = _free_port()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    moto.start()
    web = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _WebPage)
    thread = threading.Thread(target=web.serve_forever, daemon=True)
    thread.start()
    try:
        yield Servers(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{web.server_address[1]}")
    finally:
        web.shutdown()
        web.server_close()
        thread.join(timeout=10)
        moto.stop()


@dataclass(frozen=True)
class Run:
    servers: Servers
    closed: str  # a loopback URL nothing listens on
    tmp: Path

    def state(self, name: str, text: str) -> Path:
        path = self.tmp / name
        path.write_text(text)
        return path

    def saved(self, name: str, **changes: object) -> Path:
        """A state file as ``up`` writes it, with ``changes`` on top."""
        state = {
            "project": "ecs-privatelink",
            "stack": "dev",
            "region": "us-east-1",
            "endpointUrl": self.servers.moto,
            "outputs": {"vpcId": VPC},
            "endpointPolicies": {},
            "resources": [{"urn": "urn:pulumi:dev::p::aws:ec2/vpc:Vpc::vpc", "type": "aws:ec2/vpc:Vpc",
                           "id": VPC, "region": "us-east-1"}],
        }  # fmt: skip
        return self.state(name, json.dumps({**state, **changes}))


@dataclass(frozen=True)
class Case:
    argv: Callable[[Run], list[str | Path]]
    expected: Callable[[Run], str]  # the one stderr line
    env: tuple[tuple[str, str], ...] = ()  # on top of the loopback-only environment


CASES = {
    "verify --region malformed": Case(
        lambda r: ["verify", "--vpc-id", VPC, "--region", "mars-1", "--endpoint-url", r.servers.moto],
        lambda r: f"--region 'mars-1' is not an AWS Region botocore knows; known Regions: {KNOWN_REGIONS}",
    ),
    "verify --region well-formed, unknown": Case(
        lambda r: ["verify", "--vpc-id", VPC, "--region", "xx-east-9", "--endpoint-url", r.servers.moto],
        lambda r: f"--region 'xx-east-9' is not an AWS Region botocore knows; known Regions: {KNOWN_REGIONS}",
    ),
    "verify --region 10,000 characters": Case(
        lambda r: ["verify", "--vpc-id", VPC, "--region", LONG, "--endpoint-url", r.servers.moto],
        lambda r: (
            f"--region {shown(LONG)} is not an AWS Region botocore knows; known Regions: {KNOWN_REGIONS}"
        ),
    ),
    "verify --endpoint-url notaurl": Case(
        lambda r: ["verify", "--vpc-id", VPC, "--endpoint-url", "notaurl"],
        lambda r: f"--endpoint-url 'notaurl' is not a URL: {URL_ALLOWED}",
    ),
    "verify --endpoint-url unreachable": Case(
        lambda r: ["verify", "--vpc-id", VPC, "--endpoint-url", r.closed],
        lambda r: (
            f"cannot reach --endpoint-url {shown(r.closed)}: nothing answers there; start moto_server "
            "there or give the URL of a running one"
        ),
    ),
    "verify --endpoint-url answers a web page": Case(
        lambda r: ["verify", "--vpc-id", VPC, "--endpoint-url", r.servers.web_page],
        lambda r: (
            f"--endpoint-url {shown(r.servers.web_page)} answered GetCallerIdentity without an "
            "account: it is not an AWS API; give the URL of a moto_server, e.g. http://127.0.0.1:5000"
        ),
    ),
    "verify state file not JSON": Case(
        lambda r: ["verify", "--state-file", r.state("a.json", "{not json")],
        lambda r: (
            f"the state file {r.tmp / 'a.json'} is not valid JSON: Expecting property name enclosed in "
            "double quotes: line 1 column 2 (char 1); run `up` again"
        ),
    ),
    "verify state file a JSON list": Case(
        lambda r: ["verify", "--state-file", r.state("b.json", "[1, 2]")],
        lambda r: (
            f"the state file {r.tmp / 'b.json'} holds a JSON list, not the object `up` writes; run `up` again"
        ),
    ),
    "verify state file truncated": Case(
        lambda r: ["verify", "--state-file", r.state("c.json", '{\n  "stack": "dev",\n  "outputs": {"vpc')],
        lambda r: (
            f"the state file {r.tmp / 'c.json'} is not valid JSON: Unterminated string starting at: "
            "line 3 column 15 (char 34); run `up` again"
        ),
    ),
    "verify state file without outputs": Case(
        lambda r: ["verify", "--state-file", r.state("d.json", '{"stack": "dev", "region": "us-east-1"}')],
        lambda r: f"the state file {r.tmp / 'd.json'} holds no stack outputs; run `up` again",
    ),
    "verify state file without vpcId": Case(
        lambda r: ["verify", "--state-file", r.saved("e.json", outputs={"clusterName": "dev"})],
        lambda r: f"the state file {r.tmp / 'e.json'} has no vpcId output; give --vpc-id",
    ),
    "verify state file vpcId not a VPC id": Case(
        lambda r: ["verify", "--state-file", r.saved("f.json", outputs={"vpcId": "sg-" + LONG})],
        lambda r: f"the state file {r.tmp / 'f.json'}: outputs.vpcId {shown('sg-' + LONG)} {VPC_ALLOWED}",
    ),
    "verify state file region unknown": Case(
        lambda r: ["verify", "--state-file", r.saved("g.json", region="mars-1")],
        lambda r: (
            f"the state file {r.tmp / 'g.json'}: region 'mars-1' is not an AWS Region botocore knows; "
            f"known Regions: {KNOWN_REGIONS}"
        ),
    ),
    "verify --vpc-id malformed, 10,000 characters": Case(
        lambda r: ["verify", "--vpc-id", LONG, "--endpoint-url", r.servers.moto],
        lambda r: f"--vpc-id {shown(LONG)} {VPC_ALLOWED}",
    ),
    "verify no such VPC": Case(
        lambda r: ["verify", "--vpc-id", VPC, "--endpoint-url", r.servers.moto],
        lambda r: f"no VPC {VPC} in us-east-1: give the id of a VPC there (aws ec2 describe-vpcs)",
    ),
    "verify without credentials against AWS": Case(
        lambda r: ["verify", "--vpc-id", VPC],
        lambda r: (
            "no AWS credentials for AWS in us-east-1: set AWS_PROFILE or AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY, or give --endpoint-url of a moto_server, e.g. http://127.0.0.1:5000"
        ),
    ),
    "verify with credentials, AWS out of reach": Case(
        lambda r: ["verify", "--vpc-id", VPC],
        lambda r: f'AWS in us-east-1 failed: Failed to connect to proxy URL: "{r.closed}"',
        env=(("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE"), ("AWS_SECRET_ACCESS_KEY", "example")),
    ),
    "destroy --endpoint-url notaurl": Case(
        lambda r: ["destroy", "--state-file", r.saved("h.json"), "--endpoint-url", "notaurl"],
        lambda r: f"--endpoint-url 'notaurl' is not a URL: {URL_ALLOWED}",
    ),
    "destroy state file endpointUrl notaurl": Case(
        lambda r: ["destroy", "--state-file", r.saved("i.json", endpointUrl="notaurl")],
        lambda r: f"the state file {r.tmp / 'i.json'}: endpointUrl 'notaurl' is not a URL: {URL_ALLOWED}",
    ),
    "destroy --endpoint-url unreachable": Case(
        lambda r: ["destroy", "--state-file", r.saved("j.json"), "--endpoint-url", r.closed],
        lambda r: (
            f"cannot reach --endpoint-url {shown(r.closed)}: nothing answers there; start moto_server "
            "there or give the URL of a running one"
        ),
    ),
    "destroy --endpoint-url answers a web page": Case(
        lambda r: ["destroy", "--state-file", r.saved("k.json"), "--endpoint-url", r.servers.web_page],
        lambda r: (
            f"--endpoint-url {shown(r.servers.web_page)} answered GetCallerIdentity without an "
            "account: it is not an AWS API; give the URL of a moto_server, e.g. http://127.0.0.1:5000"
        ),
    ),
    "destroy state file not JSON": Case(
        lambda r: ["destroy", "--state-file", r.state("l.json", "{not json")],
        lambda r: (
            f"the state file {r.tmp / 'l.json'} is not valid JSON: Expecting property name enclosed in "
            "double quotes: line 1 column 2 (char 1); run `up` again"
        ),
    ),
    "destroy state file a JSON list": Case(
        lambda r: ["destroy", "--state-file", r.state("m.json", "[]")],
        lambda r: (
            f"the state file {r.tmp / 'm.json'} holds a JSON list, not the object `up` writes; run `up` again"
        ),
    ),
    "destroy state file resource without keys": Case(
        lambda r: ["destroy", "--state-file", r.saved("n.json", resources=[{"type": 1}])],
        lambda r: (
            f"the state file {r.tmp / 'n.json'}: resources[0] is {{'type': 1}}; each resource needs "
            "string urn, type, id, region; run `up` again"
        ),
    ),
    "destroy state file resources not a list": Case(
        lambda r: ["destroy", "--state-file", r.saved("p.json", resources={"urn": "u"})],
        lambda r: (
            f"the state file {r.tmp / 'p.json'}: resources is {{'urn': 'u'}}, not a list; run `up` again"
        ),
    ),
    "destroy state file without endpointUrl": Case(
        lambda r: ["destroy", "--state-file", r.saved("o.json", endpointUrl=None)],
        lambda r: (
            f"the state file {r.tmp / 'o.json'} records no endpointUrl; give --endpoint-url of its "
            "moto_server"
        ),
    ),
    "up --endpoint-url notaurl": Case(
        lambda r: ["up", "--endpoint-url", "notaurl", "--state-file", r.tmp / "up.json"],
        lambda r: f"--endpoint-url 'notaurl' is not a URL: {URL_ALLOWED}",
    ),
    "up --endpoint-url unreachable": Case(
        lambda r: ["up", "--endpoint-url", r.closed, "--state-file", r.tmp / "up.json"],
        lambda r: (
            f"cannot reach --endpoint-url {shown(r.closed)}: nothing answers there; start moto_server "
            "there or give the URL of a running one"
        ),
    ),
    "up --endpoint-url answers a web page": Case(
        lambda r: ["up", "--endpoint-url", r.servers.web_page, "--state-file", r.tmp / "up.json"],
        lambda r: (
            f"--endpoint-url {shown(r.servers.web_page)} answered GetCallerIdentity without an "
            "account: it is not an AWS API; give the URL of a moto_server, e.g. http://127.0.0.1:5000"
        ),
    ),
}


def _loopback_only_env(closed: str, home: Path) -> dict[str, str]:
    """No AWS_* of the caller's; no credential files, no instance metadata; every call that is not to
    127.0.0.1 goes through a proxy nothing listens on."""
    env = {key: value for key, value in os.environ.items() if not key.upper().startswith(("AWS_", "HTTP"))}
    env.pop("NO_PROXY", None)
    env.pop("no_proxy", None)
    return {
        **env,
        "HOME": str(home),
        "AWS_CONFIG_FILE": str(home / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "no-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "HTTP_PROXY": closed,
        "HTTPS_PROXY": closed,
        "NO_PROXY": "127.0.0.1",
    }


@pytest.mark.parametrize("name", list(CASES))
def test_a_bad_input_is_one_line_and_exit_2(name: str, servers: Servers, tmp_path: Path) -> None:
    closed = f"http://127.0.0.1:{_free_port()}"
    run = Run(servers, closed, tmp_path)
    case = CASES[name]
    argv = [str(arg) for arg in case.argv(run)]

    child = subprocess.run(
        [sys.executable, "-m", "sandbox", *argv],
        cwd=PROJECT_ROOT,
        env={**_loopback_only_env(closed, tmp_path), **dict(case.env)},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert (child.returncode, child.stderr.splitlines(), child.stdout) == (
        2,
        ["error: " + case.expected(run)],
        "",
    )
