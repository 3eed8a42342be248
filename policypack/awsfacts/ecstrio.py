"""C2: in Regions introduced on or after 2023-12-23 the three ECS endpoints are all-or-nothing."""

from collections.abc import Iterable

from .regions import is_post_line_region
from .services import ECS_TRIO


def ecs_trio_bound_by_c2(region: str, keys: Iterable[str]) -> tuple[str, ...]:
    """The ECS trio when C2 binds it in ``region`` (``keys`` hold one of the three), else ``()``."""
    if is_post_line_region(region) and not set(ECS_TRIO).isdisjoint(keys):
        return ECS_TRIO
    return ()


def ecs_trio_completion(region: str, keys: Iterable[str]) -> tuple[str, ...]:
    """The ECS trio keys to add so that ``keys`` obey C2 in ``region``; empty when none is missing."""
    present = set(keys)
    return tuple(key for key in ecs_trio_bound_by_c2(region, present) if key not in present)
