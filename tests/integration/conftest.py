"""Shared fixtures for integration tests: paths to the built binaries."""
import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("SIREN_BUILD", os.path.join(ROOT, "build"))
SIREN = os.path.join(BUILD, "siren")
sys.path.insert(0, os.path.dirname(__file__))
