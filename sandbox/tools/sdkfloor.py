"""The policy SDK's own share of AnalyzeStack: our pack with every stack check replaced by a no-op.

pulumi-policy (1.21) converts every resource of the request once per stack policy before it calls
the policy (``_PolicyAnalyzerServicer.AnalyzeStack``), so that cost grows with the number of stack
policies and is out of the pack's hands. The floor pack imports our policies, keeps their names and
the pack's GC settings, and swaps each stack policy's ``validate`` for one that does nothing: timed
against the same request, it shows what any pack of that many stack policies pays.
"""

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

FLOOR_MAIN = """\
import gc

from pulumi_policy import EnforcementLevel, PolicyPack, StackValidationPolicy

from policies import POLICIES

gc.freeze()
gc.set_threshold(50_000, 20, 100)


def nothing(args, report_violation):
    return None


PolicyPack(
    name="sdk-floor",
    enforcement_level=EnforcementLevel.ADVISORY,
    policies=[
        StackValidationPolicy(name=policy.name, description=policy.description, validate=nothing)
        for policy in POLICIES
        if isinstance(policy, StackValidationPolicy)
    ],
)
"""


@contextmanager
def floor_pack(pack_dir: Path) -> Iterator[Path]:
    """A temporary pack folder: the floor ``__main__`` beside links to ``pack_dir``'s modules."""
    with tempfile.TemporaryDirectory(prefix="sdk-floor-") as temp:
        folder = Path(temp)
        shutil.copy(pack_dir / "PulumiPolicy.yaml", folder / "PulumiPolicy.yaml")
        for package in ("policies", "awsfacts"):
            (folder / package).symlink_to(pack_dir / package, target_is_directory=True)
        (folder / "__main__.py").write_text(FLOOR_MAIN)
        yield folder
