"""Money and stake figures: currencies, scales and what is not money."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.model import Money
from bot.pipeline.amounts import find_amounts, find_stakes, parse_money


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("$14.3B", 14.3e9, "USD"),
        ("US$7.5 billion", 7.5e9, "USD"),
        ("USD 3bn", 3e9, "USD"),
        ("$410 mln", 410e6, "USD"),
        ("$750mn", 750e6, "USD"),
        ("$100m", 100e6, "USD"),
        ("$25k", 25e3, "USD"),
        ("$1.5 trillion", 1.5e12, "USD"),
        ("$12,000", 12000, "USD"),
        ("1.5 billion dollars", 1.5e9, "USD"),
        ("10 BLN DLRS", 10e9, "USD"),
        ("2.2 BILLION DLR", 2.2e9, "USD"),
        ("500 MLN CAN DLRS", 500e6, "CAD"),
        ("£24.3bn", 24.3e9, "GBP"),
        ("€5.44bn", 5.44e9, "EUR"),
        ("5 billion euros", 5e9, "EUR"),
        ("A$39 billion", 39e9, "AUD"),
        ("¥2 trillion", 2e12, "JPY"),
        ("$50 billion-plus", 50e9, "USD"),
        ("USD 2 bn", 2e9, "USD"),
        ("ONE BLN DLRS", 1e9, "USD"),
        ("a billion dollars", 1e9, "USD"),
        ("three million dollars and 5 pct", 3e6, "USD"),
    ],
)
def test_money_forms(text: str, value: float, currency: str) -> None:
    money = parse_money(f"paid {text} for it")
    assert money is not None
    assert money.currency == currency
    assert money.value == pytest.approx(value)


@pytest.mark.parametrize("text", ["3m users", "in 2016", "up 40%", "Series B", "10 BLN", "F-35 jets"])
def test_not_money(text: str) -> None:
    assert find_amounts(text) == []


def test_positions_and_order() -> None:
    text = "raises $325M at $7.3B valuation"
    found = find_amounts(text)
    assert [text[a.start : a.end] for a in found] == ["$325M", "$7.3B"]
    assert found[0].usd == 325e6
    assert find_amounts("€5bn")[0].usd is None
    assert find_amounts("€5bn")[0].money == Money(5e9, "EUR")


@pytest.mark.parametrize(
    ("text", "pct"),
    [
        ("49% stake", 49),
        ("a 10 percent holding", 10),
        ("12.5 PCT STAKE", 12.5),
        ("9.99% of", 9.99),
        ("a 4.5 per cent stake", 4.5),
    ],
)
def test_stakes(text: str, pct: float) -> None:
    [stake] = find_stakes(text)
    assert stake.pct == pct


def test_percentages_over_100_are_not_stakes() -> None:
    assert find_stakes("up 250%") == []


@given(st.text())
def test_never_crashes(text: str) -> None:
    find_amounts(text)
    find_stakes(text)


def test_spelled_words_are_money_only_with_a_scale_and_dollars() -> None:
    assert find_amounts("one of the dollars") == []
    assert find_amounts("a million reasons") == []
