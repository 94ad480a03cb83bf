"""The recorded-event corpus, replayed through the emulator's own loader and invokers, and checked for parity."""

from __future__ import annotations

from collections import Counter

import pytest

from emulator.cases import load_cases
from emulator.parity import PARITY_CONFIG, deliver_everywhere, differences, neutral_requests
from emulator.platforms import PLATFORMS
from emulator.replay import check_case

CASES = load_cases()
REQUESTS = neutral_requests()


def test_the_corpus_covers_every_platform_kind_with_at_least_40_cases():
    kinds = Counter(case.platform.name for case in CASES)
    assert set(kinds) == set(PLATFORMS), f"platform kinds without cases: {set(PLATFORMS) - set(kinds)}"
    assert len(CASES) >= 40


def test_the_corpus_covers_binary_and_error_answers():
    statuses = {case.expected["status"] for case in CASES if case.expected and "status" in case.expected}
    assert {200, 400, 404, 405, 415, 422} <= statuses
    assert any(case.expected and case.expected.get("isBase64Encoded") is False for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_case_replays_as_recorded(case):
    result = check_case(case)
    assert not result.problems, "\n".join(result.problems + result.output.splitlines())


@pytest.mark.parametrize("item", REQUESTS, ids=lambda r: r.name)
def test_every_platform_answers_alike(item):
    assert differences(deliver_everywhere(item.request, PARITY_CONFIG), item.known) == []
