"""Deployment tooling, never imported by the service: per-deployment requirements and the Lambda bundles."""
