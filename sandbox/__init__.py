"""The offline engine: runs the program under mocks, drives the policy pack, deploys into moto."""

import components  # noqa: F401 - puts policypack/ (the shared AWS knowledge) on the import path
