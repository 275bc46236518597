"""classify: status and rumour cues in reach of a trigger, giving each event its status."""

from __future__ import annotations

from bot.model import Status
from bot.pipeline.classify.candidates import _Cand
from bot.pipeline.classify.extraction import _Extraction
from bot.pipeline.classify.tokens import _Seg

# Nouns a withdrawing verb ends: "drops hostile bid", "halts sale".
_WITHDRAWN_THINGS = frozenset({"bid", "bids", "offer", "offers", "tender", "proposal", "sale", "takeover", "merger"})


class _StatusCues(_Extraction):
    """Status of a candidate event from the cues, tense and breakers around its trigger."""

    def _status(self, c: _Cand) -> Status:
        seg = c.seg
        a, b = self._clause(seg, c.trigger[0])
        a = min(a, c.span[0])
        classes: set[str] = set()
        source = False
        # "tried to buy SSI but was rebuffed": a "but" clause right after tells how the attempt ended
        but_end = self._clause(seg, b + 1)[1] if b + 1 < len(seg.toks) and seg.toks[b].low == "but" else b
        # "accepted KKR's offer ..., rejecting a rival bid": what follows a comma after the event ends another
        after = max(c.span[1], c.trigger[1])
        comma = next((k for k in range(after, b) if seg.toks[k].low == ","), b)
        for i, _j, cls in seg.cues:
            if cls == "unnamed_source":
                source = True
            in_clause = a <= i < b or (i < a and self._same_sentence(seg, i, c.trigger[0]))
            if cls == "terminated" and comma <= i < b:
                in_clause = False
            if in_clause or (b <= i < but_end and cls == "terminated"):
                classes.add(str(cls))
        if c.type == "partnership_end":
            if source or ("rumor" in classes and c.tense not in ("past", "perfect")):
                return "rumor"
            if c.tense in ("past", "perfect") or c.status_hint == "completed":
                return "completed"
            if c.tense == "future":
                return "announced"
            if self._any_phrase(seg, a, b, self.set["end_completed_cues"]):
                return "completed"
            return "announced"
        if c.status_hint == "terminated" or "terminated" in classes or self._withdrawn(c, a):
            return "terminated"
        if source or c.status_hint == "rumor":
            return "rumor"
        if c.type == "funding":
            if c.tense in ("ger", "progressive") or "rumor" in classes:
                return "rumor"
            if c.tense == "future" or self._has_word(seg, a, c.trigger[0], ("plans", "plan", "planned")):
                return "announced"  # "to get $562.5 million from cable operators", "plans rights issue"
            return "completed"
        if "completed" in classes or c.tense == "perfect" or c.status_hint == "completed":
            return "completed"
        if c.tense == "past" and not seg.title and c.frame in ("buy", "sell", "merge"):
            return "completed"
        if "rumor" in classes:
            return "rumor"
        return "announced"

    def _withdrawn(self, c: _Cand, a: int) -> bool:
        """ "Nidec drops hostile bid for Makino", "Paramount halts sale of BET stake": a withdrawing verb
        a few words before the bid or sale that the event stands on."""
        toks = c.seg.toks
        t = c.trigger[0]
        if toks[t].low not in _WITHDRAWN_THINGS:
            return False
        return any(toks[k].low in self.set["bid_withdrawal_verbs"] for k in range(max(a, t - 3), t))

    @staticmethod
    def _any_phrase(seg: _Seg, a: int, b: int, phrases: frozenset[str]) -> bool:
        lows = [t.low for t in seg.toks[a:b]]
        for n in (1, 2, 3):
            for k in range(len(lows) - n + 1):
                if " ".join(lows[k : k + n]) in phrases:
                    return True
        return False

    def _same_sentence(self, seg: _Seg, i: int, k: int) -> bool:
        return not any(seg.toks[m].text in (";", "|") for m in range(i, k))
