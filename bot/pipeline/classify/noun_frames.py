"""classify: noun frames, where a deal noun ("takeover", "tie-up") proposes candidate events."""

from __future__ import annotations

from bot.model import EventType
from bot.pipeline.classify.candidates import _Cand, _unique
from bot.pipeline.classify.lexicon_index import _Verb
from bot.pipeline.classify.navigation import _GROUP_REFS, _PRONOUNS
from bot.pipeline.classify.relationship_verbs import _RelationshipVerbs
from bot.pipeline.classify.tokens import _Ent, _Seg, _Tok

# Verbs with which the one bid for answers a bid named after it: "rejecting a rival bid from X".
_ANSWERING_BIDS = ("reject", "rebuff", "spurn", "accept", "welcom", "fight", "fought", "resist", "oppos")


# Verbs after "agreement to" that make it a partnership: "agreement to collaborate".
_WORKING_TOGETHER = frozenset(
    {"collaborate", "cooperate", "co-operate", "partner", "work", "team", "co-develop", "jointly"}
)
# What a sale "of the company" sells: the seller itself.
_ITSELF = frozenset({"company", "the company", "firm", "the firm", "group", "the group", "itself", "business"})
# Verbs that close a deal: "closes Mint Mobile deal".
_CLOSING = frozenset({"closes", "closed", "completes", "completed", "finalizes", "finalises", "finalized", "finalised"})


class _NounFrames(_RelationshipVerbs):
    """Deal nouns read with the names around them, for headlines without a deal verb."""

    def _noun(self, seg: _Seg, i: int, j: int, kind: str) -> list[_Cand]:
        toks = seg.toks
        a, b = self._clause(seg, i)
        if a > 1 and toks[a - 1].text == ":" and all(t.kind == "E" or t.text == "-" for t in toks[: a - 1]):
            a = 0  # "Capital One-Brex: $5.15bn deal agreed": the pair before the colon is the deal's
        if kind == "dispute":
            return []
        before = [t.low for t in toks[max(0, i - 2) : i]]
        if "without" in before or (before and before[-1] == "no"):
            return []  # "trained on posts without a licence": no deal
        if toks[i].low == "holding" and j < len(toks) and toks[j].low in ("company", "companies", "co", "group"):
            return []  # "bank holding company"
        if toks[i].low == "buy" and (i == 0 or toks[i - 1].kind not in ("E", "$")):
            return []  # "its $28 billion Splunk buy" is a purchase; "rates Apple a buy", "buy and sell" are not
        # left of the noun: "Zoom's $14.7B", "$34 billion Red Hat", "T-Mobile-Sprint"
        poss: _Ent | None = None
        pre: list[_Ent] = []
        amount: _Tok | None = None
        modifiers: list[str] = []
        k = i - 1
        while k >= a and i - k <= 6:
            tok = toks[k]
            if tok.kind == "$":
                amount = amount or tok
            elif tok.kind == "E" and tok.ent is not None and tok.ent.name.lower() in self.no_party:
                modifiers.append(tok.ent.name.lower())
            elif tok.kind == "E":
                ent = tok.ent
                assert ent is not None
                if ent.possessive:
                    poss = ent
                    break
                if pre and not (k + 1 < len(toks) and toks[k + 1].text == "-"):
                    break
                pre.insert(0, ent)
                if k > a and toks[k - 1].text == "-" and k - 2 >= a and toks[k - 2].kind == "E":
                    k -= 1
                    continue
            elif (
                tok.kind == "w"
                and (tok.text[:1].islower() or seg.style != "normal")
                and (tok.low not in self.aux or tok.low in self.deal_adjectives)
            ):
                if tok.low in self.preps or tok.low in self.deal_nouns:
                    break
                if not (
                    tok.low in self.set["partnership_modifiers"]
                    or tok.low in self.set["fillers"]
                    or tok.low in self.deal_adjectives
                    or "-" in tok.low
                    or tok.low not in self.vocab
                ):
                    break
                modifiers.append(tok.low)
            elif tok.kind == "%" or (tok.text == "-" and toks[k - 1].kind == "E" if k > a else False):
                pass
            elif tok.text == ":" and k > a and toks[k - 1].kind == "E" and not pre:
                pass  # "Capital One-Brex: $5.15bn deal agreed"
            else:
                break
            k -= 1
        left_edge = k
        if any(m in self.set["exclusions"] for m in modifiers) or any(
            w in self.set["exclusions"] for e in pre for w in e.name.lower().split()
        ):
            return []  # "settlement offer", "lawsuit deal"
        subj_region_end = min(left_edge + 1, i)
        subj = self._first_group(seg, a, subj_region_end) if subj_region_end > a else []
        if not subj:
            for k2 in range(a, subj_region_end):
                low = toks[k2].low
                if low in _PRONOUNS:
                    subj = self._sentence_subject(seg, k2, plural=low == "they")
                    break
                if low in _GROUP_REFS and seg.context:
                    subj = self._context_group(seg)
                    break
        if (
            not subj
            and kind in ("merger", "partnership", "deal")
            and a > 0
            and toks[a - 1].low in ("says", "said", "say", "told", "tells")
        ):
            subj = self._sentence_subject(seg, a)  # "Pfizer says talks with X on merger ended"
        if (
            not subj
            and pre
            and kind == "acquisition"
            and any(toks[k].low in self.set["bid_defence_verbs"] for k in range(a, i))
        ):
            subj = self._sentence_subject(seg, a)  # "Harcourt restructures to fight Maxwell bid"
        if not subj and a > 0 and toks[a - 1].low in ("after", "before", "while") and toks[a].low.endswith("ing"):
            subj = self._sentence_subject(seg, a)  # "Kodiak debuts after completing SPAC merger with Ares"
        subj = [e for e in subj if e is not poss and e not in pre]
        # right of the noun
        post_of: list[_Ent] = []
        agent: list[_Ent] = []
        partner: list[_Ent] = []
        buyer: list[_Ent] = []
        stake = None
        end = j
        m = j
        owner: _Ent | None = None
        if m < b and toks[m].kind == "$":
            amount = amount or toks[m]
            m += 1
        while m < b and m - j <= 2 and toks[m].low in ("worth", "valued", "at", "of", "about", "around", "up", "to"):
            nxt = toks[m + 1] if m + 1 < b else None
            if (
                toks[m].low in ("of", "to")
                and nxt is not None
                and nxt.kind != "$"
                and nxt.low not in self.amount_fillers
            ):
                break  # "sale of records unit": what is sold, not a figure
            m += 1
            if m < b and toks[m].kind == "$":
                amount = amount or toks[m]
                m += 1
        if m < b:
            word = toks[m].low
            if word in ("of", "for", "in", "into", "on"):
                obj = self._object(seg, m + 1, b)
                post_of, end = obj.ents, obj.end
                if not post_of and kind == "divestiture" and word == "of":
                    phrase, end2 = self._phrase_object(seg, m + 1, b)
                    if phrase is not None:
                        post_of, end = [phrase], end2
                owner = obj.owner
                if not post_of and kind == "acquisition" and word in ("for", "of") and m + 1 < b:
                    # "weighs a bid for its chip design business": a unit of the company named before
                    phrase, end2 = self._unit_phrase(seg, m + 1, b)
                    held_by = self._recent_other(seg, i) if toks[m + 1].low in ("its", "their") else None
                    if phrase is not None and held_by is not None:
                        post_of, end, owner = [phrase], end2, held_by
                stake = obj.pct if obj.stake else None
                if obj.stake and kind in ("deal", "acquisition") and not obj.majority:
                    kind = "investment"
                amount = amount or obj.amount
            elif word in ("from", "by"):
                agent, end = self._after(seg, m, b, (word,))
            elif word in ("with", "between", "among"):
                partner, end = self._after(seg, m, b, (word,))
                group_end = self._refers_to_group(seg, m + 1, b) if not partner and seg.context else 0
                if group_end:
                    partner, end = self._context_group(seg), group_end  # "a partnership between the two companies"
            elif word == "to" and kind in ("divestiture", "partnership"):
                buyer, end = self._after(seg, m, b, ("to",))
            elif word == "to" and kind == "acquisition":
                post_of, end = self._after(seg, m, b, ("to",))  # "takeover approach to Intel"
        if kind == "deal" and m + 1 < b and toks[m].low == "to" and toks[m + 1].low in _WORKING_TOGETHER:
            kind = "partnership"  # "reach preliminary agreement to collaborate on autonomous driving"
        if kind == "deal" and m < b and toks[m].low == "to":
            return []
        if kind == "partnership" and j + 1 < b and toks[j].low == "to" and self._buying_verb_at(seg, j + 1):
            return []  # "inks $8B pact to scoop up Informatica": the pact is the purchase
        if kind == "deal" and j + 1 < b and toks[j].low == "to" and toks[j + 1].low in self.set["supply_verbs"]:
            # "signs deal to supply Anthropic with TPUs": a supply deal with the one supplied
            partner, end = self._served(seg, j + 2, b)
            if not partner:
                return []
        if kind == "deal" and not (pre or post_of or partner or poss or agent):
            # "Samsung to make Tesla's next AI chips under $16.5 billion deal"
            for v in range(min(left_edge, i - 1), a - 1, -1):
                if toks[v].low in self.set["supply_verbs"]:
                    partner, _ = self._served(seg, v + 1, i)
                    break
        # a second phrase: "sale of Asda to Sainsbury's", "offer for X from Y"
        if end < b:
            if not agent:
                agent2, e2 = self._after(seg, end, min(b, end + 3), ("from", "by"))
                if agent2:
                    agent, end = agent2, e2
            if not buyer and kind == "divestiture":
                buyer, end = self._after(seg, end, min(b, end + 3), ("to",))
        verb_before = toks[left_edge].low if left_edge >= a else ""
        undoing = self.set["deal_undoing_verbs"]
        if kind in ("acquisition", "merger", "deal") and any(toks[k].low in undoing for k in range(max(a, i - 6), i)):
            return []  # "FTC bid to unwind Instagram and WhatsApp acquisitions": old deals, undone or not
        if toks[i].low == "tender" and verb_before in ("wins", "won", "win", "loses", "lost", "bids", "bid"):
            return []  # "wins tender for Delhi metro trains": a contract, not a takeover
        pair = len(subj) == 2 and not (pre or post_of or partner or poss)
        etype = self._noun_type(kind, modifiers, pre, post_of, amount, partner, seg, i, j, poss, pair)
        if etype is None:
            return []
        strong = not (kind == "deal" and etype == "partnership")
        out: list[_Cand] = []
        if etype in ("merger", "partnership"):
            if len(subj) >= 2 and pre and not (poss or post_of or partner) and toks[i].low in self.venture_words:
                pre = []  # "OpenAI, Oracle and SoftBank unveil Stargate venture": the venture's own name
            if len(subj) >= 2 and post_of and not (pre or poss or partner) and j < b and toks[j].low != "of":
                post_of = []  # "SHELL AND IBM FORM JOINT VENTURE FOR CARBON ACCOUNTING": its purpose
            parties = _unique(([poss] if poss else []) + pre + post_of + partner + agent + buyer)
            if len(parties) < 2:
                parties = _unique(subj + parties)
            if len(parties) < 2:
                parties = _unique(parties + self._others_in_clause(seg, i, parties))
            if not parties and etype == "merger":
                return []
            if etype == "partnership" and self._settled_relationship(seg, left_edge, i, j, b):
                return []
            if etype == "partnership" and len(parties) < 2 and kind == "deal":
                return []
            out.append(self._cand(seg, etype, {"parties": parties}, (i, j), end, amount=amount, strong=strong))
        elif etype in ("acquisition", "investment"):
            first, second = ("acquirer", "target") if etype == "acquisition" else ("investor", "target")
            actor: list[_Ent] = []
            target: list[_Ent] = post_of or pre
            if len(pre) == 2 and not post_of and poss is None and not agent:
                actor, target = pre[:1], pre[1:]
            elif (
                pre
                and subj
                and not post_of
                and poss is None
                and not agent
                and (
                    self._owners_of(seg, subj) or any(toks[k].low in self.set["bid_defence_verbs"] for k in range(a, i))
                )
            ):
                # "Core Scientific shareholders vote down CoreWeave takeover": the owners judge a bid for them;
                # "Harcourt restructures to fight Maxwell bid": the one fighting it is the one bid for
                actor, target = pre, subj
            elif (
                not pre
                and not post_of
                and poss is None
                and subj
                and any(toks[k].low.startswith(_ANSWERING_BIDS) for k in range(a, i))
            ):
                # "..., rejecting a rival bid from a management group": bid for the subject, by the one named after
                actor, target = agent, subj
                if not actor:
                    return []
            elif not pre and not post_of and poss is None and subj and self._owners_of(seg, subj):
                # "Informatica shares soar on report Salesforce is weighing a bid": the stock's company is bid for
                actor, target = agent or self._between(seg, subj, a, i), subj
                if not actor:
                    return []
            elif poss is not None and agent and not post_of:
                actor, target = agent, [poss]  # "EA's $55bn take-private by PIF-led consortium"
            elif poss is not None:
                actor = [poss]
                if verb_before in ("joins", "join", "joined") and subj:
                    actor = _unique(actor + subj)
            elif agent:
                actor = agent
            elif subj:
                actor = subj
            if not post_of and not pre and actor is not subj and subj:
                target = subj
            if pair and actor is subj and not target:
                # "Adobe and Figma call off $20 billion deal": the buyer is named first
                actor, target = subj[:1], subj[1:]
            if toks[i].low in ("sale", "sale talks") or (toks[i].low == "sale" and partner):
                target, actor = (subj or target), (partner or actor)
            if partner and not target and actor:
                target = partner
            if not target and actor and toks[i].low in ("acquisitions", "takeovers", "purchases", "investments"):
                return []  # "Apple is 'very open' to acquisitions": deals in general, none in particular
            if not target and actor:
                target = self._between(seg, actor, a, i)
            if not target and actor and a > 0 and toks[a - 1].low in ("says", "said"):
                # "RJR Nabisco says management group considering buyout": the one speaking is bid for
                target = [e for e in self._sentence_subject(seg, a) if all(e is not x for x in actor)]
            if not actor or not target:
                return []
            if {e.name for e in actor} & {e.name for e in target}:
                return []
            if etype == "acquisition" and agent and len(agent) > 1 and poss is None:
                for ag in agent:
                    out.append(
                        self._cand(seg, etype, {first: [ag], second: target}, (i, j), end, amount=amount, stake=stake)
                    )
            else:
                roles = {first: actor, second: target}
                if owner is not None and etype == "acquisition":
                    roles["seller"] = [owner]
                out.append(self._cand(seg, etype, roles, (i, j), end, amount=amount, stake=stake))
            if verb_before in self.set["bid_withdrawal_verbs"]:
                for c in out:
                    c.status_hint = "terminated"  # "Mesa drops Gulf takeover bid"
        elif etype == "divestiture":
            seller = [poss] if poss else subj
            target = post_of or pre
            if not target and seller:
                target = self._between(seg, seller, a, i)
            if not seller or not target:
                return []
            if any(t.name.lower() in _ITSELF for t in target):
                return []  # "explore a sale of the company": the seller itself is for sale, a bid not a divestiture
            if any(t.name == s.name for t in target for s in seller):
                target = [self._subsidiary(seg, t) for t in target]  # "sale of CBS Records" by CBS
            roles = {"seller": seller, "target": target}
            if buyer:
                roles["buyer"] = buyer
            out.append(self._cand(seg, etype, roles, (i, j), end, amount=amount))
        elif etype == "funding":
            target = post_of or ([poss] if poss else []) or pre or subj
            investors = agent + self._compound_investors(seg, a, b)
            if verb_before in ("leads", "lead", "led", "joins", "join", "joined", "co-leads") and subj:
                investors = subj + investors
                target = post_of or ([poss] if poss else []) or pre
            if not target:
                return []
            roles = {"target": target[:1]}
            if investors:
                roles["investors"] = _unique(investors)
            out.append(self._cand(seg, etype, roles, (i, j), end, amount=amount))
        return out

    def _buying_verb_at(self, seg: _Seg, k: int) -> bool:
        return any(
            i == k and isinstance(p, _Verb) and p.frame in ("buy", "merge", "invest", "put", "sell")
            for i, _, p in seg.hits
        )

    def _served(self, seg: _Seg, k: int, limit: int) -> tuple[list[_Ent], int]:
        """Whom a supply verb at k-1 serves: "supply Anthropic", "make Tesla's chips", "build chips for OpenAI"."""
        toks = seg.toks
        m = k
        while m < limit and m - k < 8:
            ent = toks[m].ent
            if ent is not None and ent.name.lower() not in self.no_party:
                if m == k or ent.possessive or toks[m - 1].low in ("for", "to"):
                    return [ent], m + 1
                break
            if toks[m].low in self.preps and toks[m].low not in ("for", "to"):
                break
            m += 1
        return [], k

    def _clause_says(self, seg: _Seg, i: int, status: str) -> bool:
        if not seg.cues:
            return False  # most segments have no status cue at all
        a, b = self._clause(seg, i)
        return any(a <= k < b and cls == status for k, _, cls in seg.cues)

    _FORMING = frozenset(
        {
            "sign",
            "signs",
            "signed",
            "signing",
            "announce",
            "announces",
            "announced",
            "form",
            "forms",
            "formed",
            "enter",
            "enters",
            "entered",
            "strike",
            "strikes",
            "struck",
            "ink",
            "inks",
            "inked",
            "forge",
            "forges",
            "forged",
            "expand",
            "expands",
            "expanded",
            "extend",
            "extends",
            "extended",
            "renew",
            "renews",
            "renewed",
            "deepen",
            "deepens",
            "deepened",
            "broaden",
            "broadens",
            "reach",
            "reaches",
            "reached",
            "agree",
            "agrees",
            "agreed",
            "seal",
            "seals",
            "sealed",
            "unveil",
            "unveils",
            "launch",
            "launches",
            "new",
            "land",
            "lands",
            "win",
            "wins",
            "won",
            "secure",
            "secures",
            "clinch",
            "clinches",
            "under",
            "in",
            "cut",
            "cuts",
            "talks",
            "discuss",
            "discusses",
            "near",
            "nears",
            "weighs",
            "explores",
        }
    )

    def _settled_relationship(self, seg: _Seg, left_edge: int, i: int, j: int, b: int) -> bool:
        """ "says its OpenAI partnership is strong": a partnership talked about, not formed."""
        toks = seg.toks
        a, _ = self._clause(seg, i)
        if any(toks[k].low in self._FORMING for k in range(a, min(b, j + 3))):
            return False
        after = toks[j].low if j < len(toks) else ""
        if i > 0 and toks[i - 1].low in ("their", "its", "his", "her"):
            return True  # "face questions over their partnership": one they already have
        return after in ("is", "was", "remains", "has", "have", "had", "will", "could", "would", "may")

    def _noun_type(
        self,
        kind: str,
        modifiers: list[str],
        pre: list[_Ent],
        post: list[_Ent],
        amount: _Tok | None,
        partner: list[_Ent],
        seg: _Seg,
        i: int,
        j: int,
        poss: _Ent | None = None,
        pair: bool = False,
    ) -> EventType | None:
        if kind in ("acquisition", "merger", "investment", "funding", "divestiture", "partnership"):
            if kind == "partnership" and seg.toks[i].low in ("partner", "partners") and not partner:
                return None
            return kind  # type: ignore[return-value]
        # generic "deal", "agreement", "talks"
        if any(m in self.set["partnership_modifiers"] for m in modifiers):
            return "partnership"
        word = seg.toks[i].low
        if word == "talks" and len(pre) == 1 and not partner and self._clause_says(seg, i, "terminated"):
            return "acquisition"  # "walks away from Informatica talks"
        if word in ("talks", "negotiations", "discussions", "terms"):
            # "talks with X on a merger": the topic names the deal
            for k in range(j, min(len(seg.toks), j + 8)):
                low = seg.toks[k].low
                if low in ("merger", "merge", "combination"):
                    return "merger"
                if low in self.partnership_nouns:
                    return "partnership"
            if pair and j < len(seg.toks) and seg.toks[j].low in ("over", "on", "about"):
                return "partnership"  # "Apple, Baidu in talks over AI for iPhones"
            return "partnership" if partner else None
        if post and j < len(seg.toks) and seg.toks[j].low == "for":
            return "acquisition"
        big = amount is not None and amount.money is not None and amount.money.value >= 1e8
        if big and (pre or post):
            return "acquisition"
        if pre and (poss is not None or self._clause_says(seg, i, "terminated")):
            # "Microsoft's Activision deal", "walks away from Figma deal"
            return "acquisition"
        if len(pre) == 1 and not modifiers and i > len(pre) and seg.toks[i - 2].low in _CLOSING:
            return "acquisition"  # "T-Mobile closes Mint Mobile deal": a deal closed on a company is its purchase
        if big and pair and self._clause_says(seg, i, "terminated"):
            return "acquisition"
        if len(pre) == 2 and not modifiers:
            return "acquisition"  # "Microsoft-Activision deal": buyer first
        if partner:
            return "partnership"
        return None
