"""Tallies on hand-computed cases, and the invariants every ballot set must satisfy."""

from __future__ import annotations

import itertools
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.features.votes.tally import (
    Method,
    Payload,
    borda_points,
    condorcet_winner,
    pairwise,
    tally,
)

# Hand-computed cases ---------------------------------------------------------------------


def test_single_choice_counts_and_shows_a_tie_in_poll_order() -> None:
    result = tally(Method.SINGLE, 3, [[1], [2], [1], [2], [0]])
    assert [(p.index, p.score, p.rank, p.tied) for p in result.order] == [
        (1, 2, 1, True),
        (2, 2, 1, True),
        (0, 1, 3, False),
    ]
    assert result.winners == (1, 2)


def test_multiple_choice_counts_every_pick() -> None:
    result = tally(Method.MULTI, 4, [[0, 1], [1, 3], [1]])
    assert [(p.index, p.score) for p in result.order] == [(1, 3), (0, 1), (3, 1), (2, 0)]
    assert result.winners == (1,)


def test_dot_voting_sums_dots_including_several_on_one_item() -> None:
    result = tally(Method.DOT, 3, [[5, 0, 0], [1, 2, 2], [0, 0, 3]])
    assert {p.index: p.score for p in result.order} == {0: 6, 1: 2, 2: 5}
    assert result.winners == (0,)


def test_borda_on_a_classic_example() -> None:
    # 3 items (A=0, B=1, C=2), n-1=2 points for first. 2x A>B>C, 1x B>C>A, 1x C>B>A
    ballots: list[Payload] = [[0, 1, 2], [0, 1, 2], [1, 2, 0], [2, 1, 0]]
    assert borda_points(3, ballots) == [4.0, 5.0, 3.0]
    result = tally(Method.RANKED, 3, ballots)
    assert result.winners == (1,)
    assert [p.index for p in result.order] == [1, 0, 2]


def test_partial_rankings_share_the_leftover_borda_points() -> None:
    # 4 items: ranked first gets 3; the three unranked share 2+1+0 = 1 each.
    assert borda_points(4, [[2]]) == [1.0, 1.0, 3.0, 1.0]
    # 3 items, two ranked: 2 and 1; the last gets 0.
    assert borda_points(3, [[1, 0]]) == [1.0, 2.0, 0.0]


def test_schulze_follows_the_wikipedia_example() -> None:
    # The 45-voter example from the Schulze method article: E wins, order E > A > C > B > D.
    profile = [
        (5, "ACBED"),
        (5, "ADECB"),
        (8, "BEDAC"),
        (3, "CABED"),
        (7, "CAEBD"),
        (2, "CBADE"),
        (7, "DCEBA"),
        (8, "EBADC"),
    ]
    ballots: list[Payload] = [
        ["ABCDE".index(c) for c in order] for count, order in profile for _ in range(count)
    ]
    result = tally(Method.RANKED, 5, ballots)
    assert ["ABCDE"[p.index] for p in result.schulze] == list("EACBD")
    assert result.schulze_winners == (4,)
    assert result.condorcet is None  # this profile has a cycle


def test_condorcet_winner_is_found_when_it_exists() -> None:
    ballots: list[Payload] = [[0, 1, 2], [0, 2, 1], [1, 0, 2]]
    d = pairwise(3, ballots)
    assert d[0][1] == 2
    assert d[1][0] == 1
    assert condorcet_winner(d) == 0
    assert tally(Method.RANKED, 3, ballots).schulze_winners == (0,)


def test_schulze_shows_a_perfect_cycle_as_a_three_way_tie() -> None:
    ballots: list[Payload] = [[0, 1, 2], [1, 2, 0], [2, 0, 1]]
    result = tally(Method.RANKED, 3, ballots)
    assert all(p.rank == 1 and p.tied for p in result.schulze)
    assert result.schulze_winners == (0, 1, 2)


def test_moscow_takes_the_majority_class_and_keeps_the_spread() -> None:
    ballots: list[Payload] = [["M", "C", "W"], ["M", "S", "W"], ["S", "C", "M"]]
    result = tally(Method.MOSCOW, 3, ballots)
    first, second, third = result.order
    assert first.index == 0
    assert first.note == "Must 67% · M2 S1 C0 W0"
    assert first.score == 2.67  # (3 + 3 + 2) / 3
    assert second.index == 1
    assert second.note.startswith("Could 67%")
    assert third.index == 2
    assert third.note.startswith("Won't 67%")


def test_moscow_tied_classes_are_shown_as_a_tie() -> None:
    result = tally(Method.MOSCOW, 2, [["M", "C"], ["S", "C"]])
    assert result.order[0].index == 0
    assert "Must/Should (tie)" in result.order[0].note


def test_rice_uses_medians_and_orders_by_score() -> None:
    ballots: list[Payload] = [
        [[100, 1, 50, 2], [1000, 3, 100, 10]],
        [[300, 2, 80, 1], [10, 0.25, 10, 1]],
        [[200, 3, 100, 4], [500, 2, 80, 5]],
    ]
    result = tally(Method.RICE, 2, ballots)
    # Item 0: medians R 200, I 2, C 80%, E 2 -> 160. Item 1: R 500, I 2, C 80%, E 5 -> 160.
    assert [(p.index, p.score, p.tied) for p in result.order] == [(0, 160, True), (1, 160, True)]
    assert result.order[0].note == "R 200 · I 2 · C 80% · E 2"


def test_rice_with_even_voters_averages_the_middle_pair() -> None:
    result = tally(
        Method.RICE, 2, [[[10, 1, 100, 1], [1, 1, 100, 1]], [[20, 1, 100, 1], [1, 1, 100, 1]]]
    )
    assert result.order[0].index == 0
    assert result.order[0].score == 15


def test_no_ballots_means_no_winner() -> None:
    for method in Method:
        assert tally(method, 3, []).winners == ()


# Invariants ------------------------------------------------------------------------------


@st.composite
def rankings(draw: st.DrawFn, full: bool = False) -> tuple[int, list[Payload]]:
    n = draw(st.integers(2, 6))
    ballot = st.permutations(list(range(n)))
    if not full:
        ballot = ballot.flatmap(lambda order: st.integers(1, n).map(lambda k: order[:k]))
    ballots = draw(st.lists(ballot, min_size=1, max_size=30))
    return n, [list(b) for b in ballots]


@settings(max_examples=100, deadline=None)
@given(rankings())
def test_a_condorcet_winner_always_wins_schulze(case: tuple[int, list[Payload]]) -> None:
    n, ballots = case
    winner = condorcet_winner(pairwise(n, ballots))
    if winner is not None:
        assert tally(Method.RANKED, n, ballots).schulze_winners == (winner,)


@settings(max_examples=100, deadline=None)
@given(rankings())
def test_borda_points_total_voters_times_n_n_minus_1_over_2(
    case: tuple[int, list[Payload]],
) -> None:
    n, ballots = case
    assert sum(borda_points(n, ballots)) == len(ballots) * n * (n - 1) / 2


@settings(max_examples=100, deadline=None)
@given(
    st.integers(2, 8).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(st.lists(st.integers(0, 4), min_size=n, max_size=n), max_size=20),
        )
    )
)
def test_dot_totals_are_conserved(case: tuple[int, list[Payload]]) -> None:
    n, ballots = case
    result = tally(Method.DOT, n, ballots)
    assert sum(p.score for p in result.order) == sum(sum(b) for b in ballots)


@st.composite
def any_method_ballots(draw: st.DrawFn) -> tuple[Method, int, list[Payload]]:
    method = draw(st.sampled_from(list(Method)))
    n = draw(st.integers(2, 5))
    items = st.integers(0, n - 1)
    strategies: dict[Method, st.SearchStrategy[Payload]] = {
        Method.SINGLE: st.lists(items, min_size=1, max_size=1),
        Method.MULTI: st.lists(items, min_size=1, max_size=n, unique=True),
        Method.DOT: st.lists(st.integers(0, 3), min_size=n, max_size=n),
        Method.RANKED: st.permutations(list(range(n))).map(list),
        Method.MOSCOW: st.lists(st.sampled_from("MSCW"), min_size=n, max_size=n),
        Method.RICE: st.lists(
            st.tuples(
                st.integers(0, 1000),
                st.sampled_from([0.25, 0.5, 1, 2, 3]),
                st.integers(0, 100),
                st.integers(1, 20),
            ).map(list),
            min_size=n,
            max_size=n,
        ),
    }
    return method, n, draw(st.lists(strategies[method], min_size=0, max_size=15))


@settings(max_examples=100, deadline=None)
@given(any_method_ballots(), st.randoms(use_true_random=False))
def test_ballot_order_never_changes_the_result(
    case: tuple[Method, int, list[Payload]], rng: random.Random
) -> None:
    method, n, ballots = case
    shuffled = list(ballots)
    rng.shuffle(shuffled)
    assert tally(method, n, shuffled) == tally(method, n, ballots)


@settings(max_examples=100, deadline=None)
@given(any_method_ballots())
def test_ranks_are_consistent_with_ties(case: tuple[Method, int, list[Payload]]) -> None:
    method, n, ballots = case
    order = tally(method, n, ballots).order
    assert sorted(p.index for p in order) == list(range(n))
    for before, after in itertools.pairwise(order):
        assert before.rank <= after.rank
        if before.rank == after.rank:
            assert before.tied
            assert after.tied
            assert before.index < after.index


# Schulze against the textbook ------------------------------------------------------------


def textbook_schulze(n: int, ballots: list[Payload]) -> tuple[set[int], list[list[int]]]:
    """Schulze (winning votes) written from the method's definition, independent of tally.py:
    d counts voters preferring x to y (unranked items tie below every ranked one); a link x->y
    exists with strength d[x][y] when d[x][y] > d[y][x]; p is the widest path; x beats y when
    p[x][y] > p[y][x]; the winners are everyone nobody beats."""
    unranked = n  # a position below every ranked one
    positions = [{item: pos for pos, item in enumerate(ballot)} for ballot in ballots]
    d = [
        [
            sum(1 for pos in positions if pos.get(x, unranked) < pos.get(y, unranked))
            for y in range(n)
        ]
        for x in range(n)
    ]
    p = [[d[x][y] if x != y and d[x][y] > d[y][x] else 0 for y in range(n)] for x in range(n)]
    for via in range(n):
        for x in range(n):
            for y in range(n):
                if len({x, y, via}) == 3:
                    p[x][y] = max(p[x][y], min(p[x][via], p[via][y]))
    winners = {x for x in range(n) if all(p[x][y] >= p[y][x] for y in range(n))}
    return winners, p


@settings(max_examples=500, deadline=None)
@given(rankings())
def test_schulze_winners_match_the_textbook_definition(case: tuple[int, list[Payload]]) -> None:
    n, ballots = case
    winners, _ = textbook_schulze(n, ballots)
    assert set(tally(Method.RANKED, n, ballots).schulze_winners) == winners


@settings(max_examples=500, deadline=None)
@given(rankings())
def test_schulze_order_respects_every_defeat_and_shows_ties(
    case: tuple[int, list[Payload]],
) -> None:
    n, ballots = case
    _, p = textbook_schulze(n, ballots)
    order = tally(Method.RANKED, n, ballots).schulze
    rank = {placed.index: placed.rank for placed in order}
    assert sorted(rank) == list(range(n))
    for x, y in itertools.permutations(range(n), 2):
        if p[x][y] > p[y][x]:
            assert rank[x] < rank[y]  # whoever beats an item is placed above it
        if rank[x] == rank[y]:
            assert p[x][y] == p[y][x]  # a shared rank is a real tie, marked as one
    for placed in order:
        assert placed.tied == (sum(1 for r in rank.values() if r == placed.rank) > 1)
        if placed.rank > 1:  # nothing is placed lower than it has to be
            above = [x for x, r in rank.items() if r < placed.rank]
            assert any(p[x][placed.index] > p[placed.index][x] for x in above)
    assert [placed.rank for placed in order] == sorted(placed.rank for placed in order)


def test_schulze_two_ballots_in_a_half_cycle_tie_the_unbeaten_pair() -> None:
    # A>B>C and B>C>A: B beats C 2-0; A vs B and A vs C are 1-1, so A and B are both unbeaten.
    result = tally(Method.RANKED, 3, [[0, 1, 2], [1, 2, 0]])
    assert result.schulze_winners == (0, 1)
    assert [(p.index, p.rank, p.tied) for p in result.schulze] == [
        (0, 1, True),
        (1, 1, True),
        (2, 3, False),
    ]


def test_schulze_ties_a_cycle_below_a_clear_winner() -> None:
    # D first on every ballot, then a perfect A/B/C cycle: D alone wins, A, B, C tie second.
    ballots: list[Payload] = [[3, 0, 1, 2], [3, 1, 2, 0], [3, 2, 0, 1]]
    result = tally(Method.RANKED, 4, ballots)
    assert result.schulze_winners == (3,)
    assert [(p.index, p.rank) for p in result.schulze] == [(3, 1), (0, 2), (1, 2), (2, 2)]


def test_schulze_on_the_tennessee_capital_example() -> None:
    # Wikipedia's Tennessee example (Memphis, Nashville, Chattanooga, Knoxville; 42/26/15/17
    # voters): Nashville is the Condorcet winner; the order is N > C > K > M.
    m, n, c, k = range(4)
    profile = [(42, [m, n, c, k]), (26, [n, c, k, m]), (15, [c, k, n, m]), (17, [k, c, n, m])]
    ballots: list[Payload] = [list(order) for count, order in profile for _ in range(count)]
    result = tally(Method.RANKED, 4, ballots)
    assert [p.index for p in result.schulze] == [n, c, k, m]
    assert [p.rank for p in result.schulze] == [1, 2, 3, 4]
    assert result.condorcet == n
