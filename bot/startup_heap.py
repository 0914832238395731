"""Leave what start-up built out of Python's full garbage collections.

A serving bot's heap is mostly what start-up made and keeps for the process's life: modules,
aiogram's and SQLAlchemy's types and mappers. A full collection walks all of it, 80–150 ms
on this project's machines, once every thousand or so updates, and the update in hand waits.
``gc.freeze()`` moves every object alive now into a generation the collector never walks. What
start-up made and later drops is still freed by reference counting; only a reference cycle among
such objects would outlive its use, a cost bounded by start-up's heap and paid once. Called once,
by ``talimger run`` after start, never per test: a test process starts many bots.
"""
from __future__ import annotations

import gc


def freeze_startup_heap() -> int:
    """Collect start-up's garbage, then freeze the rest; returns how many objects were frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
