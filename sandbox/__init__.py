"""The offline engine: runs the program under mocks, drives the policy pack, deploys into moto."""
