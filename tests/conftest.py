"""Test-wide settings."""

from hypothesis import settings

# No per-example deadline: timing belongs in `make bench`, and a shared 2-core CI machine must not
# turn a slow example into a failure. Example counts stay at each test's own setting.
settings.register_profile("ecs-privatelink", deadline=None)
settings.load_profile("ecs-privatelink")
