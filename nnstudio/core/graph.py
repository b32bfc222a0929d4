"""How an architecture's layers connect: what each takes (the layer before it, unless it names its
inputs), an order in which every layer comes after what it takes, the model's outputs, and what
is wrong with the connections (a name that is nowhere, a cycle, a layer no output uses, an input
no layer uses), each pinned to the layer at fault.

A stack is the simplest graph: each layer takes the one before it, the first takes the input,
and the last is the output.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from nnstudio.core.architecture import Architecture
from nnstudio.core.edits import Fix, RemoveLayer, SetInputs


@dataclass(frozen=True)
class GraphProblem:
    #: The layer at fault (its index), or None for the model's inputs and outputs.
    layer: int | None
    message: str
    fix: Fix | None = None


@dataclass(frozen=True)
class Graph:
    #: Each layer's Keras name, and the names of what it takes (layers or model inputs).
    names: tuple[str, ...]
    inbound: tuple[tuple[str, ...], ...]
    input_names: tuple[str, ...]
    #: The layers in an order where each comes after everything it takes; the layers of a
    #: cycle, and those after them, are left out (their shapes cannot be known).
    order: tuple[int, ...]
    outputs: tuple[str, ...]
    problems: tuple[GraphProblem, ...]

    def index(self, name: str) -> int | None:
        """The layer of this name (None for a model input, or a name that is nowhere)."""
        try:
            return self.names.index(name)
        except ValueError:
            return None


def _inbound(arch: Architecture, names: tuple[str, ...], first_input: str):
    for i, layer in enumerate(arch.layers):
        if layer.inputs:
            yield tuple(layer.inputs)
        else:
            yield (first_input,) if i == 0 else (names[i - 1],)


def _topological(inbound, names, input_names) -> tuple[tuple[int, ...], set[int]]:
    """Kahn's algorithm, stable in file order: (the order, the layers left in or after a
    cycle)."""
    index = {name: i for i, name in enumerate(names)}
    waiting = [sum(1 for n in inbound[i] if n in index) for i in range(len(names))]
    takers: dict[int, list[int]] = {}
    for i, sources in enumerate(inbound):
        for n in sources:
            if n in index:
                takers.setdefault(index[n], []).append(i)
    ready = deque(i for i in range(len(names)) if waiting[i] == 0)
    order = []
    while ready:
        i = ready.popleft()
        order.append(i)
        for taker in takers.get(i, ()):
            waiting[taker] -= 1
            if waiting[taker] == 0:
                ready.append(taker)
    return tuple(order), set(range(len(names))) - set(order)


def _cycle_problem(stuck: set[int], inbound, names) -> GraphProblem:
    """The cycle among the layers that could not be ordered, shown from its first layer."""
    index = {name: i for i, name in enumerate(names)}
    start = min(stuck)
    path, seen, node = [start], {start}, start
    while True:
        following = [index[n] for n in inbound[node] if n in index and index[n] in stuck]
        if not following:
            break
        node = following[0]
        if node in seen:
            path = path[path.index(node) :]
            break
        path.append(node)
        seen.add(node)
    circle = " ← ".join(names[i] for i in [*path, path[0]])
    culprit = path[0]
    back = names[path[1]] if len(path) > 1 else names[culprit]
    kept = tuple(n for n in inbound[culprit] if n != back)
    fix = (
        Fix(f"Disconnect {back} from {names[culprit]}", SetInputs(culprit, kept)) if kept else None
    )
    return GraphProblem(
        culprit,
        f"These layers form a cycle: {circle}. Data flows from the inputs to the outputs, never "
        "back: remove one of these connections.",
        fix,
    )


def resolve(arch: Architecture) -> Graph:
    """The connections of an architecture and their problems (never raises)."""
    names = arch.layer_names()
    input_names = tuple(i.name for i in arch.inputs)
    inbound = tuple(_inbound(arch, names, input_names[0]))
    if arch.is_stack:  # connected by position (two layers may share a name: an error of its own)
        return Graph(names, inbound, input_names, tuple(range(len(names))), names[-1:], ())
    known = set(names) | set(input_names)
    problems: list[GraphProblem] = []
    for i, sources in enumerate(inbound):
        missing = [n for n in sources if n not in known]
        if missing:
            kept = tuple(n for n in sources if n in known)
            fix = Fix(f"Disconnect {missing[0]}", SetInputs(i, kept)) if kept else None
            among = ", ".join(sorted(known - {names[i]}))
            problems.append(
                GraphProblem(
                    i,
                    f"{names[i]} takes {missing[0]!r}, which is neither a layer nor an input of "
                    f"the model; its inputs must be among: {among}.",
                    fix,
                )
            )
    order, stuck = _topological(inbound, names, input_names)
    if stuck:
        problems.append(_cycle_problem(stuck, inbound, names))
    outputs = tuple(arch.outputs) if arch.outputs else names[-1:]
    for name in outputs:
        if name not in names:
            problems.append(
                GraphProblem(None, f"The model's output {name!r} is not one of its layers.")
            )
    problems += _unused(arch, names, inbound, input_names, outputs)
    return Graph(names, inbound, input_names, order, outputs, tuple(problems))


def _unused(arch, names, inbound, input_names, outputs) -> list[GraphProblem]:
    """Layers no output depends on, and inputs no layer takes."""
    index = {name: i for i, name in enumerate(names)}
    used, todo = set(), [index[n] for n in outputs if n in index]
    while todo:
        i = todo.pop()
        if i in used:
            continue
        used.add(i)
        todo += [index[n] for n in inbound[i] if n in index]
    problems = []
    for i in range(len(names)):
        if i not in used and not arch.is_stack:
            problems.append(
                GraphProblem(
                    i,
                    f"{names[i]} is not connected to the model's outputs: nothing it computes "
                    "is used. Connect a layer after it, or delete it.",
                    Fix(f"Delete {names[i]}", RemoveLayer(i)),
                )
            )
    taken = {n for sources in inbound for n in sources}
    for name in input_names:
        if name not in taken and names:
            problems.append(
                GraphProblem(None, f"The model's input {name!r} is not used by any layer.")
            )
    return problems
