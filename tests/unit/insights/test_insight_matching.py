"""Pure rules: tags, who a broadcast reaches (once each), who may see, search, periods."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.errors import UserError
from bot.features.insights.matching import (
    Searchable,
    Subscriber,
    Target,
    TargetKind,
    Viewer,
    broadcast_targets,
    closest_tag,
    may_view,
    parse_insight_id,
    parse_period,
    parse_tags,
    rank,
)

AUTHOR = Target("local", TargetKind.PERSON, "UA")


def channel(cid: str) -> Target:
    return Target("local", TargetKind.CHANNEL, cid)


def human(uid: str) -> Target:
    return Target("local", TargetKind.PERSON, uid)


def test_tags_are_normalised_and_deduplicated() -> None:
    assert parse_tags("#Onboarding, checkout  ONBOARDING,a_b-c") == [
        "onboarding",
        "checkout",
        "a_b-c",
    ]
    assert parse_tags("") == []


@pytest.mark.parametrize("raw", ["on/boarding", "check$out", "ünïcode!", "-", "x" * 41])
def test_tags_with_symbols_or_too_long_are_refused(raw: str) -> None:
    with pytest.raises(UserError, match="tag"):
        parse_tags(raw)


def test_more_than_twenty_tags_are_refused() -> None:
    assert len(parse_tags(" ".join(f"t{i}" for i in range(20)))) == 20
    with pytest.raises(UserError, match="21 tags"):
        parse_tags(" ".join(f"t{i}" for i in range(21)))


def test_a_channel_subscribed_to_several_matching_tags_gets_one_copy() -> None:
    subscribers = [
        Subscriber(channel("C1"), "onboarding"),
        Subscriber(channel("C1"), "checkout"),
        Subscriber(channel("C2"), "checkout"),
        Subscriber(channel("C3"), "pricing"),
        Subscriber(human("U1"), "onboarding"),
        Subscriber(human("U1"), "checkout"),
        Subscriber(AUTHOR, "onboarding"),
    ]
    targets = broadcast_targets(
        ["onboarding", "checkout"], subscribers, author=AUTHOR, shared_with=[], is_private=False
    )
    assert [t.key for t in targets] == [
        ("local", TargetKind.CHANNEL, "C1"),
        ("local", TargetKind.CHANNEL, "C2"),
        ("local", TargetKind.PERSON, "U1"),
    ]


def test_public_share_list_adds_to_subscribers_without_duplicates() -> None:
    targets = broadcast_targets(
        ["onboarding"],
        [Subscriber(channel("C1"), "onboarding")],
        author=AUTHOR,
        shared_with=[channel("C1"), channel("C9")],
        is_private=False,
    )
    assert [t.target_id for t in targets] == ["C1", "C9"]


def test_private_insight_reaches_only_its_list() -> None:
    targets = broadcast_targets(
        ["onboarding"],
        [Subscriber(channel("C1"), "onboarding"), Subscriber(human("U1"), "onboarding")],
        author=AUTHOR,
        shared_with=[channel("C9"), human("U9")],
        is_private=True,
    )
    assert [t.target_id for t in targets] == ["C9", "U9"]


def test_private_insight_is_visible_only_to_author_list_and_listed_channels() -> None:
    audience = [channel("C9"), human("U9")]

    def sees(viewer: Viewer, include_admin: bool = False) -> bool:
        return may_view(
            viewer, author_id="UA", is_private=True, audience=audience, include_admin=include_admin
        )

    assert sees(Viewer("UA", "C1"))
    assert sees(Viewer("U9", "C1"))
    assert sees(Viewer("U5", "C9"))
    assert not sees(Viewer("U5", "C1"))
    assert not sees(Viewer("U5", "C1", is_admin=True))
    assert sees(Viewer("U5", "C1", is_admin=True), include_admin=True)
    assert may_view(Viewer("U5", "C1"), author_id="UA", is_private=False, audience=[])


ITEMS = [
    Searchable(1, "Users drop off during onboarding", "The email step confuses them", ("signup",)),
    Searchable(
        2, "Coupon field distracts", "Shoppers leave checkout to hunt coupons", ("checkout",)
    ),
    Searchable(3, "Dark mode requests", "Power users ask for a dark theme", ("settings",)),
]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("onbaording", [1]),
        ("chekout", [2]),
        ("email step", [1]),
        ("dark mod", [3]),
        ("Onboarding drop-off", [1]),
        ("sigup", [1]),
        ("pricing page", []),
        ("", []),
    ],
)
def test_search_forgives_typos_but_not_unrelated_words(query: str, expected: list[int]) -> None:
    assert [item.insight_id for item in rank(query, ITEMS)] == expected


def test_closest_tag_and_periods_and_ids() -> None:
    assert closest_tag("onbording", ["onboarding", "checkout"]) == "onboarding"
    assert closest_tag("zzz", ["onboarding"]) is None
    assert parse_period("30d") == timedelta(days=30)
    assert parse_period("2W") == timedelta(days=14)
    assert parse_period("onboarding") is None
    with pytest.raises(UserError):
        parse_period("0d")
    assert parse_insight_id("#12") == 12
    for bad in ("abc", "", "-3", "1" * 13):
        with pytest.raises(UserError, match="not an insight number"):
            parse_insight_id(bad)
