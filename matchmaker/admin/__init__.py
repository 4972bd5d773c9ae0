"""Coordinator and administrator work: approving partners, managing accounts."""
