"""Pulumi ComponentResources for a private ECS VPC, and the pure endpoint planner."""

import sys
from pathlib import Path

# The AWS knowledge lives in the policy pack, which must stay publishable on its own; the program
# reads the same package, found where the Pulumi CLI finds it for the pack: policypack/ on the path.
_PACK_DIR = str(Path(__file__).resolve().parent.parent / "policypack")
if _PACK_DIR not in sys.path:
    sys.path.append(_PACK_DIR)
