#!/usr/bin/env python3
"""layers.py TOP - check src/'s includes against docs/ARCHITECTURE.md's map.

Every room (src/NAME.c, src/NAME.h) must be in the map's layer table; a room
may include rooms of its own layer or below, never above; and no circle of
includes may join two rooms (a room's private header, NAME_int.h, is part of
it). Prints what is wrong and exits 1, or prints nothing and exits 0.
"""
import os
import re
import sys

INCLUDE = re.compile(r'\s*#\s*include\s+"([^"]+)"')


def room(name):
    base = os.path.splitext(os.path.basename(name))[0]
    return base[:-4] if base.endswith("_int") else base


def read_map(top):
    """The layer table: (layers top-down, [(pattern, layer)])."""
    layers, rooms, in_table = [], [], False
    for line in open(os.path.join(top, "docs/ARCHITECTURE.md"), encoding="utf-8"):
        if line.startswith("| layer |"):
            in_table = True
            continue
        if in_table and not line.startswith("|"):
            break
        m = re.match(r"\|\s*([a-z ]+?)\s*\|(.*?)\|", line)
        if not in_table or not m:
            continue
        layers.append(m.group(1))
        for pat in re.findall(r"`([a-z_0-9*]+)\.[ch]`", m.group(2)):
            rooms.append((re.compile(pat.replace("*", "[a-z_0-9]*") + "$"), m.group(1)))
    return layers, rooms


def layer_of(name, rooms):
    for pat, layer in rooms:
        if pat.match(name):
            return layer
    return None


def cycles(graph):
    """Strongly connected components of more than one room (Tarjan)."""
    index, low, stack, on, out, n = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in list(graph):
        if v not in index:
            visit(v)
    return out


def main(top):
    layers, rooms = read_map(top)
    rank = {name: i for i, name in enumerate(layers)}
    src = os.path.join(top, "src")
    graph, faults = {}, []
    for f in sorted(os.listdir(src)):
        if not f.endswith((".c", ".h")):
            continue
        a = room(f)
        la = layer_of(os.path.splitext(f)[0], rooms) or layer_of(a, rooms)
        if la is None:
            faults.append(f"src/{f}: room {a} is not in docs/ARCHITECTURE.md's map")
            continue
        for line in open(os.path.join(src, f), encoding="utf-8", errors="replace"):
            m = INCLUDE.match(line)
            if not m:
                continue
            b = room(m.group(1))
            if b == a:
                continue
            graph.setdefault(a, set()).add(b)
            lb = layer_of(os.path.splitext(os.path.basename(m.group(1)))[0], rooms) or layer_of(b, rooms)
            if lb is not None and rank[lb] < rank[la]:
                faults.append(f"src/{f} ({la}) includes {m.group(1)} ({lb}): a room below includes one above")
    for comp in cycles(graph):
        faults.append("a circle of includes: " + " ".join(comp))
    for fault in faults:
        print(fault)
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
