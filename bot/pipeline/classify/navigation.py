"""classify: moving around a trigger to find its clause, subject, object and the names in reach."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence

from bot.model import EventType
from bot.pipeline.classify.candidates import _Cand, _Obj
from bot.pipeline.classify.lexicon_index import _Verb
from bot.pipeline.classify.segments import _COMPOUND_TAILS, _Segments
from bot.pipeline.classify.tokens import _Ent, _Seg, _Tok

_PERSON_ROLES = frozenset({"executive", "ceo", "founder", "co-founder", "cofounder", "chairman", "boss", "chief"})
_PRONOUNS = frozenset({"it", "they", "he", "she", "we"})
_GROUP_REFS = frozenset({"two", "companies", "both", "partners", "pair", "firms", "groups"})
_SINGLE_REFS = frozenset(
    {"startup", "start-up", "company", "firm", "group", "maker", "business", "unit", "lab", "bank", "chipmaker"}
)
_PHRASES: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {}  # `_after`'s prepositions, split once


# Verbs that report what their subject did: "Nvidia discloses it sold ...".
_TELLING = frozenset(
    {"says", "said", "discloses", "disclosed", "announces", "announced", "confirms", "confirmed", "reveals", "revealed"}
)
# Words that with "group" make a buyer without a name: "a management group".
_GROUP_HEADS = frozenset({"management", "investor", "investment", "buyout", "shareholder", "employee"})
# Words of time after a name: "tried to buy SSI earlier this year" names no goods.
_TIME_WORDS = frozenset({"earlier", "later", "this", "last", "next", "today", "yesterday", "tomorrow", "once", "again"})


class _Navigation(_Segments):
    """Who stands left and right of a trigger, and what a preposition makes of a name."""

    @staticmethod
    def _clause(seg: _Seg, i: int) -> tuple[int, int]:
        """[a, b): the tokens between the clause breaks around token i (rules ask this often)."""
        breaks = seg.breaks
        if breaks is None:
            breaks = seg.breaks = [k for k, stop in enumerate(seg.brk) if stop]
        j = bisect_left(breaks, i)  # the first break at or after i
        return (breaks[j - 1] + 1 if j else 0), (breaks[j] if j < len(breaks) else len(seg.toks))

    def _group_left(self, seg: _Seg, k: int) -> list[_Ent]:
        """The entity at k and those coordinated before it ("A, B and C")."""
        toks = seg.toks
        ent = toks[k].ent
        assert ent is not None
        group = [ent]
        j = k - 1
        while j >= 1 and toks[j].low in (",", "and", "&") and toks[j - 1].kind == "E":
            prev = toks[j - 1].ent
            if prev is None or prev.possessive:
                break
            group.insert(0, prev)
            j -= 2
            if j >= 0 and toks[j].low == "," and j + 1 < len(toks) and toks[j + 1].low == "and":
                continue
        return group

    def _group_right(self, seg: _Seg, k: int, stop: int) -> tuple[list[_Ent], int]:
        toks = seg.toks
        ent = toks[k].ent
        assert ent is not None
        group = [ent]
        j = k + 1
        while j + 1 < stop:
            if toks[j].low in (",", "and", "&") and toks[j + 1].kind == "E":
                nxt = toks[j + 1].ent
                assert nxt is not None
                group.append(nxt)
                j += 2
            elif toks[j].low == "," and toks[j + 1].low == "and" and j + 2 < stop and toks[j + 2].kind == "E":
                nxt = toks[j + 2].ent
                assert nxt is not None
                group.append(nxt)
                j += 3
            else:
                break
        return group, j

    def _subject(self, seg: _Seg, i: int, tense: str = "base") -> list[_Ent]:
        """Who does the verb at token i: the nearest name to its left within the clause."""
        toks = seg.toks
        a, _ = self._clause(seg, i)
        k = i - 1
        crossed_comma = False
        while k >= a:
            tok = toks[k]
            if tok.kind == "E":
                ent = tok.ent
                assert ent is not None
                if ent.name.lower() in self.no_party or self._describes(seg, k):
                    k -= 1
                    continue
                if crossed_comma and self._bare_after_comma(seg, k, i):
                    first = self._first_group(seg, a, i)
                    if first:
                        return first
                return self._group_left(seg, k)
            if tok.low in _PRONOUNS:
                teller = toks[k - 2].ent if k >= 2 and toks[k - 1].low in _TELLING else None
                if teller is not None and teller.name.lower() not in self.no_party:
                    return self._group_left(seg, k - 2)  # "... after Nvidia discloses it sold its entire stake"
                return self._sentence_subject(seg, k, plural=tok.low == "they", singular=tok.low == "it")
            if tok.low == "group" and k > a and toks[k - 1].low in _GROUP_HEADS:
                # "INVESTOR GROUP HAS 5.3 PCT OF KOPPERS": a buyer without a name
                return [_Ent(seg.text[toks[k - 1].start : tok.end], False, toks[k - 1].start, tok.end)]
            if tok.low in _GROUP_REFS and seg.context:
                return self._context_group(seg)
            if tok.low in (",", "and"):
                crossed_comma = True
            k -= 1
        if a > 0 or tense == "ger":
            return self._sentence_subject(seg, i)
        return []

    @staticmethod
    def _describes(seg: _Seg, k: int) -> bool:
        """ "SoftBank-backed startup": a name in a compound adjective is not the actor."""
        toks = seg.toks
        return k + 2 < len(toks) and toks[k + 1].text == "-" and toks[k + 2].low in _COMPOUND_TAILS

    def _bare_after_comma(self, seg: _Seg, k: int, i: int) -> bool:
        """True for "X to buy Y, sign pact": after the comma only the verb (and helpers) remain."""
        toks = seg.toks
        j = k + 1
        while j < i and toks[j].low not in (",", "and"):
            j += 1
        if j >= i:
            return False
        return all(t.low in self.aux or t.low in (",", "and") for t in toks[j:i])

    def _first_group(self, seg: _Seg, a: int, b: int) -> list[_Ent]:
        for k in range(a, b):
            tok = seg.toks[k]
            if tok.kind == "E" and tok.ent is not None and tok.ent.name.lower() not in self.no_party:
                if tok.ent.possessive and k + 1 < b and seg.toks[k + 1].kind == "E":
                    continue
                if not tok.ent.watched and tok.ent.name.lower() in self.set["demonyms"]:
                    continue  # "Korean chip startup FuriosaAI": a people, then the name
                group, _ = self._group_right(seg, k, b)
                return group
        return []

    def _sentence_subject(self, seg: _Seg, before: int, plural: bool = False, singular: bool = False) -> list[_Ent]:
        if seg.context and self._described_subject(seg, before):
            # "The HR software maker announced ...": the title's company, described
            return self._context_group(seg) if plural else seg.context[:1]
        group = self._first_group(seg, 0, before)
        if singular and len(group) > 1:
            # "Microsoft, Nvidia to invest in Anthropic as it commits ...": "it" is no pair, but the one named last
            for k in range(before - 1, -1, -1):
                ent = seg.toks[k].ent
                if ent is not None and ent.name.lower() not in self.no_party and all(ent is not g for g in group):
                    return [ent]
        if group:
            return group
        if seg.context:
            return self._context_group(seg) if plural else seg.context[:1]
        return []

    def _described_subject(self, seg: _Seg, before: int) -> bool:
        """Whether the sentence opens "The <words> <descriptor>" before any name: "The Jira maker ..."."""
        toks = seg.toks
        if not toks or toks[0].low != "the":
            return False
        for k in range(1, min(before, 6)):
            tok = toks[k]
            if tok.low in self.set["descriptor_nouns"]:
                return True
            ent = tok.ent
            acronym = ent is not None and not ent.watched and ent.name.isupper() and len(ent.name) <= 4
            if ent is not None and ent.name.lower() not in self.no_party and not acronym:
                return False  # a name; but "The CRM maker" is a description
        return False

    @staticmethod
    def _refers_to_group(seg: _Seg, k: int, limit: int) -> int:
        """ "the two companies", "both firms", "the pair": the parties named before, together.

        Returns where that phrase ends, 0 when there is none."""
        toks = seg.toks
        m = k
        while m < min(limit, k + 3) and toks[m].low in ("the", "these", "those", "both", "two"):
            m += 1
        if m < limit and toks[m].low in ("pair", "companies", "firms", "partners", "sides", "groups"):
            return m + 1
        return m if m > k and toks[m - 1].low == "both" else 0

    def _context_group(self, seg: _Seg) -> list[_Ent]:
        out: list[_Ent] = []
        for e in seg.context:
            if e.name.lower() not in self.no_party and all(o.name != e.name for o in out):
                out.append(e)
        return out[:3]

    def _object(
        self, seg: _Seg, j: int, limit: int, *, stop_at: Iterable[str] | None = None, exclude: Sequence[_Ent] = ()
    ) -> _Obj:
        """What a verb or noun at j points at: skips amounts, stakes, articles and descriptions."""
        toks = seg.toks
        stops = self.preps if stop_at is None else frozenset(stop_at)
        obj = _Obj(end=j)
        k = j
        skipped = 0
        content = 0  # non-filler words passed over
        last_content = ""
        last_was_pct = False
        definite = False
        while k < limit and skipped <= 7:
            tok = toks[k]
            if seg.brk[k] or tok.low == ",":
                break
            if tok.kind == "$":
                if obj.amount is None:
                    obj.amount = tok
                k += 1
                continue
            if tok.kind == "%":
                obj.pct = tok.pct
                obj.stake = True
                last_was_pct = True
                k += 1
                continue
            if tok.kind == "E":
                ent = tok.ent
                assert ent is not None
                if ent.name.lower() in self.no_party and not (
                    k + 1 < limit and toks[k + 1].low in self.set["unit_nouns"]
                ):
                    k += 1
                    skipped += 1
                    continue
                if content and seg.style != "normal" and last_content not in self.set["descriptor_nouns"]:
                    break
                k = self._take_object(seg, k, limit, obj)
                break
            low = tok.low
            if low in _GROUP_HEADS and k + 1 < limit and toks[k + 1].low == "group":
                # "a rival bid from a management group": a buyer without a name, unless its leader is named
                led = self._object(seg, k + 4, limit) if seg.lows[k + 2 : k + 4] == ["led", "by"] else None
                if led is not None and led.ents:
                    obj.ents, obj.end = led.ents[:1], led.end  # "led by Dallas businessman Fred Currey"
                else:
                    obj.ents = [_Ent(seg.text[tok.start : toks[k + 1].end], False, tok.start, toks[k + 1].end)]
                    obj.end = k + 2
                return obj
            if low == "up" and k + 2 < limit and toks[k + 1].low == "to" and toks[k + 2].kind in ("%", "$"):
                k += 2  # "buy up to 20 pct of Sun"
                continue
            if low in ("in", "of") and (last_was_pct or (k > j and toks[k - 1].low in self.set["stake_nouns"])):
                k += 1
                continue
            last_was_pct = False
            if low in self.set["stake_nouns"]:
                obj.stake = True
                k += 1
                continue
            if low in self.set["majority_words"]:
                obj.majority = True
            if low in self.deal_nouns:
                obj.deal_noun = True
            if low in stops:
                break
            if low in ("the", "this", "that"):
                definite = True
            if definite and low in self.set["descriptor_nouns"] and not (k + 1 < limit and toks[k + 1].kind == "E"):
                ref = self._recent_other(seg, j, exclude)
                if ref is not None and (k == 0 or toks[k - 1].low not in ("combined", "new", "merged", "joint")):
                    obj.ents = [ref]
                    obj.end = k + 1
                    obj.referred = True
                    return obj
            if (
                seg.style == "normal"
                and k == j
                and tok.kind == "w"
                and tok.text[:1].islower()
                and low not in self.vocab
                and low not in self.set["fillers"]
                and tok.text.isalnum()
                and (k + 1 >= limit or toks[k + 1].kind != "w" or toks[k + 1].low in self.preps)
                and not self._named_later(seg, k + 1, limit)
            ):
                # "to acquire npm, the registry": a lower-case brand right after the verb
                ent = _Ent(tok.text, False, tok.start, tok.end, tok.poss)
                obj.ents = [ent]
                obj.end = k + 1
                return obj
            if content == 0 and seg.style in ("title", "upper") and self._weak_namey(tok, seg.style):
                m = k
                while m + 1 < limit and self._weak_namey(toks[m + 1], seg.style) and not toks[m].poss:
                    m += 1
                if m > k or tok.low not in self.vocab:
                    ent = _Ent(seg.text[tok.start : toks[m].end], False, tok.start, toks[m].end, toks[m].poss)
                    obj.ents = [ent]
                    obj.end = m + 1
                    return obj
            if low not in self.set["fillers"]:
                content += 1
                last_content = low
            k += 1
            skipped += 1
        if not obj.ents:
            obj.end = k
        return obj

    def _named_later(self, seg: _Seg, k: int, limit: int) -> bool:
        """ "voice AI startup PlayAI": a description that ends in the name it describes."""
        toks = seg.toks
        for m in range(k, min(limit - 1, k + 4)):
            if toks[m].low in self.set["descriptor_nouns"] and toks[m + 1].kind == "E":
                return True
        return False

    def _take_object(self, seg: _Seg, k: int, limit: int, obj: _Obj) -> int:
        toks = seg.toks
        ent = toks[k].ent
        assert ent is not None
        # "India's Bharti Airtel", "Deutsche Telekom's T-Mobile": the possessed one is meant,
        # but "SoftBank's Vision Fund" stays SoftBank when only the owner is watched.
        if ent.possessive and k + 1 < limit and toks[k + 1].kind == "E":
            nxt = toks[k + 1].ent
            assert nxt is not None
            a_unit = k + 2 < limit and self._org_unit_word(toks[k + 2])  # "Schlumberger's Fairchild unit"
            if a_unit or not (ent.watched and not nxt.watched and not seg.title):
                obj.owner = ent
                return self._take_object(seg, k + 1, limit, obj)
        if (
            obj.owner is not None
            and ent.name.lower() in self.no_party
            and k + 1 < limit
            and toks[k + 1].low in self.set["unit_nouns"]
        ):
            # "TikTok's U.S. business" is TikTok
            obj.ents = [obj.owner]
            obj.owner = None
            obj.end = k + 2
            return k + 2
        if obj.owner is not None and ent.name.lower() in self.no_party:
            # "Intel's Ireland chip-plant venture": a unit named by its place
            end = k + 1
            while end < limit and end - k <= 4 and toks[end].kind == "w" and toks[end].text[:1].islower():
                end += 1
            if end > k + 1 and (toks[end - 1].low in self.set["unit_nouns"] or toks[end - 1].low == "venture"):
                obj.ents = [_Ent(seg.text[ent.start : toks[end - 1].end], False, ent.start, toks[end - 1].end)]
                obj.end = end
                return end
        if ent.possessive:
            phrase, end = self._unit_phrase(seg, k + 1, limit)
            if phrase is not None:
                obj.owner = ent
                obj.ents = [phrase]
                obj.end = end
                return end
        # "Bethesda parent ZeniMax Media", "Cambridge chip designer ARM"
        m = k + 1
        while (
            m < limit
            and m - k <= 4
            and toks[m].kind == "w"
            and (toks[m].text[:1].islower() or (seg.style != "normal" and toks[m].low in self.vocab))
        ):
            m += 1
        if (
            m < limit
            and m > k + 1
            and toks[m].kind == "E"
            and (toks[m - 1].low in self.set["descriptor_nouns"] or toks[m - 1].low in _PERSON_ROLES)
        ):
            return self._take_object(seg, m, limit, obj)  # "FTX chief executive Sam Bankman-Fried" is the person
        # "Motorola handset unit" is Motorola; "China operations" is the unit itself
        if (
            k + 1 < limit
            and not ent.watched
            and self._org_unit_word(toks[k + 1])
            and ent.name.lower() not in self.no_party
            and ent.name.lower() not in self.set["demonyms"]
        ):
            obj.ents = [ent]  # "the Foodpanda unit" is Foodpanda
            if seg.style == "upper" and toks[k + 1].low in ("division", "business"):
                # but "SELL PACIFIC DIVISION" names the division in capitals ("HERTZ UNIT" is still Hertz)
                obj.ents = [_Ent(seg.text[ent.start : toks[k + 1].end], False, ent.start, toks[k + 1].end)]
            obj.end = k + 2
            return k + 2
        if k + 1 < limit and toks[k + 1].low in self.set["unit_nouns"] and toks[k + 1].low != "stake":
            unit = _Ent(seg.text[ent.start : toks[k + 1].end], False, ent.start, toks[k + 1].end)
            obj.ents = [unit]
            obj.owner = obj.owner or None
            obj.end = k + 2
            return k + 2
        group, end = self._group_right(seg, k, limit)
        # "PACIFIC DIVISION" in capitals names the unit; "Watson Health Business" in mixed case is Watson Health
        obj.ents = group if seg.style == "upper" else [self._without_unit_word(e) for e in group]
        if end < limit and toks[end].low in self.set["stake_nouns"]:
            obj.stake = True
            end += 1
        else:
            obj.product = self._goods_follow(seg, end, limit)
            m = end
            while (
                m < limit
                and m - end < 3
                and toks[m].kind == "w"
                and (toks[m].text[:1].islower() or seg.style == "upper")  # "SCHLUMBERGER UNIT" in capitals
            ):
                if toks[m].low in self.set["unit_nouns"] and toks[m].low != "stake":
                    obj.unit = _Ent(seg.text[toks[end].start : toks[m].end], False, toks[end].start, toks[m].end)
                    break
                m += 1
        obj.end = end
        return end

    def _org_unit_word(self, tok: _Tok) -> bool:
        """ "unit", "division", "Business": a word after a name that makes the name a unit's own."""
        return tok.low in self.set["org_unit_nouns"] or (
            tok.low in ("business", "businesses", "segment") and tok.text[:1].isupper()
        )

    def _without_unit_word(self, ent: _Ent) -> _Ent:
        """ "Watson Health Business" is Watson Health: a capitalised unit word ends no company's name."""
        head, _, last = ent.name.rpartition(" ")
        if ent.watched or not head or not last[:1].isupper() or not self._org_unit_word(_Tok("w", last, 0, 0)):
            return ent
        return _Ent(head, False, ent.start, ent.start + len(head), ent.possessive)

    def _goods_follow(self, seg: _Seg, k: int, limit: int) -> bool:
        """ "Apple devices", "Nvidia chips": plain nouns after a name, none of them a business unit."""
        toks = seg.toks
        m = k
        if k < limit and toks[k].low in self.verb_forms:
            return False  # "Informatica collapse": the name is the subject of a verb, not a brand
        while m < limit and m - k < 3 and toks[m].kind == "w" and toks[m].text[:1].islower():
            low = toks[m].low
            if low in self.preps or low in self.set["fillers"] or low in _TIME_WORDS:
                break  # "buy SSI earlier this year": a time, not goods
            if low in self.set["unit_nouns"] or low in self.set["descriptor_nouns"] or low in self.deal_nouns:
                return False
            if low not in self.vocab:
                return False
            m += 1
        return m > k

    def _unit_phrase(self, seg: _Seg, k: int, limit: int) -> tuple[_Ent | None, int]:
        """A lower-case phrase ending in a unit noun: "smartphone modem business"."""
        toks = seg.toks
        m = k
        while (
            m < limit
            and m - k < 6
            and toks[m].kind == "w"
            and (toks[m].low not in self.preps or (toks[m].low == "and" and m > k))  # "media and entertainment"
        ):
            if toks[m].low in self.set["unit_nouns"] and toks[m].low != "stake":
                start = toks[k].start
                while k < m and toks[k].low in self.set["fillers"]:
                    k += 1
                    start = toks[k].start
                return _Ent(seg.text[start : toks[m].end], False, start, toks[m].end), m + 1
            m += 1
        return None, k

    def _phrase_object(self, seg: _Seg, j: int, limit: int) -> tuple[_Ent | None, int]:
        """A described thing with no name: "its pharmacies and clinics" up to the next preposition."""
        toks = seg.toks
        k = j
        while k < limit and toks[k].kind == "w" and toks[k].low in self.set["fillers"]:
            k += 1
        m = k
        while m < limit and toks[m].kind in ("w", "E") and toks[m].low not in self.preps_but_and:
            if seg.brk[m]:
                break
            m += 1
        if m == k or m - k > 5:
            return None, j
        start, end = toks[k].start, toks[m - 1].end
        return _Ent(seg.text[start:end], False, start, end), m

    def _recent_other(self, seg: _Seg, before: int, exclude: Sequence[_Ent] = ()) -> _Ent | None:
        subject = list(exclude) or self._subject(seg, before)
        names = {e.name for e in subject}
        for ent in seg.context:
            if ent.name not in names and ent.name.lower() not in self.no_party and ent.watched:
                return ent
        for k in range(before - 1, -1, -1):
            found = seg.toks[k].ent
            if found is not None and found.name not in names and found.name.lower() not in self.no_party:
                return found
        for ent in seg.context:
            if ent.name not in names:
                return ent
        return None

    def _after(self, seg: _Seg, start: int, limit: int, preps: tuple[str, ...]) -> tuple[list[_Ent], int]:
        """Names after the first of `preps` found in [start, limit): "from Google and Fidelity"."""
        wanted = _PHRASES.get(preps)
        if wanted is None:
            wanted = _PHRASES.setdefault(preps, tuple(tuple(p.split()) for p in preps))
        lows = seg.lows
        brk = seg.brk
        k = start
        while k < limit:
            if brk[k]:
                break
            low = lows[k]
            for words in wanted:
                if words[0] == low and (len(words) == 1 or tuple(lows[k : k + len(words)]) == words):
                    obj = self._object(seg, k + len(words), limit, stop_at=self.preps_but_and)
                    if obj.ents:
                        return obj.ents, obj.end
            k += 1
        return [], start

    def _compound_investors(self, seg: _Seg, a: int, b: int) -> list[_Ent]:
        """ "Goldman-led", "SoftBank-backed": the name before the hyphen backs the round."""
        out: list[_Ent] = []
        toks = seg.toks
        for k in range(a, min(b, len(toks) - 2)):
            if toks[k].kind == "E" and toks[k + 1].text == "-" and toks[k + 2].low in ("led", "backed", "co-led"):
                ent = toks[k].ent
                assert ent is not None
                out.append(ent)
        return out

    def _tense(self, seg: _Seg, i: int, verb: _Verb) -> str:
        toks = seg.toks
        k = i - 1
        while k >= 0 and toks[k].low in ("also", "now", "already", "just", "quietly", "officially", "finally"):
            k -= 1
        prev = toks[k].low if k >= 0 else ""
        if verb.tense in ("past", "pp") and prev in ("has", "have", "had"):
            return "perfect"
        if prev in ("to", "will", "would", "won't") or (prev == "be" and k > 0 and toks[k - 1].low == "to"):
            return "future"  # "agreed to be acquired" is still to happen
        if verb.tense == "ger" and prev in ("is", "are", "was", "were"):
            return "progressive"
        return verb.tense

    def _cand(
        self,
        seg: _Seg,
        etype: EventType,
        roles: dict[str, list[_Ent]],
        trigger: tuple[int, int],
        end: int,
        *,
        amount: _Tok | None = None,
        stake: float | None = None,
        strong: bool = True,
    ) -> _Cand:
        starts = [trigger[0]]
        for names in roles.values():
            for ent in names:
                for k, tok in enumerate(seg.toks):
                    if tok.ent is ent:
                        starts.append(k)
                        break
        return _Cand(
            etype, roles, seg, trigger, (min(starts), max(end, trigger[1])), amount=amount, stake=stake, strong=strong
        )

    def _between(self, seg: _Seg, actor: list[_Ent], a: int, b: int) -> list[_Ent]:
        names = {e.name for e in actor}
        for k in range(max(a, 0), b):
            ent = seg.toks[k].ent
            if ent is not None and ent.name not in names and ent.name.lower() not in self.no_party:
                return [ent]
        return []

    def _others_in_clause(self, seg: _Seg, i: int, have: list[_Ent]) -> list[_Ent]:
        a, b = self._clause(seg, i)
        names = {e.name for e in have}
        watched: list[_Ent] = []
        other: list[_Ent] = []
        for k in range(a, b):
            ent = seg.toks[k].ent
            if ent is None or ent.name in names or ent.name.lower() in self.no_party:
                continue
            (watched if ent.watched else other).append(ent)
        return (watched or other)[:2]

    @staticmethod
    def _has_word(seg: _Seg, a: int, b: int, words: Iterable[str]) -> bool:
        wanted = words if isinstance(words, set | frozenset) else frozenset(words)
        lows = seg.lows if len(seg.lows) == len(seg.toks) else [t.low for t in seg.toks]
        return not wanted.isdisjoint(lows[max(a, 0) : b])
