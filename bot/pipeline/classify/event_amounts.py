"""classify: which money figure prices which candidate event, in its clause or in the summary."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.pipeline.classify.candidates import _Cand
from bot.pipeline.classify.lexicon_index import _Verb
from bot.pipeline.classify.navigation import _PRONOUNS, _Navigation
from bot.pipeline.classify.tokens import _Seg, _Tok

# Words that bring in a new company, whose value is not the deal's: "creating a giant valued at".
_NEW_ENTITY = frozenset({"creating", "create", "creates", "forming", "form", "forms", "giant", "entity", "company"})
_CLAUSE_OPENERS = frozenset(
    {"as", "while", "after", "amid", "because", "but", "since", "though", "although", "whereas"}
)


class _EventAmounts(_Navigation):
    """Money figures tied to candidate events; figures that are not deal values left out."""

    def _tok_not_value(self, tok: _Tok, funding: bool = False) -> bool:
        return tok.where is not None and self._not_value(tok.where, tok.idx, funding)

    def _not_value(self, seg: _Seg, k: int, funding: bool = False) -> bool:
        """True when the money at token k is a valuation, a price per share, revenue or a fee."""
        toks = seg.toks
        before = [t.low for t in toks[max(0, k - 3) : k]]
        after = [t.low for t in toks[k + 1 : k + 4]]
        not_before = self.set["amount_not_value_before"]
        phrase = ""
        deal_before = any(t.low in self.deal_value_nouns for t in toks[max(0, k - 6) : k])
        for w in reversed(before):  # the one, two and three words before, grown one word at a time
            phrase = w + " " + phrase if phrase else w
            if phrase == "worth" and deal_before and not funding:
                continue  # "the all-cash deal is worth about $4 billion": the deal's own value
            if phrase in not_before and (funding or phrase != "valued at"):
                return True
        if funding and (any("valu" in w for w in before) or (before and before[-1] == "at")):
            return True
        not_after = self.set["amount_not_value_after"]
        phrase = ""
        for w in after:  # likewise the words after
            phrase = phrase + " " + w if phrase else w
            if phrase in not_after:
                return True
        return False

    def _assign_amounts(self, cands: list[_Cand], summary: Sequence[_Seg]) -> None:
        """Give each event at most one money figure, and each figure to one event (or one trigger)."""
        used: dict[int, tuple[int, int]] = {}
        chosen: dict[int, _Tok] = {}

        def free(tok: _Tok, c: _Cand) -> bool:
            owner = used.get(id(tok))
            return owner is None or owner == c.trigger

        for c in cands:
            tok = c.amount
            if tok is not None and free(tok, c) and not self._tok_not_value(tok, c.type == "funding"):
                chosen[id(c)] = tok
                used[id(tok)] = c.trigger
        for c in cands:
            if id(c) in chosen:
                continue
            found = self._window_amount(c, free)
            if found is not None:
                chosen[id(c)] = found
                used[id(found)] = c.trigger
        for c in cands:
            if id(c) in chosen or c.type in ("partnership", "partnership_end") or not c.seg.title:
                continue
            found = self._summary_amount(c, summary, free)
            if found is not None:
                chosen[id(c)] = found
                used[id(found)] = c.trigger
        for c in cands:
            c.amount = chosen.get(id(c))

    def _window_amount(self, c: _Cand, free: Callable[[_Tok, _Cand], bool]) -> _Tok | None:
        seg = c.seg
        toks = seg.toks
        funding = c.type == "funding"
        a, b = self._clause(seg, c.trigger[0])
        b = self._next_clause(seg, max(c.span[1], c.trigger[1]), b)
        lo = max(a, min(c.span[0], c.trigger[0]) - 3)
        for k in range(c.trigger[0] - 1, max(a, c.trigger[0] - 10) - 1, -1):
            # "withdrew his 120 dlrs a share, or about 7.5 bln dlrs, offer for AMR": the total of a per-share bid
            if toks[k].kind == "$" and self._per_share_total(toks, k) and free(toks[k], c):
                return toks[k]
        comma = next((k for k in range(c.trigger[0] - 1, lo - 1, -1) if toks[k].low == ","), -1)
        lo = max(lo, comma + 1)  # "... valued at 25 bln dlrs, rejecting a rival bid": the figure is the first bid's
        hi = min(b, max(c.span[1], c.trigger[1]) + 4)
        for k in range(lo, hi):
            tok = toks[k]
            if tok.kind == "$" and free(tok, c) and not self._not_value(seg, k, funding):
                return tok
        if c.type in ("partnership", "partnership_end"):
            return None
        for k in range(max(c.span[1], c.trigger[1]), min(b, hi + 6)):
            # "... acquisition of Texas Commerce Bancshares of Houston, valued at about 1.19 bln dlrs",
            # "... closed its acquisition of the company, a deal reported at about $1.7 billion"
            if toks[k].low in ("valued", "worth", "reported", "priced", "cost"):
                if any(t.low in _NEW_ENTITY for t in toks[c.span[1] : k]):
                    break  # "..., creating a giant valued at $8.5 billion": the new company's value
                m = k + 1
                while m < b and toks[m].low in self.amount_fillers:
                    m += 1
                if m < b and toks[m].kind == "$" and free(toks[m], c) and not self._not_value(seg, m, funding):
                    return toks[m]
                break
        # "... for about $2 billion" later in the clause, before another deal verb takes over
        others = {
            i
            for i, j, payload in seg.hits
            if i >= c.trigger[1] and isinstance(payload, _Verb) and not (j < b and toks[j].low == "by")
        }  # another deal verb, but not "led by ...": that one describes a party
        for k in range(max(c.span[1], c.trigger[1]), b):
            if k in others:
                break  # "... and simultaneously sold the United Artists unit ... for about 480 mln dlrs"
            if toks[k].kind == "$" and self._per_share_total(toks, k) and free(toks[k], c):
                return toks[k]  # "for 76.50 dlrs a share, or about 4.8 bln dlrs"
            if toks[k].low == "for":
                m = k + 1
                while m < b and toks[m].low in self.amount_fillers:
                    m += 1
                if m < b and toks[m].kind == "$" and free(toks[m], c) and not self._not_value(seg, m, funding):
                    return toks[m]
        return None

    def _next_clause(self, seg: _Seg, start: int, limit: int) -> int:
        """Where "as it commits $30 billion ...", "while X ..." opens another clause: its figures are its own."""
        toks = seg.toks
        for k in range(start, min(limit, len(toks) - 1)):
            if toks[k].low in _CLAUSE_OPENERS:
                nxt = toks[k + 1]
                if nxt.kind == "E" or nxt.low in _PRONOUNS or nxt.low in ("the", "a", "an", "its", "their"):
                    return k
        return limit

    @staticmethod
    def _per_share_total(toks: Sequence[_Tok], k: int) -> bool:
        """ "for 73.50 dlrs a share, or about 6.6 bln dlrs": the total after a price per share."""
        m = k - 1
        while m >= 0 and toks[m].low in ("about", "around", "roughly", "some", "nearly", "approximately"):
            m -= 1
        if m < 0 or toks[m].low != "or":
            return False
        m -= 1 if m > 0 and toks[m - 1].low == "," else 0
        lows = [t.low for t in toks[max(0, m - 3) : m]]
        return "share" in lows or "a-share" in lows

    def _summary_amount(self, c: _Cand, summary: Sequence[_Seg], free: Callable[[_Tok, _Cand], bool]) -> _Tok | None:
        """ "The $27.7 billion deal closed ...": a summary figure named as the deal's value."""
        nouns = self.round_value_nouns if c.type == "funding" else self.deal_value_nouns
        for seg in summary:
            toks = seg.toks
            for k, tok in enumerate(toks):
                if tok.kind != "$" or not free(tok, c) or self._not_value(seg, k, c.type == "funding"):
                    continue
                if tok.money is not None and tok.money.value < 1e6:
                    continue  # a price per share or a fee, not what a company changes hands for
                after = [t.low for t in toks[k + 1 : k + 4] if t.low not in ("cash", "stock", "all-cash", "all-stock")]
                before = [t.low for t in toks[max(0, k - 4) : k]]
                wide = [t.low for t in toks[max(0, k - 9) : k]]
                if (
                    (after and after[0] in nouns)
                    or (any(w in nouns for w in before) and any(w in ("valued", "worth", "of", "at") for w in before))
                    or (any(w in nouns for w in wide) and any(w in ("valued", "worth") for w in before))
                    or self._per_share_total(toks, k)
                ):
                    return tok
        return None
