"""classify: verb frames for buying, selling, merging, investing and raising money."""

from __future__ import annotations

from collections.abc import Sequence

from bot.model import EventType
from bot.pipeline.classify.candidates import _Cand, _Obj, _unique
from bot.pipeline.classify.event_amounts import _EventAmounts
from bot.pipeline.classify.lexicon_index import _Verb
from bot.pipeline.classify.tokens import _Ent, _Seg, _Tok

# Words before "back" that make it another verb's particle: "bring back", "buy back", "cut back".
_BACK_PHRASAL = frozenset(
    {"bring", "brings", "brought", "bringing", "buy", "buys", "bought", "buying", "cut", "cuts", "scale", "scales"}
    | {"scaled", "pull", "pulls", "pulled", "roll", "rolls", "rolled", "step", "steps", "stepped", "come", "comes"}
    | {"came", "fight", "fights", "fought", "hold", "holds", "held", "give", "gives", "gave", "call", "calls", "pay"}
    | {"pays", "paid", "win", "wins", "won", "claw", "claws", "clawed", "sell", "sells", "sold", "set", "sets"}
)
# What a company issues to raise money when it "sells shares to" an investor.
_ISSUED = frozenset({"shares", "stock", "preferred", "convertible", "notes", "debentures"})
# Unnamed backers as a subject: "Investors pour $1 billion into Anthropic".
_BACKERS = frozenset({"investors", "backers", "vcs", "financiers", "funds"})
# Verbs that raise a holding: "raises stake in CBS", "LIFTS ALLEGIS STAKE".
_STAKE_RAISING = frozenset({"raise", "lift", "boost", "increase", "up"})
# Verbs before a gerund "selling" that make it trade in goods: "stop making and selling", "resume selling".
_TRADING_STOPS = frozenset({"stop", "stops", "stopped", "cease", "ceases", "ceased", "resume", "resumes", "resumed"})


class _OwnershipVerbs(_EventAmounts):
    """Verb frames that change who owns or funds whom; each proposes candidate events."""

    def _passive_agent(self, seg: _Seg, j: int, limit: int, verb: _Verb) -> list[_Ent]:
        if verb.tense not in ("past", "pp"):
            return []
        toks = seg.toks
        k = j
        while k < limit and (toks[k].kind == "$" or toks[k].low in self.set["fillers"]):
            k += 1
        if k < limit and toks[k].low == "by":
            obj = self._object(seg, k + 1, limit)
            return obj.ents
        return []

    def _v_buy(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        if verb.lemma == "hold" and j < limit and seg.toks[j].low in ("company", "companies", "co", "group"):
            return []  # "bank holding company"
        agent = self._passive_agent(seg, j, limit, verb)
        if agent:
            target = self._subject(seg, i)
            if not target:
                return []
            return [self._cand(seg, "acquisition", {"acquirer": agent, "target": target}, (i, j), j + 1)]
        subj = self._subject(seg, i, verb.tense)
        obj = self._object(seg, j, limit)
        private = verb.lemma == "take" and obj.end < limit and seg.toks[obj.end].low == "private"
        if not subj or not obj.ents or (obj.product and not obj.stake and not private):
            return []
        if verb.lemma in ("hold", "own", "has", "build") and obj.referred:
            return []
        if (
            verb.lemma in ("take", "get", "pick up", "nab", "scoop", "hold", "own", "has", "build")
            and not obj.stake
            and not obj.majority
            and not private  # "to take DigitalBridge private"
            and (verb.lemma != "take" or seg.toks[j - 1].low != "over")
        ):
            return []
        if verb.lemma == "has" and not (j < limit and seg.toks[j].kind == "%"):
            return []
        seller = []
        if obj.owner is not None:
            seller = [obj.owner]
        if obj.unit is not None and len(obj.ents) == 1:
            # "buy Intel modem unit": the unit is bought, from Intel
            seller = obj.ents
            obj.ents = [obj.unit]
        from_ents, end = self._after(seg, obj.end, limit, ("from",))
        if from_ents:
            seller = from_ents
        end = max(end, obj.end)
        stake = obj.pct
        if obj.owner is None and seller and all(e.watched for e in seller) and not any(e.watched for e in subj):
            obj.owner = seller[0]  # "<JUSCO CO> BUYS GENERAL MILLS UNIT": told from the watched seller's side
        if obj.owner is not None and obj.owner.watched and not any(e.watched for e in subj):
            # "Bain Capital buys 20% of Intel's IMS unit": told from the watched seller's side
            return [
                self._cand(
                    seg,
                    "divestiture",
                    {"seller": [obj.owner], "target": [t], "buyer": subj},
                    (i, j),
                    end,
                    amount=obj.amount,
                    stake=stake,
                )
                for t in obj.ents
            ]
        if obj.stake and not obj.majority and (stake is None or stake <= 50):
            out = [
                self._cand(
                    seg, "investment", {"investor": subj, "target": [t]}, (i, j), end, amount=obj.amount, stake=stake
                )
                for t in obj.ents
            ]
            if verb.lemma in ("hold", "own", "has", "build") and self._tense(seg, i, verb) != "future":
                for c in out:
                    c.status_hint = "completed"  # a holding reported is a holding had ("to hold 15%" is to come)
            return out
        out = []
        for t in obj.ents:
            roles = {"acquirer": subj, "target": [t]}
            if seller:
                roles["seller"] = seller
            out.append(self._cand(seg, "acquisition", roles, (i, j), end, amount=obj.amount, stake=stake))
        return out

    def _v_pay(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        toks = seg.toks
        k = j
        amount = None
        while k < limit and k - j < 6:
            if toks[k].kind == "$" and amount is None:
                amount = toks[k]
            if toks[k].kind == "E" or toks[k].low == "for":
                break
            k += 1
        if k == j and k < limit and toks[k].kind == "E" and verb.lemma == "pay":
            return self._paid_supplier(seg, i, j, limit, verb)
        if k >= limit or toks[k].low != "for" or (amount is None and verb.lemma == "pay"):
            return []
        subj = self._subject(seg, i, verb.tense)
        obj = self._object(seg, k + 1, limit)
        if not subj or not obj.ents:
            return []
        if amount is not None and self._tok_not_value(amount):
            amount = None
        if obj.owner is not None and obj.owner.watched and not any(e.watched for e in subj):
            # "Apollo to pay $11 billion for 49% of Intel's Ireland venture": told from the watched seller's side
            roles = {"seller": [obj.owner], "target": obj.ents, "buyer": subj}
            return [self._cand(seg, "divestiture", roles, (i, j), obj.end, amount=amount or obj.amount, stake=obj.pct)]
        if obj.stake and not obj.majority and (obj.pct is None or obj.pct <= 50):
            return [
                self._cand(
                    seg,
                    "investment",
                    {"investor": subj, "target": obj.ents},
                    (i, j),
                    obj.end,
                    amount=amount or obj.amount,
                    stake=obj.pct,
                )
            ]
        roles = {"acquirer": subj, "target": obj.ents}
        if obj.owner is not None:
            roles["seller"] = [obj.owner]
        return [self._cand(seg, "acquisition", roles, (i, j), obj.end, amount=amount or obj.amount, stake=obj.pct)]

    def _paid_supplier(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        """ "pay Google about $1 billion a year for Gemini": money to a supplier for its goods or rights."""
        toks = seg.toks
        ent = toks[j].ent
        if (
            ent is None
            or ent.possessive
            or ent.name.lower() in self.no_party
            or self._has_word(seg, 0, len(toks), self.set["exclusions"])
        ):
            return []  # "pay X $5 billion to settle": damages, not a deal
        amount = next((toks[m] for m in range(j + 1, min(limit, j + 5)) if toks[m].kind == "$"), None)
        if amount is None:
            return []
        # paid for something: "for Gemini", "to license its models", "in a drug pact"; not "in expenses"
        end = -1
        for m in range(amount.idx + 1, min(limit, amount.idx + 9)):
            low = toks[m].low
            if low in self.deal_nouns or low in self.partnership_nouns or low in ("contract", "pact"):
                end = m + 1
                break
            if end < 0 and (low == "for" or (low == "to" and m + 1 < limit and toks[m + 1].kind == "w")):
                end = m
        if end < 0:
            return []
        subj = self._subject(seg, i, verb.tense)
        if not subj:
            return []
        return [self._cand(seg, "partnership", {"parties": _unique([*subj, ent])}, (i, j), end, amount=amount)]

    def _v_sell(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        agent = self._passive_agent(seg, j, limit, verb)
        if agent:
            return []
        if verb.tense == "ger" and any(t.low in _TRADING_STOPS for t in seg.toks[max(0, i - 4) : i]):
            return []  # "will stop making and selling instant cameras": trade in goods stops, nothing is sold
        subj = self._subject(seg, i, verb.tense)
        if not subj:
            return []
        obj = self._object(seg, j, limit)
        weak = verb.lemma in ("hand", "shed", "quit", "exit", "unwind", "dump stake")
        if obj.ents and obj.owner is None and weak and not obj.stake:
            unit = seg.toks[obj.end - 1].low in self.set["unit_nouns"] if obj.end > 0 else False
            if not unit:
                return []
        target = obj.ents
        end = obj.end
        if verb.lemma in ("quit", "exit") and not obj.stake and not self._after(seg, end, limit, ("to",))[0]:
            return []  # "quit municipal bond business": a line of business closed, nothing sold
        if not target and obj.stake:
            buyer, end2 = self._after(seg, end, limit, ("to",))
            held = self._recent_other(seg, i, subj) if not buyer and seg.toks[j].low in ("its", "their") else None
            if held is not None and held.name.lower() not in self.no_party:
                # "cashes out of Nvidia, selling its entire $5.83bn stake": the stake it held in the one named
                return [
                    self._cand(
                        seg,
                        "divestiture",
                        {"seller": subj, "target": [held]},
                        (i, j),
                        end,
                        amount=obj.amount,
                        stake=obj.pct,
                    )
                ]
            issued = seg.toks[obj.end - 1].low in _ISSUED if obj.end > j else False
            if buyer and issued and obj.pct is None:
                # "PaineWebber sells shares to Yasuda": new shares issued, money raised
                return [
                    self._cand(seg, "funding", {"target": subj, "investors": buyer}, (i, j), end2, amount=obj.amount)
                ]
            if buyer:
                # "X to sell 12.5% stake to Y": Y buys into X
                return [
                    self._cand(
                        seg,
                        "investment",
                        {"investor": buyer, "target": subj},
                        (i, j),
                        end2,
                        amount=obj.amount,
                        stake=obj.pct,
                    )
                ]
        if not target:
            phrase, end = self._phrase_object(seg, j, limit)
            if phrase is None:
                return []
            last = seg.text[phrase.start : phrase.end].split()[-1].lower()
            if weak and last not in self.set["unit_nouns"]:
                return []
            target = [phrase]
        buyer, end2 = self._after(seg, end, limit, ("to",))
        if obj.product and not obj.stake and not buyer:
            return []  # selling goods to customers, not a business to a buyer
        roles: dict[str, list[_Ent]] = {"seller": subj, "target": target}
        if buyer:
            roles["buyer"] = buyer
        if any(t.name == s.name for t in target for s in subj):
            # "Texaco to sell Texaco Canada": a subsidiary under the parent's name is what is sold
            target = roles["target"] = [self._subsidiary(seg, t) for t in target]
            if any(t.name == s.name for t in target for s in subj):
                return []
        c = self._cand(seg, "divestiture", roles, (i, j), max(end, end2), amount=obj.amount, stake=obj.pct)
        if verb.lemma.endswith("stake in"):
            toks = seg.toks
            if end + 1 < limit and toks[end].low == "to" and toks[end + 1].kind == "%":
                c.stake, c.span = toks[end + 1].pct, (c.span[0], end + 2)  # the holding left: "to 4.5 pct"
            if self._tense(seg, i, verb) in ("pres", "past", "perfect"):
                c.status_hint = "completed"  # "cuts stake in Allegis to 4.5 pct": the shares are sold
        return [c]

    def _v_shop(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        """ "Allegis seeks buyer for Hertz unit": a sale sought, so a rumoured divestiture."""
        subj = self._subject(seg, i, verb.tense)
        obj = self._object(seg, j, limit)
        if not subj:
            return []
        target, end = obj.ents, obj.end
        if obj.unit is not None and len(target) == 1:
            target = [obj.unit]
        if not target:
            phrase, end = self._phrase_object(seg, j, limit)
            if phrase is None and verb.lemma != "shop" and (j >= limit or seg.toks[j].low in self.preps):
                # "Hilton Hotels seeks buyer": the company itself is for sale
                c = self._cand(seg, "acquisition", {"target": subj}, (i, j), j)
                c.status_hint = "rumor"
                return [c]
            if phrase is None or seg.text[phrase.start : phrase.end].split()[-1].lower() not in self.set["unit_nouns"]:
                return []
            target = [phrase]
        plain = verb.lemma == "shop" and not obj.stake and obj.unit is None and obj.owner is None
        if (obj.product or plain) and seg.toks[end - 1].low not in self.set["unit_nouns"]:
            return []  # "shops for groceries", "shops Nvidia chips"
        c = self._cand(seg, "divestiture", {"seller": subj, "target": target}, (i, j), end, stake=obj.pct)
        c.status_hint = "rumor"
        return [c]

    def _subsidiary(self, seg: _Seg, ent: _Ent) -> _Ent:
        """A watched name followed by more name words ("TEXACO CANADA") read as the whole unit."""
        surface = seg.text[ent.start : ent.end]
        if not ent.watched:
            return ent
        if self._key(surface) == self._key(ent.name) or self._key(surface) in self.canonical:
            # "CBS RECORDS": the name words after the watched name make the unit's name
            toks = seg.toks
            k = next((m + 1 for m, t in enumerate(toks) if t.ent is ent), len(toks))
            end = k
            while (
                end < len(toks)
                and end - k < 3
                and toks[end].kind == "w"
                and toks[end].text[:1].isupper()
                and toks[end].low not in self.preps
                and toks[end].low not in self.function_words
                and toks[end].low not in self.set["unit_nouns"]
            ):
                end += 1
            if end == k:
                return ent
            return _Ent(seg.text[ent.start : toks[end - 1].end], False, ent.start, toks[end - 1].end, ent.possessive)
        return _Ent(surface, False, ent.start, ent.end, ent.possessive)

    def _v_merge(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        subj = self._subject(seg, i, verb.tense)
        parties = list(subj)
        with_ents, end = self._after(seg, j, limit, ("with", "into"))
        parties += with_ents
        if len(parties) < 2:
            obj = self._object(seg, j, limit)
            parties += obj.ents
            end = max(end, obj.end)
        if len(parties) < 2 and verb.lemma == "combine":
            return []
        if not parties:
            return []
        return [self._cand(seg, "merger", {"parties": _unique(parties)}, (i, j), max(end, j))]

    def _v_invest(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        subj = self._subject(seg, i, verb.tense)
        if verb.lemma == "back" and i > 0 and seg.toks[i - 1].low in _BACK_PHRASAL:
            return []  # "to bring back original formula", "buys back shares"
        if verb.lemma == "back":
            obj = self._object(seg, j, limit)
            if not obj.ents or obj.deal_noun or any(e.possessive for e in obj.ents):
                return []
            if obj.end < limit and seg.toks[obj.end].low in self.deal_nouns:
                return []  # "Macmillan backs Maxwell offer": a bid endorsed, read by the noun
            target, end, amount = obj.ents, obj.end, obj.amount
        else:
            toks = seg.toks
            k = j
            amount = None
            while k < limit and k - j < 6 and toks[k].low not in ("in", "into"):
                if toks[k].kind == "$" and amount is None and not self._not_value(seg, k, True):
                    amount = toks[k]
                if toks[k].kind == "E":
                    break
                k += 1
            if k < limit and toks[k].low in ("in", "into"):
                obj = self._object(seg, k + 1, limit, exclude=subj)
                if obj.product and not obj.stake:
                    return []  # "invests $5 billion in Nvidia chips", "in UK AI infrastructure": spending
            else:
                obj = _Obj(end=k)
            target, end = obj.ents, obj.end
            amount = amount or obj.amount
            if not target and amount is not None and seg.title:
                ref = self._recent_other(seg, i, subj)
                target = [ref] if ref is not None else []
        if not subj or not target:
            return []
        funding = self._has_word(seg, i, limit, self.funding_nouns - {"funds", "round"}) or self._has_word(
            seg, i, limit, {"round", "series"}
        )
        if funding:
            return [self._cand(seg, "funding", {"target": target, "investors": subj}, (i, j), end, amount=amount)]
        return [
            self._cand(
                seg, "investment", {"investor": subj, "target": target}, (i, j), end, amount=amount, stake=obj.pct
            )
        ]

    def _v_put(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        toks = seg.toks
        if verb.lemma == "commit" and j < limit and toks[j].low == "to":
            return []
        k = j
        amount = None
        while k < limit and k - j < 4 and amount is None:
            if toks[k].kind == "$":
                amount = toks[k]
            k += 1
        if amount is None:
            return []
        while k < limit and k - j < 8 and toks[k].low not in ("into", "in", "to"):
            k += 1
        if k >= limit or toks[k].low not in ("into", "in", "to"):
            return []
        if not any(toks[m].kind == "E" for m in range(k + 1, min(limit, k + 5))):
            return []
        subj = self._subject(seg, i, verb.tense)
        obj = self._object(seg, k + 1, limit)
        if not subj and obj.ents and i > 0 and seg.toks[i - 1].low in _BACKERS:
            # "Investors pour $1 billion into Anthropic": a round from unnamed backers
            return [self._cand(seg, "funding", {"target": obj.ents[:1]}, (i, j), obj.end, amount=amount)]
        if not subj or not obj.ents:
            return []
        pct = obj.pct
        if pct is None:
            pct = self._stake_near(seg, obj.end, limit)
        deal_end = self._supply_deal_after(seg, obj.end, limit)
        if pct is None and deal_end:
            # "commits $500 million to MP Materials in rare-earth magnet supply deal": money for goods
            parties = _unique(subj + obj.ents)
            return [self._cand(seg, "partnership", {"parties": parties}, (i, j), deal_end, amount=amount)]
        return [
            self._cand(
                seg, "investment", {"investor": subj, "target": obj.ents}, (i, j), obj.end, amount=amount, stake=pct
            )
        ]

    def _supply_deal_after(self, seg: _Seg, start: int, limit: int) -> int:
        """Where "in (a) ... supply deal" right after `start` ends; 0 when no such deal follows."""
        toks = seg.toks
        if start >= limit or toks[start].low not in ("in", "under", "as", "via"):
            return 0
        for m in range(start + 1, min(limit, start + 8)):
            low = toks[m].low
            if (
                low in ("deal", "agreement", "pact", "contract")
                and toks[m - 1].low in self.set["partnership_modifiers"]
            ):
                return m + 1
            if low in self.preps:
                return 0
        return 0

    def _stake_near(self, seg: _Seg, start: int, limit: int) -> float | None:
        toks = seg.toks
        for k in range(start, min(limit, start + 8)):
            if toks[k].kind == "%" and k + 1 < len(toks) and toks[k + 1].low in self.set["stake_nouns"] | {"of"}:
                return toks[k].pct
        return None

    def _v_spend(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        toks = seg.toks
        k = j
        amount = None
        vague = False
        while k < limit and k - j < 4:
            if toks[k].kind == "$":
                amount = toks[k]
            vague = vague or toks[k].low in ("billions", "millions")
            if toks[k].low == "on":
                break
            k += 1
        if (amount is None and not vague) or k >= limit or toks[k].low != "on":
            return []
        subj = self._subject(seg, i, verb.tense)
        obj = self._object(seg, k + 1, limit)
        ents = obj.ents if obj.owner is None else [obj.owner]  # "billions on Google's TPU chips" is with Google
        if not subj or not ents or (obj.product and obj.owner is None and amount is None):
            return []
        return [self._cand(seg, "partnership", {"parties": _unique(subj + ents)}, (i, j), obj.end, amount=amount)]

    def _funding_amount(self, seg: _Seg, j: int, limit: int) -> tuple[_Tok | None, int, bool]:
        """The raise right after a funding verb, and whether funding words follow it."""
        toks = seg.toks
        k = j
        amount = None
        funding_word = False
        while k < limit and k - j < 5:
            tok = toks[k]
            if tok.kind == "$" and amount is None:
                if not self._not_value(seg, k):
                    amount = tok
                k += 1
                continue
            if tok.low in self.funding_nouns or tok.low in ("capital", "money", "cash", "series"):
                funding_word = True
                break
            if tok.low in self.set["stake_nouns"]:
                return None, k, False
            if amount is None and tok.low in self.amount_fillers and tok.low not in ("a", "an"):
                k += 1  # "secures more than $4 billion"
                continue
            if tok.kind == "E" or (tok.low in self.preps and tok.low not in ("in", "of")):
                break
            if tok.low in ("led", "co-led", "backed", "including"):
                break
            k += 1
        for m in range(k, min(limit, k + 4)):
            if toks[m].low in self.funding_nouns or toks[m].low == "series":
                funding_word = True
        return amount, k, funding_word

    def _v_raise(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        toks = seg.toks
        if self._people_subject(seg, i):
            return []
        if verb.lemma in ("debut", "emerge", "launch"):
            k = j
            while k < limit and toks[k].low not in ("with",) and k - j < 4:
                k += 1
            if k >= limit:
                return []
            amount, end, funding_word = self._funding_amount(seg, k + 1, limit)
            if amount is None or not funding_word:
                return []
        else:
            amount, end, funding_word = self._funding_amount(seg, j, limit)
            m = j
            while m < limit and toks[m].low in ("its", "their", "his", "her", "the", "a"):
                m += 1
            named_stake = m + 1 < limit and toks[m].kind == "E" and toks[m + 1].low in self.set["stake_nouns"]
            if verb.lemma in _STAKE_RAISING and m < limit and (toks[m].low in self.set["stake_nouns"] or named_stake):
                # "raises stake in CBS to 24.9 pct", "LIFTS ALLEGIS STAKE TO 9.8 PCT"
                obj = self._object(seg, m, limit)
                if named_stake:
                    ent = toks[m].ent
                    assert ent is not None
                    obj = _Obj(ents=[ent], stake=True, end=m + 2)
                subj = self._subject(seg, i, verb.tense)
                if not subj or not obj.ents:
                    return []
                pct = obj.pct
                end = obj.end
                if end + 1 < limit and toks[end].low == "to" and toks[end + 1].kind == "%":
                    pct = toks[end + 1].pct
                    end += 2
                etype: EventType = "acquisition" if pct is not None and pct > 50 else "investment"
                first = "acquirer" if etype == "acquisition" else "investor"
                c = self._cand(seg, etype, {first: subj, "target": obj.ents}, (i, j), end, stake=pct)
                if self._tense(seg, i, verb) in ("pres", "past", "perfect"):
                    c.status_hint = "completed"  # "Loews raises CBS stake to 24.9 pct": the shares are bought
                return [c]
            if verb.lemma in ("close", "complete") and not funding_word:
                return []
            if any(t.low in ("offer", "bid", "proposal") for t in toks[j : min(limit, end + 3)]):
                return []  # "with raised 2.55 bln stg offer": a sweetened bid, not money raised
            if verb.lemma in _STAKE_RAISING and verb.lemma != "raise":
                return []  # "lifts forecast", "boosts output": only a stake is raised this way
            if amount is None and not funding_word:
                return []
            if amount is not None and not funding_word and verb.lemma != "raise":
                return []
        subj = self._subject(seg, i, verb.tense)
        if not subj:
            return []
        investors, end2 = self._after(seg, end, limit, ("from", "led by", "co-led by", "backed by", "including"))
        investors = investors + self._compound_investors(seg, self._clause(seg, i)[0], limit)  # "Nvidia-backed X"
        roles: dict[str, list[_Ent]] = {"target": subj[:1]}
        if investors:
            roles["investors"] = _unique(investors)
        return [self._cand(seg, "funding", roles, (i, j), max(end, end2), amount=amount)]

    def _owners_of(self, seg: _Seg, ents: Sequence[_Ent]) -> bool:
        """ "X shareholders", "X's board": the people who own or run X, not X acting."""
        toks = seg.toks
        for k, tok in enumerate(toks):
            if tok.ent is ents[-1]:
                return k + 1 < len(toks) and toks[k + 1].low in self.company_people
        return False

    def _people_subject(self, seg: _Seg, i: int) -> bool:
        """ "Slack shareholders will receive ...": people of the company act, not the company."""
        toks = seg.toks
        k = i - 1
        while k >= 0 and toks[k].low in self.aux:
            k -= 1
        return k >= 0 and toks[k].low in self.company_people

    def _v_receive(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        toks = seg.toks
        if self._people_subject(seg, i):
            return []
        for m in range(j, min(limit, j + 7)):
            if toks[m].low in ("offer", "bid", "proposal", "approach"):
                # "Koppers receives takeover proposal", "gets $4.2 billion buyout offer": bid for, not funded
                amount = next((toks[k] for k in range(j, m) if toks[k].kind == "$"), None)
                return self._offer_received(seg, i, j, m, limit, verb, amount)
            if toks[m].kind == "E" or toks[m].low in self.preps:
                break
        amount, end, funding_word = self._funding_amount(seg, j, limit)
        if amount is None:
            return []
        for m in range(j, min(limit, end + 4)):
            if toks[m].low in self.partnership_nouns or toks[m].low in ("order", "orders", "deal", "contract"):
                return []
        investors, end2 = self._after(seg, end, limit, ("from", "led by", "backed by"))
        investors = investors + self._compound_investors(seg, i, limit)
        if not investors and not funding_word and self._has_word(seg, i, limit, self.not_funding):
            return []
        subj = self._subject(seg, i, verb.tense)
        if not subj:
            return []
        roles: dict[str, list[_Ent]] = {"target": subj[:1]}
        if investors:
            roles["investors"] = _unique(investors)
        return [self._cand(seg, "funding", roles, (i, j), max(end, end2), amount=amount)]

    def _offer_received(
        self, seg: _Seg, i: int, j: int, noun: int, limit: int, verb: _Verb, amount: _Tok | None
    ) -> list[_Cand]:
        """ "Borg-Warner gets $4.2 billion buyout offer (from GAF)": the subject is bid for, not funded."""
        target = self._subject(seg, i, verb.tense)
        bidders, end = self._after(seg, noun + 1, limit, ("from", "by"))
        takeover = ("takeover", "buyout", "acquisition", "merger", "tender", "bid")
        if not target or not (amount or bidders or self._has_word(seg, j, noun + 1, takeover)):
            return []  # "Anthropic gets offer" alone may be any offer
        kind: EventType = "merger" if self._has_word(seg, j, noun + 1, ("merger",)) else "acquisition"
        roles = {"parties": _unique(target + bidders)} if kind == "merger" else {"target": target}
        if bidders and kind == "acquisition":
            roles["acquirer"] = bidders
        return [self._cand(seg, kind, roles, (i, j), max(end, noun + 1), amount=amount)]

    def _v_lead(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        toks = seg.toks
        if verb.tense in ("past", "pp") and j < limit and toks[j].low == "by":
            # "The round, led by Andreessen Horowitz, values ...": backers of a round named elsewhere
            a, _ = self._clause(seg, i)
            if not self._has_word(seg, max(a, i - 6), i, self.funding_nouns | {"series"}):
                return []
            backers, end = self._after(seg, j, limit, ("by",))
            if not backers:
                return []
            return [self._cand(seg, "funding", {"investors": backers}, (i, j), end)]
        k = j
        amount = None
        found = False
        while k < limit and k - j < 7:
            tok = toks[k]
            if tok.kind == "$" and amount is None:
                amount = tok
            if tok.low in self.funding_nouns or tok.low in ("series", "bet", "investment", "injection"):
                found = True  # "leads $308M bet on Runway"
            if tok.kind == "E" and not (tok.ent and tok.ent.possessive):
                break
            if tok.low in ("in", "for", "into", "of", "on") and found:
                break
            k += 1
        if not found:
            return []
        agent = self._passive_agent(seg, j, limit, verb)
        if agent:
            return []
        subj = self._subject(seg, i, verb.tense)
        if not subj:
            return []
        target: list[_Ent] = []
        for m in range(j, k):
            ent = toks[m].ent
            if ent is not None and ent.possessive:
                nxt = toks[m + 1].ent if m + 1 < len(toks) else None
                target = [nxt] if nxt is not None else [ent]
        end = k
        if not target and k < limit and toks[k].low in ("in", "for", "into", "of", "on"):
            obj = self._object(seg, k + 1, limit)
            target, end = obj.ents, obj.end
        elif not target and k < limit and toks[k].kind == "E":
            obj = self._object(seg, k, limit)
            target, end = obj.ents, obj.end
        roles: dict[str, list[_Ent]] = {"investors": subj}
        if target:
            roles["target"] = target
        return [self._cand(seg, "funding", roles, (i, j), end, amount=amount)]
