"""Kept only so that tests which import `enrol` from here still find it: it lives in
`tests/dialogs/enrolment_helpers.py`, the tests of joining in `tests/dialogs/participation/`. Delete this
file once nothing imports `tests.dialogs.test_enrolment` any more."""

from __future__ import annotations

from tests.dialogs.enrolment_helpers import enrol

__all__ = ["enrol"]
