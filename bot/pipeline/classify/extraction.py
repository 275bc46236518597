"""classify: every trigger of a segment handed to its verb or noun frame, once per span."""

from __future__ import annotations

from bot.pipeline.classify.candidates import _Cand
from bot.pipeline.classify.lexicon_index import _Noun, _Verb
from bot.pipeline.classify.noun_frames import _NounFrames
from bot.pipeline.classify.tokens import _Seg, _Tok


class _Extraction(_NounFrames):
    """Candidate events of one segment: phrasal verbs first, then nouns not already read."""

    def _extract(self, seg: _Seg) -> list[_Cand]:
        cands: list[_Cand] = []
        consumed: list[tuple[int, int]] = []
        longest: dict[int, int] = {}
        for i, j, payload in seg.hits:
            if isinstance(payload, _Verb):
                longest[i] = max(longest.get(i, 0), j)
        for i, j, payload in seg.hits:
            if isinstance(payload, _Verb):
                # a phrasal verb ("turn down", "pull out of") is read as a whole
                if j < longest[i] or any(a <= i < b for a, b in consumed):
                    continue
                made = self._verb(seg, i, j, payload)
                if made:
                    cands.extend(made)
                    first = min([i] + [c.covers for c in made if c.covers is not None])
                    consumed.append((first, max(c.span[1] for c in made)))
        for i, j, payload in seg.hits:
            if isinstance(payload, _Noun):
                if any(a <= i < b for a, b in consumed):
                    continue
                made = self._noun(seg, i, j, payload.type)
                if made:
                    cands.extend(made)
                    consumed.append((i, j))
        return cands

    def _verb(self, seg: _Seg, i: int, j: int, verb: _Verb) -> list[_Cand]:
        handler = getattr(self, "_v_" + verb.frame, None)
        if handler is None:
            return []
        _, limit = self._clause(seg, i)
        out: list[_Cand] = handler(seg, i, j, limit, verb)
        for c in out:
            c.tense = self._tense(seg, i, verb)
            c.frame = verb.frame
        if out:
            self._deal_tail(seg, out, limit)
        return out

    def _deal_tail(self, seg: _Seg, cands: list[_Cand], limit: int) -> None:
        """ "... in a $6.5 billion deal", "In A Deal Valued At $13.7 Billion": the deal the verb made."""
        toks = seg.toks
        start = max(c.span[1] for c in cands)
        if start < limit and toks[start].low == ",":
            # skip an aside: "io, Jony Ive's hardware startup, in a $6.5 billion deal"
            close = next((m for m in range(start + 1, min(limit, start + 9)) if toks[m].low == ","), -1)
            if close < 0:
                return
            start = close + 1
        for k in range(start, min(limit, start + 4)):
            if toks[k].low not in ("in", "via", "through", "under", "with"):
                continue
            m = k + 1
            amount: _Tok | None = None
            while m < limit and m - k <= 6:
                tok = toks[m]
                if tok.kind == "$":
                    amount = amount or tok
                elif tok.low in ("deal", "transaction", "agreement", "pact", "takeover", "merger", "purchase"):
                    end = m + 1
                    while (
                        end < limit
                        and end - m <= 5
                        and toks[end].kind != "$"
                        and toks[end].low
                        in (
                            "valued",
                            "worth",
                            "at",
                            "about",
                            "around",
                            "roughly",
                            "nearly",
                            "some",
                            "up",
                            "to",
                            "of",
                            "more",
                            "than",
                            "over",
                            "an",
                            "estimated",
                        )
                    ):
                        end += 1
                    if end < limit and toks[end].kind == "$":
                        amount = amount or toks[end]
                        end += 1
                    for c in cands:
                        c.span = (c.span[0], max(c.span[1], end))
                        if c.amount is None and amount is not None and c.type not in ("partnership_end",):
                            c.amount = amount
                    return
                elif tok.kind == "E" and tok.ent is not None and tok.ent.name.lower() in self.no_party:
                    pass  # "as GPU supplier in a $17.4 billion deal"
                elif tok.kind != "w" or (
                    tok.low not in self.set["fillers"] and tok.low not in self.vocab and "-" not in tok.low
                ):
                    break
                m += 1
            return
