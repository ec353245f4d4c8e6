"""Balanced judge assignment as a flow problem (pure Python, no database).

Every proposal needs a number of new judges; no judge may take a proposal it is in conflict with
(or already has); the final loads of the judges (existing + new) should differ by at most one.
That is a bipartite b-matching with lower and upper bounds on the judges' loads, solved as a
feasible circulation with Dinic's max-flow. The narrowest load window [low, low + width] that is
feasible is chosen, so loads differ by at most one whenever the conflicts allow it at all.
A proposal with fewer eligible judges than it needs gets all it can have, and the plan reports
what is missing.

Sizes are small (a city edition: up to ~125 proposals, 3-7 judges), far below what matters here.
"""

import random
from collections import deque
from dataclasses import dataclass, field

INFINITE = 10**9


class _Flow:
    """Dinic's algorithm on an adjacency list of edges [to, capacity, reverse index]."""

    def __init__(self, size: int):
        self.graph: list[list[list[int]]] = [[] for _ in range(size)]

    def add(self, source: int, target: int, capacity: int) -> tuple[int, int]:
        self.graph[source].append([target, capacity, len(self.graph[target])])
        self.graph[target].append([source, 0, len(self.graph[source]) - 1])
        return source, len(self.graph[source]) - 1

    def flow_on(self, edge: tuple[int, int], capacity: int) -> int:
        node, index = edge
        return capacity - self.graph[node][index][1]

    def max_flow(self, source: int, sink: int) -> int:
        total = 0
        while True:
            level = [-1] * len(self.graph)
            level[source] = 0
            queue = deque([source])
            while queue:
                node = queue.popleft()
                for target, capacity, _reverse in self.graph[node]:
                    if capacity > 0 and level[target] < 0:
                        level[target] = level[node] + 1
                        queue.append(target)
            if level[sink] < 0:
                return total
            cursor = [0] * len(self.graph)
            while True:
                pushed = self._push(source, sink, INFINITE, level, cursor)
                if not pushed:
                    break
                total += pushed

    def _push(self, node, sink, limit, level, cursor) -> int:
        # Iterative depth-first search for one augmenting path in the level graph.
        path: list[tuple[int, int]] = []
        while True:
            if node == sink:
                pushed = min([limit] + [self.graph[n][i][1] for n, i in path])
                for n, i in path:
                    edge = self.graph[n][i]
                    edge[1] -= pushed
                    self.graph[edge[0]][edge[2]][1] += pushed
                return pushed
            edges = self.graph[node]
            advanced = False
            while cursor[node] < len(edges):
                target, capacity, _reverse = edges[cursor[node]]
                if capacity > 0 and level[target] == level[node] + 1:
                    path.append((node, cursor[node]))
                    node = target
                    advanced = True
                    break
                cursor[node] += 1
            if not advanced:
                if not path:
                    return 0
                level[node] = -1  # dead end: never visit again in this phase
                node, _index = path.pop()
                cursor[node] += 1


@dataclass
class Plan:
    """The outcome: new (judge, proposal) pairs, and how many judges each proposal still lacks."""

    pairs: list[tuple[int, int]] = field(default_factory=list)
    missing: dict[int, int] = field(default_factory=dict)
    loads: dict[int, int] = field(default_factory=dict)

    @property
    def is_complete(self) -> bool:
        return not self.missing

    @property
    def load_gap(self) -> int:
        return max(self.loads.values()) - min(self.loads.values()) if self.loads else 0


def _solve(proposals, judges, need, load, eligible, low, high, rng):
    """Pairs covering every need with every final load in [low, high], or None if impossible."""
    index = {}
    for position, key in enumerate(
        [("p", p) for p in proposals] + [("j", j) for j in judges], start=4
    ):
        index[key] = position
    source, sink, super_source, super_sink = 0, 1, 2, 3
    flow = _Flow(len(index) + 4)
    excess = [0] * (len(index) + 4)
    for proposal in proposals:
        excess[index["p", proposal]] += need[proposal]
        excess[source] -= need[proposal]
    edges = []
    for proposal in proposals:
        candidates = list(eligible[proposal])
        rng.shuffle(candidates)
        for judge in candidates:
            edges.append(((judge, proposal), flow.add(index["p", proposal], index["j", judge], 1)))
    for judge in judges:
        lower = max(0, low - load[judge])
        upper = high - load[judge]
        if upper < lower or upper < 0:
            return None
        flow.add(index["j", judge], sink, upper - lower)
        excess[sink] += lower
        excess[index["j", judge]] -= lower
    flow.add(sink, source, INFINITE)
    wanted = 0
    for node, amount in enumerate(excess):
        if amount > 0:
            flow.add(super_source, node, amount)
            wanted += amount
        elif amount < 0:
            flow.add(node, super_sink, -amount)
    if flow.max_flow(super_source, super_sink) != wanted:
        return None
    return [pair for pair, edge in edges if flow.flow_on(edge, 1)]


def plan_assignment(
    *,
    proposals: list[int],
    judges: list[int],
    need: dict[int, int],
    load: dict[int, int],
    forbidden: set[tuple[int, int]],
    seed: int | None = None,
) -> Plan:
    """Choose new (judge, proposal) pairs.

    `need[p]`: judges proposal p still lacks; `load[j]`: entries judge j already has (counted in the
    balance); `forbidden`: (judge, proposal) pairs that are conflicted or already assigned.
    """
    rng = random.Random(seed)
    judges = sorted(judges)
    proposals = sorted(proposals)
    load = {judge: load.get(judge, 0) for judge in judges}
    requested = {proposal: max(0, need.get(proposal, 0)) for proposal in proposals}
    requested = {proposal: amount for proposal, amount in requested.items() if amount}
    proposals = list(requested)
    need = dict(requested)
    if not judges or not proposals:
        return Plan(missing=dict(requested), loads=dict(load))
    eligible = {
        proposal: [judge for judge in judges if (judge, proposal) not in forbidden]
        for proposal in proposals
    }
    # A proposal with too few eligible judges can never be covered: serve what it can have.
    for proposal in proposals:
        need[proposal] = min(need[proposal], len(eligible[proposal]))
    slots = sum(need.values())
    total = sum(load.values()) + slots
    count = len(judges)
    highest_existing = max(load.values())

    # Loads can never go above what a judge can take: its load plus the proposals it may judge.
    reachable = {judge: load[judge] for judge in judges}
    for proposal in proposals:
        for judge in eligible[proposal]:
            reachable[judge] += 1

    def attempt(width):
        """A plan whose final loads all lie in some window [low, low + width], or None."""
        top = min(total // count, min(reachable.values()))
        bottom = max(0, -(-total // count) - width, highest_existing - width)
        for low in range(top, bottom - 1, -1):
            solution = _solve(proposals, judges, need, load, eligible, low, low + width, rng)
            if solution is not None:
                return solution
        return None

    # The narrowest feasible window: width 1 means loads differ by at most one. Feasibility grows
    # with the width, and the window [0, total + 1] always fits, so a binary search finds it.
    pairs = attempt(1)
    if pairs is None:
        narrow, wide = 1, total + 1
        pairs = attempt(wide)
        while wide - narrow > 1:
            middle = (narrow + wide) // 2
            solution = attempt(middle)
            if solution is None:
                narrow = middle
            else:
                wide, pairs = middle, solution

    final = dict(load)
    given: dict[int, int] = {}
    for judge, proposal in pairs:
        final[judge] += 1
        given[proposal] = given.get(proposal, 0) + 1
    missing = {
        proposal: requested[proposal] - given.get(proposal, 0)
        for proposal in requested
        if requested[proposal] > given.get(proposal, 0)
    }
    return Plan(pairs=pairs, missing=missing, loads=final)
