"""classify: deal verbs, deal nouns and status cues in a word trie, looked up at a token."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.pipeline.classify.tokens import _WORD


@dataclass(frozen=True)
class _Verb:
    frame: str
    tense: str  # base, pres, past, ger, pp
    lemma: str


@dataclass(frozen=True)
class _Noun:
    type: str  # an event type, "deal" (generic) or "dispute"


class _Index:
    """Phrases in a word trie, looked up at a token position; longest phrase first."""

    _END = "\x00end"

    def __init__(self) -> None:
        self._root: dict[str, Any] = {}
        # words that start no longer phrase, with their answers ready-made: most lookups are those
        self.single: dict[str, list[tuple[int, Any]]] = {}

    def add(self, phrase: str, payload: Any) -> None:
        words = [w.lower() for w in _WORD.findall(phrase)]
        if not words:
            return
        node = self._root
        for w in words:
            node = node.setdefault(w, {})
        node.setdefault(self._END, []).append(payload)

    def finish(self) -> None:
        """Answers for words that start no longer phrase, ready-made: most lookups are those."""
        self.single = {
            word: [(1, payload) for payload in node[self._END]]
            for word, node in self._root.items()
            if list(node) == [self._END]
        }

    def at(self, lows: Sequence[str], i: int) -> list[tuple[int, Any]]:
        """(length, payload) of the phrases starting at i, longest first; the caller must not change it."""
        low = lows[i]
        single = self.single.get(low)
        if single is not None:
            return single
        node = self._root.get(low)
        if node is None:
            return []
        groups: list[tuple[int, list[Any]]] = []
        k = 1
        n = len(lows)
        while True:
            ends = node.get(self._END)
            if ends:
                groups.append((k, ends))
            if i + k >= n:
                break
            node = node.get(lows[i + k])
            if node is None:
                break
            k += 1
        return [(k, payload) for k, ends in reversed(groups) for payload in ends]

    def __contains__(self, word: str) -> bool:
        return word in self._root

    @property
    def firsts(self) -> Mapping[str, Any]:
        return self._root
