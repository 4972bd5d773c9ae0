"""Tests of the partners domain."""
