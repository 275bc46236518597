"""classify: verb frames for partnerships, supply and contract deals, and deals ended or dropped."""

from __future__ import annotations

from bot.model import EventType
from bot.pipeline.classify.candidates import _Cand, _unique
from bot.pipeline.classify.lexicon_index import _Verb
from bot.pipeline.classify.ownership_verbs import _OwnershipVerbs
from bot.pipeline.classify.tokens import _Ent, _Seg

_ADOPT_VERBS = frozenset({"use", "deploy", "integrate"})  # taking on a supplier's product, when decided
_PARTNER_NEXT = frozenset({"with", "on", "to", "up", "together", "for", "across", "around", "again"})


# What a company moves that is a place of its own, not a supplier: "moves headquarters to Atlanta".
_RELOCATED = frozenset(
    {"headquarters", "hq", "head", "offices", "office", "base", "plant", "plants", "factory", "jobs"}
)
_BIDS = frozenset({"bid", "offer", "approach", "proposal", "overture", "bids", "offers", "proposals"})
# A company's own offerings: "drop ZapMail service" ends a product, not a partnership.
_OFFERINGS = frozenset({"service", "services", "product", "products", "line", "brand", "feature", "features"})
# Contracts whose price may stand before them when they are cancelled: "cancels a $6.5 billion battery order".
_PRICED_CONTRACTS = frozenset({"order", "orders", "contract", "contracts", "supply", "licensing", "license", "licence"})
_PERSON_WORDS = frozenset(
    {"ceo", "chief", "chairman", "chair", "president", "head", "cfo", "cto", "coo", "director", "executive"}
    | {"boss", "lead", "leader", "former", "co-founder", "cofounder"}
)


class _RelationshipVerbs(_OwnershipVerbs):
    """Verb frames that start, change or end a business relationship."""

    def _v_partner(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        toks = seg.toks
        if verb.lemma in ("work", "team", "ally", "collaborate", "reunite") and not (
            j < limit and toks[j].low in ("with", "up", "together")
        ):
            return []
        if verb.lemma == "partner" and j < len(toks) and toks[j].low in ("of", "in", "at", "'s"):
            return []
        if verb.lemma == "partner" and not (j < limit and (toks[j].kind == "E" or toks[j].low in _PARTNER_NEXT)):
            return []  # "Casetext, an early OpenAI partner,": the noun, not the verb
        if i > 0 and toks[i - 1].low in ("a", "the", "its", "their", "as", "key", "strategic"):
            return []
        subj = self._subject(seg, i, verb.tense)
        with_ents, end = self._after(seg, j, limit, ("with",))
        parties = _unique(subj + with_ents)
        return [self._cand(seg, "partnership", {"parties": parties}, (i, j), max(end, j))] if parties else []

    def _v_engage(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        toks = seg.toks
        if (
            verb.tense in ("past", "pp")
            and i > 0
            and toks[i - 1].kind == "E"
            and not self._passive_agent(seg, j, limit, verb)
        ):
            pass
        elif verb.tense in ("past", "pp") and self._passive_agent(seg, j, limit, verb):
            return []
        if verb.lemma in _ADOPT_VERBS and not self._decided(seg, i, verb):
            return []  # "Apple uses Samsung screens" tells of what is, "will use" of a choice made
        k = j
        while (
            k < limit
            and k - j < 4
            and (
                (toks[k].kind == "w" and (toks[k].low in self.set["fillers"] or toks[k].low.isdigit()))
                or (toks[k].low == "," and k > j and toks[k - 1].low.isdigit())  # "deploy 50,000 AMD chips"
            )
        ):
            k += 1
        if k < limit and verb.lemma in ("license", "licence"):
            ent = toks[k].ent
            if ent is None or ent.name.lower() in self.no_party:
                return self._licensed(seg, i, j, k, limit, verb)
        if k >= limit or toks[k].kind != "E":
            return []
        ent = toks[k].ent
        assert ent is not None
        if verb.lemma == "add" and not ent.possessive:
            return []  # "adds xAI's models" takes a supplier on; "adds Intel to its index" does not
        if ent.possessive:
            # "will use Anthropic's models", "taps Google's Gemini": the maker of what is taken on is the supplier
            if k + 1 < len(toks) and toks[k + 1].low in self.deal_nouns:
                return []
            if verb.lemma not in _ADOPT_VERBS and (
                verb.lemma not in ("tap", "pick", "select", "choose", "add") or self._person_after(seg, k + 1, limit)
            ):
                return []
            subj = self._subject(seg, i, verb.tense)
            if not subj:
                return []
            return [self._cand(seg, "partnership", {"parties": _unique([*subj, ent])}, (i, j), k + 1)]
        group, end = self._group_right(seg, k, limit)
        if self._person_after(seg, end, limit) or any(w.lower() in _PERSON_WORDS for w in ent.name.split()):
            return []  # "taps X as CEO", "taps Instacart CEO Fidji Simo": a person, not a supplier
        if end < len(toks) and toks[end].low in self.deal_nouns:
            return []
        subj = self._subject(seg, i, verb.tense)
        if not subj:
            return []
        return [self._cand(seg, "partnership", {"parties": _unique([*subj, g])}, (i, j), end) for g in group]

    def _plural_goods(self, name: str) -> bool:
        """ "Capsule Medicines": a plural common noun ends it, so it names goods rather than a company."""
        last = name.split()[-1].lower()
        return (
            last.endswith("s")
            and not last.endswith("ss")
            and last not in self.set["corporate_suffixes"]
            and last not in self.set["name_tails"]
        )

    def _person_after(self, seg: _Seg, start: int, limit: int) -> bool:
        """ "taps X as CEO", "picks Scale AI's founder": the one engaged is a person."""
        toks = seg.toks
        return any(
            toks[m].low in _PERSON_WORDS or toks[m].low in self.company_people
            for m in range(start, min(limit + 3, len(toks), start + 3))
        )

    def _decided(self, seg: _Seg, i: int, verb: _Verb) -> bool:
        """ "will use", "to adopt", "begins using": a new choice rather than a habit."""
        prev = seg.toks[i - 1].low if i > 0 else ""
        return self._tense(seg, i, verb) == "future" or prev in ("begins", "begin", "starts", "start", "agrees")

    def _licensed(self, seg: _Seg, i: int, j: int, k: int, limit: int, verb: _Verb) -> list[_Cand]:
        """ "licenses its chip designs to Apple"; "hires Adept's founders and licenses its technology"."""
        subj = self._subject(seg, i, verb.tense)
        if not subj:
            return []
        other, end = self._after(seg, k, limit, ("to", "from"))
        if not other and seg.toks[j].low in ("its", "their"):
            ref = self._recent_other(seg, i, subj)
            other, end = ([ref], k + 1) if ref is not None and ref.name.lower() not in self.no_party else ([], k)
        if not other:
            return []
        return [self._cand(seg, "partnership", {"parties": _unique(subj + other)}, (i, j), max(end, j))]

    def _v_supply(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        """ "Google Cloud to supply TPUs to SSI", "supplies Apple with modems": a supplier and its customer."""
        toks = seg.toks
        if verb.tense in ("past", "pp") and self._passive_agent(seg, j, limit, verb):
            return []
        ent = toks[j].ent if j < limit else None
        if ent is not None and j + 1 < limit and toks[j + 1].low == "with":
            customer, end = [ent], j + 1
        else:
            customer, end = self._after(seg, j, min(limit, j + 8), ("to", "for"))
        customer = [e for e in customer if e.name.lower() not in self.no_party]
        subj = self._subject(seg, i, verb.tense)
        if not customer or not subj:
            return []
        return [self._cand(seg, "partnership", {"parties": _unique(subj + customer)}, (i, j), end)]

    def _v_award(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        toks = seg.toks
        if j >= limit or toks[j].kind != "E":
            return []
        subj = self._subject(seg, i, verb.tense)
        group, end = self._group_right(seg, j, limit)
        amount = None
        found = False
        for m in range(end, min(limit, end + 7)):
            if toks[m].kind == "$" and amount is None:
                amount = toks[m]
            if toks[m].low in self.partnership_nouns or toks[m].low in ("deal", "order", "contract"):
                found = True
                end = m + 1
                break
        if not subj or not found:
            return []
        return [
            self._cand(seg, "partnership", {"parties": _unique([*subj, g])}, (i, j), end, amount=amount) for g in group
        ]

    def _v_win(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        toks = seg.toks
        if verb.lemma == "win" and j < limit and toks[j].kind == "E":
            won = self._won_with_bid(seg, i, j, limit, verb)
            if won:
                return won
        amount = None
        found = -1
        for m in range(j, min(limit, j + 8)):
            if toks[m].kind == "$" and amount is None:
                amount = toks[m]
            if toks[m].low in ("contract", "contracts", "deal", "order", "orders", "deals", "partnership", "pact"):
                found = m
                break
            if toks[m].kind == "E":
                break
        if found < 0:
            return []
        subj = self._subject(seg, i, verb.tense)
        other, end = self._after(seg, found + 1, limit, ("from", "with", "by"))
        if not subj or not other:
            return []
        return [self._cand(seg, "partnership", {"parties": _unique(subj + other)}, (i, j), end, amount=amount)]

    def _won_with_bid(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        """ "Nestle wins Rowntree with raised offer", "KKR wins RJR Nabisco": a contest for a company won."""
        toks = seg.toks
        ent = toks[j].ent
        assert ent is not None
        with_at = next((m for m in range(j + 1, min(limit, j + 3)) if toks[m].low in ("with", "after", "in")), -1)
        bid = with_at >= 0 and any(
            toks[m].low in ("bid", "offer", "tender", "takeover", "battle", "contest", "fight")
            for m in range(with_at + 1, min(len(toks), with_at + 7))
        )
        subj = self._subject(seg, i, verb.tense)
        if not bid or not subj or ent.possessive:
            return []
        return [self._cand(seg, "acquisition", {"acquirer": subj, "target": [ent]}, (i, j), j + 1)]

    def _v_appoint(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        toks = seg.toks
        if j >= limit or toks[j].kind != "E":
            return []
        ent = toks[j].ent
        assert ent is not None
        words = [t.low for t in toks[j + 1 : min(limit, j + 6)]]
        if not words or words[0] not in ("its", "their", "the", "as"):
            return []
        if not any(
            w in ("default", "exclusive", "preferred", "primary", "official", "sole", "main") for w in words
        ) and not any(w in ("provider", "partner", "supplier", "vendor") for w in words):
            return []
        subj = self._subject(seg, i, verb.tense)
        if not subj:
            return []
        return [self._cand(seg, "partnership", {"parties": _unique([*subj, ent])}, (i, j), j + 1)]

    def _v_drop(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        toks = seg.toks
        subj = self._subject(seg, i, verb.tense)
        if not subj:
            return []
        if verb.lemma == "pull":
            other, end = self._after(seg, j, limit, ("from", "out of"))
            if not other:
                return []
            return [self._cand(seg, "partnership_end", {"parties": _unique(subj + other)}, (i, j), end)]
        k = j
        while k < limit and toks[k].kind == "w" and toks[k].low in self.set["fillers"] and k - j < 3:
            k += 1
        if k + 1 < limit and toks[k].low in ("use", "usage") and toks[k + 1].low == "of":
            k += 2  # "phase out use of OpenAI models"
        if verb.lemma == "phase out":
            # "phase out (their shop-in-shop) partnership (with Y)"
            noun = next((m for m in range(k, min(limit, k + 4)) if toks[m].low in self.set["relationship_nouns"]), -1)
            if noun >= 0 and all(toks[m].kind == "w" for m in range(k, noun)):
                other, end = self._after(seg, noun, limit, ("with",))
                if other or len(subj) >= 2:
                    parties = _unique(subj + other)
                    return [self._cand(seg, "partnership_end", {"parties": parties}, (i, j), max(end, noun + 1))]
        if k >= limit or toks[k].kind != "E":
            return []
        ent = toks[k].ent
        assert ent is not None
        group, end = self._group_right(seg, k, limit)
        if end < len(toks) and (toks[end].low in self.deal_nouns or toks[end].low in self.funding_nouns):
            return []
        if end < len(toks) and toks[end].low in _OFFERINGS:
            return []  # "to drop ZapMail service": its own product, not a partner
        if ent.possessive:
            # "cuts off Windsurf's access to Claude", "revokes OpenAI's licence": what the other had from it
            m = k + 1
            while m < min(limit, k + 4) and toks[m].kind == "w" and toks[m].low not in self.set["access_nouns"]:
                m += 1
            if m < limit and toks[m].low in self.set["access_nouns"]:
                return [self._cand(seg, "partnership_end", {"parties": _unique([*subj, ent])}, (i, j), m + 1)]
            return []
        if verb.lemma == "abandon" and self._deal_talk(seg):
            return []
        return [self._cand(seg, "partnership_end", {"parties": _unique([*subj, g])}, (i, j), end) for g in group]

    def _v_stop(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        toks = seg.toks
        if j >= limit or toks[j].low not in self.set["stop_gerunds"]:
            if j < limit and toks[j].low in ("business", "work", "ties", "shipments", "sales", "supplies"):
                other, end = self._after(seg, j, limit, ("with", "to"))
                subj = self._subject(seg, i, verb.tense)
                if subj and other:
                    return [self._cand(seg, "partnership_end", {"parties": _unique(subj + other)}, (i, j), end)]
            return []
        k = j + 1
        while k < limit and k - j < 5 and toks[k].kind != "E":
            if toks[k].low in self.preps:
                break
            k += 1
        if k >= limit or toks[k].kind != "E":
            other, end = self._after(seg, j + 1, limit, ("from", "with", "to"))
            if not other:
                return []
        else:
            obj = self._object(seg, k, limit)
            other, end = obj.ents, obj.end
            if obj.owner is not None:
                other = [obj.owner]
            elif (
                toks[j].low in ("selling", "making")
                and seg.style != "normal"
                and not any(e.watched for e in other)
                and all(self._plural_goods(e.name) for e in other)
            ):
                return []  # "to Stop Selling Capsule Medicines": goods in capitals, not a supplier
        subj = self._subject(seg, i, verb.tense)
        if not subj or not other:
            return []
        return [self._cand(seg, "partnership_end", {"parties": _unique(subj + other)}, (i, j), end)]

    def _v_cut(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        other, end = self._after(seg, j, min(limit, j + 6), ("with", "from"))
        if not other:
            return []
        toks = seg.toks
        if end < len(toks) and toks[end].low in self.deal_nouns:
            return []
        subj = self._subject(seg, i, verb.tense)
        if not subj:
            return []
        return [self._cand(seg, "partnership_end", {"parties": _unique(subj + other)}, (i, j), end)]

    def _v_end(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        toks = seg.toks
        k = j
        pre: list[_Ent] = []
        noun = -1
        while k < limit and k - j < 7:
            tok = toks[k]
            if tok.kind == "E" and tok.text.lower() in self.set["relationship_nouns"]:
                noun = k  # "unwind BlueOval SK battery JV": an abbreviation in capitals is still the venture
                break
            if tok.kind == "E":
                ent = tok.ent
                assert ent is not None
                pre.append(ent)
            elif tok.kind == "$":
                if not any(t.low in _PRICED_CONTRACTS for t in toks[k + 1 : min(limit, k + 4)]):
                    return []  # a "$6.5 billion battery order" is a contract; a "$44 bln Twitter deal" a purchase
            elif tok.low in self.dispute_nouns or tok.low in self.set["relationship_nouns"]:
                noun = k
                if not (k + 1 < limit and toks[k + 1].low in self.set["relationship_nouns"]):
                    break
            elif tok.low in self.deal_nouns - {"deal", "agreement", "deals", "agreements"}:
                return []
            elif tok.low in self.preps and tok.low != "and":
                break
            k += 1
        if noun < 0:
            return self._v_lapse(seg, i, j, limit, verb) if verb.lemma in ("end", "terminate") else []
        dispute = toks[noun].low in self.dispute_nouns
        if verb.lemma in ("resolve", "settle") and not dispute:
            return []
        subj = self._subject(seg, i, verb.tense)
        other, end = self._after(seg, noun + 1, limit, ("with", "between"))
        parties = _unique(subj + pre + other)
        if not parties:
            return []
        if len(parties) < 2:
            parties = _unique(parties + self._others_in_clause(seg, i, parties))
        a, _ = self._clause(seg, i)
        if len(parties) < 2 and a > 0 and seg.toks[a - 1].low in ("says", "said"):
            parties = _unique(parties + self._sentence_subject(seg, a))  # "AMD says Intel ended technology pact"
        etype: EventType = "partnership" if dispute else "partnership_end"
        return [self._cand(seg, etype, {"parties": parties}, (i, j), max(end, noun + 1))]

    def _v_lapse(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        toks = seg.toks
        a, _ = self._clause(seg, i)
        noun = -1
        for k in range(i - 1, max(a, i - 9) - 1, -1):
            if toks[k].low in self.set["relationship_nouns"] or toks[k].low in ("venture", "jv", "deal"):
                noun = k
                break
        if noun < 0 and not (i > 0 and toks[i - 1].low in ("will", "to")):
            return []
        if noun >= 0 and toks[noun].low in self.deal_nouns - {"deal", "deals"}:
            return []
        if (
            noun >= 0
            and toks[noun].low in ("deal", "deals")
            and (
                self._deal_talk(seg, strict=True)
                or (noun + 1 < len(toks) and toks[noun + 1].low == "for")
                or self._deal_to_own(seg, noun + 1)
            )
        ):
            return []
        parties = [t.ent for t in toks if t.ent is not None and t.ent.name.lower() not in self.no_party]
        parties = _unique(parties)
        if len(parties) < 2 and seg.context:
            parties = _unique(parties + self._context_group(seg))
        if not parties:
            return []
        c = self._cand(seg, "partnership_end", {"parties": parties}, (i, j), j)
        if noun >= 0:
            c.span = (min(c.span[0], noun), c.span[1])
            c.covers = noun
        return [c]

    def _deal_to_own(self, seg: _Seg, k: int) -> bool:
        """ "deal to buy Windsurf": a deal that changes ownership, which its own verb reports."""
        if k + 1 >= len(seg.toks) or seg.toks[k].low != "to":
            return False
        return any(
            i == k + 1 and isinstance(p, _Verb) and p.frame in ("buy", "sell", "merge", "invest", "pay", "put")
            for i, _, p in seg.hits
        )

    def _v_switch(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        subj = self._subject(seg, i, verb.tense)
        if not subj:
            return []
        toks = seg.toks
        if any(toks[m].low in _RELOCATED for m in range(j, min(limit, j + 4))):
            return []  # "to move headquarters to Atlanta": a place, not a supplier
        if verb.lemma == "swap":
            # "Walmart swaps Affirm for Klarna": one partner out, another in
            gone = self._object(seg, j, limit)
            came, end = self._after(seg, gone.end, min(limit, gone.end + 4), ("for",))
            people = any(e.name.split()[0].lower() in _PERSON_WORDS for e in gone.ents + came)
            if not gone.ents or not came or gone.product or people or self._person_after(seg, j, end):
                return []  # "Intel swaps CEO Bob Swan for VMware chief Pat Gelsinger": people, not partners
            return [
                self._cand(seg, "partnership_end", {"parties": _unique(subj + gone.ents)}, (i, j), gone.end),
                self._cand(seg, "partnership", {"parties": _unique(subj + came)}, (i, j), end),
            ]
        old, end1 = self._after(seg, j, limit, ("from", "away from"))
        new: list[_Ent] = []
        end2 = end1
        k = max(j, end1)
        while k < limit and toks[k].low != "to" and k - j < 8:
            k += 1
        if k < limit and toks[k].low == "to":
            # "to Mercor", "to rival Mercor", but not "moves to acquire X"
            m = k + 1
            while (
                m < limit
                and toks[m].kind == "w"
                and (toks[m].low in self.set["fillers"] or toks[m].low in self.set["descriptor_nouns"])
            ):
                m += 1
            if m < limit and toks[m].kind == "E":
                obj = self._object(seg, m, limit)
                new, end2 = obj.ents, obj.end
        if not old and not new:
            return []
        out: list[_Cand] = []
        if old:
            out.append(self._cand(seg, "partnership_end", {"parties": _unique(subj + old)}, (i, j), end1))
        if new:
            out.append(self._cand(seg, "partnership", {"parties": _unique(subj + new)}, (i, j), end2))
        for c in out:
            c.status_hint = "completed" if verb.tense in ("pres", "past") else None
        return out

    def _v_replace(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        toks = seg.toks
        subj = self._subject(seg, i, verb.tense)
        if j >= len(toks) or toks[j].kind != "E" or not subj:
            return []
        old = toks[j].ent
        assert old is not None
        k = j + 1
        customer: list[_Ent] = []
        if k < len(toks) and toks[k].low == "as" and k + 1 < len(toks) and toks[k + 1].kind == "E":
            owner = toks[k + 1].ent
            assert owner is not None
            if owner.possessive:
                customer = [owner]
        if customer:
            return [
                self._cand(seg, "partnership_end", {"parties": _unique([*customer, old])}, (i, j), k + 2),
                self._cand(seg, "partnership", {"parties": _unique(customer + subj)}, (i, j), k + 2),
            ]
        new, end = self._after(seg, k, limit, ("with",))
        if new:
            return [
                self._cand(seg, "partnership_end", {"parties": _unique([*subj, old])}, (i, j), end),
                self._cand(seg, "partnership", {"parties": _unique(subj + new)}, (i, j), end),
            ]
        own = self._in_house(seg, k, limit)
        if own:
            # "replace Broadcom chips with its own design": the supplier is dropped for work done at home
            return [self._cand(seg, "partnership_end", {"parties": _unique([*subj, old])}, (i, j), own)]
        return []

    def _in_house(self, seg: _Seg, k: int, limit: int) -> int:
        """Where "with its own ...", "with in-house ..." ends within a few words after k; 0 when absent."""
        lows = seg.lows
        for m in range(k, min(limit - 1, k + 5)):
            if lows[m] == "with" and (
                lows[m + 1] in ("in-house", "homegrown", "home-grown", "own")
                or (lows[m + 1] in ("its", "their") and m + 2 < limit and lows[m + 2] == "own")
            ):
                return min(limit, m + 4)
        return 0

    def _v_abandon(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        toks = seg.toks
        k = j
        while k < limit and toks[k].kind == "w" and toks[k].low in self.set["fillers"] and k - j < 3:
            k += 1
        if k >= limit or toks[k].kind != "E":
            return []
        ent = toks[k].ent
        assert ent is not None
        refused = verb.lemma in ("reject", "rebuff", "spurn", "turn down")
        bid_next = any(t.low in _BIDS for t in toks[k + 1 : min(limit, k + 4)])  # "Meta's $800M takeover offer"
        if (ent.possessive or (k + 1 < len(toks) and toks[k + 1].low in self.deal_nouns)) and not (
            refused and bid_next
        ):
            return []  # "drops Y's bid", "rejects Y deal": the noun frame reads it
        kind = self._deal_talk(seg)
        if kind is None:
            return []
        subj = self._subject(seg, i, verb.tense)
        if not subj:
            return []
        # "ChemLawn rejects Ecolab offer": the one refusing is the one bid for
        roles = {"acquirer": [ent], "target": subj} if refused else {"acquirer": subj, "target": [ent]}
        if kind == "merger":
            roles = {"parties": _unique([*subj, ent])}
        elif refused and bid_next:
            bidders, _ = self._group_right(seg, k, limit)
            if len(bidders) > 1:  # "Kroger rejects Kohlberg Kravis, Dart Group bids": one refusal per bidder
                end = next((m + 1 for m in range(k + 1, min(limit, k + 8)) if toks[m].low in _BIDS), k + 1)
                out = []
                for bidder in bidders:
                    c = self._cand(seg, kind, {"acquirer": [bidder], "target": subj}, (i, j), end)
                    c.status_hint = "terminated"
                    out.append(c)
                return out
        end = next((m + 1 for m in range(k + 1, min(limit, k + 4)) if toks[m].low in _BIDS), k + 1)
        c = self._cand(seg, kind, roles, (i, j), end if refused and bid_next else k + 1)
        c.status_hint = "terminated"
        return [c]

    def _v_belong(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        target = self._subject(seg, i, verb.tense)
        obj = self._object(seg, j, limit)
        if not target or not obj.ents:
            return []
        c = self._cand(seg, "acquisition", {"acquirer": obj.ents, "target": target}, (i, j), obj.end)
        c.status_hint = "completed"
        return [c]

    def _v_forgo(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        a, _ = self._clause(seg, i)
        if not self._has_word(seg, a, i, self.product_verbs):
            return []
        obj = self._object(seg, j, limit)
        subj = self._subject(seg, i, verb.tense)
        ents = [e for e in subj if all(e is not o for o in obj.ents)]
        for k in range(a, i):
            ent = seg.toks[k].ent
            if ent is not None and ent.name.lower() not in self.no_party:
                ents = [ent]
                break
        if not ents or not obj.ents:
            return []
        return [self._cand(seg, "partnership_end", {"parties": _unique(ents + obj.ents[:1])}, (i, j), obj.end)]

    def _v_arrive(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        """ "Google's Gemini models are coming to Oracle's cloud": a maker's product offered on another's platform."""
        toks = seg.toks
        a, _ = self._clause(seg, i)
        maker = next((t.ent for t in toks[a:i] if t.ent is not None and t.ent.possessive), None)
        host = toks[j].ent if j < limit else None
        if maker is None or host is None or not host.possessive:
            return []  # both sides named as owners: whose product comes to whose platform
        if maker.name.lower() in self.no_party or host.name.lower() in self.no_party:
            return []
        return [self._cand(seg, "partnership", {"parties": _unique([maker, host])}, (i, j), j + 2)]

    def _v_bet(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        toks = seg.toks
        # "weighs a billion-dollar bet on Poolside": the noun, an investment
        noun = i > 0 and (toks[i - 1].low in self.set["fillers"] or toks[i - 1].kind == "$" or "-" in toks[i - 1].low)
        k = j
        amount = None
        while k < limit and k - j < 6 and toks[k].low != "on":
            if toks[k].kind == "$":
                amount = toks[k]
            k += 1
        if k >= limit:
            return []
        subj = self._subject(seg, i, verb.tense)
        obj = self._object(seg, k + 1, limit)
        if not subj or not obj.ents:
            return []
        target = [obj.owner] if obj.owner is not None and obj.owner.watched else obj.ents
        if amount is not None or noun:
            return [self._cand(seg, "investment", {"investor": subj, "target": target}, (i, j), obj.end, amount=amount)]
        return [self._cand(seg, "partnership", {"parties": _unique(subj + target)}, (i, j), obj.end)]

    def _v_form(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        toks = seg.toks
        subj = self._subject(seg, i, verb.tense)
        if not subj:
            return []
        window = range(j, min(limit, j + 6))
        venture = any(toks[k].low in self.venture_words for k in window)
        with_ents, end = self._after(seg, j, limit, ("with",))
        if any(toks[k].kind == "E" for k in range(j, min(limit, j + 2))):
            return []
        if venture and len(subj) >= 2 and not with_ents:
            return [self._cand(seg, "partnership", {"parties": _unique(subj)}, (i, j), j + 1)]
        if with_ents and (venture or verb.lemma in ("launch", "unveil", "introduce", "roll out", "debut")):
            if self._has_word(seg, j, end, ("$",)) or any(toks[k].kind == "$" for k in range(j, end)):
                return []
            return [self._cand(seg, "partnership", {"parties": _unique(subj + with_ents)}, (i, j), end)]
        return []

    def _deal_talk(self, seg: _Seg, strict: bool = False) -> EventType | None:
        """Whether a segment talks about a merger or a purchase (strict: without the bare word "deal")."""
        lows = {t.low for t in seg.toks}
        if lows & {"merger", "merge", "merging"}:
            return "merger"
        words = {"bid", "offer", "takeover", "acquisition", "purchase", "buyout", "approach", "bids", "offers"}
        if not strict:
            words |= {"deal", "buy"}
        if lows & words or any(t.kind == "$" for t in seg.toks):
            return "acquisition"
        return None
