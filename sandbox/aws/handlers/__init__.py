"""How each resource type is created in moto with boto3, from the program's inputs: a module per service.

One handler per Pulumi type token, registered with ``@handles``: it receives the resource with its
inputs resolved (camelCase wire names, real ids of its dependencies) and returns the physical id and
the outputs the AWS provider would compute. ``sandbox.aws.deploy`` dispatches to them.
"""

from . import autoscaling, ec2, ecr, ecs, iam, logs, secretsmanager, servicediscovery  # noqa: F401 (they register)
from .base import HANDLERS, MotoContext, reveal

__all__ = ["HANDLERS", "MotoContext", "reveal"]
