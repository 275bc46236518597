"""classify: title and summary candidates merged, checked and turned into deal events."""

from __future__ import annotations

from bot.model import ROLES, DealEvent
from bot.pipeline.classify.candidates import _Cand, _unique
from bot.pipeline.classify.status import _StatusCues
from bot.pipeline.classify.tokens import _Ent, _Seg

# Legal-form words that end a company's name in a report but not in how people name it.
_LEGAL_FORMS = frozenset(
    {"inc", "inc.", "corp", "corp.", "co", "co.", "cos", "cos.", "plc", "ltd", "ltd.", "llc", "ag", "sa", "nv", "gmbh"}
)


class _Assembly(_StatusCues):
    """Final selection: merge, split and dedupe candidates, assign amounts, build events."""

    def _combine(self, title: list[_Cand], summary: list[_Cand], segs: list[_Seg]) -> list[_Cand]:
        self._borrow_parties(title)
        self._borrow_counterparty(title, segs[1:])
        self._borrow_parties(summary)
        # "... round is led by Google", in the title or the summary: backers of a round named elsewhere
        extra_investors = [c for c in title + summary if c.type == "funding" and "target" not in c.roles]
        title = [c for c in title if self._valid(c)]
        summary = [c for c in summary if self._valid(c)]
        cands = self._dedupe(title)
        if cands:
            for c in self._dedupe(summary):
                # the title event it retells: the one sharing most names ("AWS will use Intel's ..." is Intel-Amazon)
                related = [t for t in cands if self._related(c, t)]
                names = {self._short(e.name) for e in c.ents()}
                twin = max(related, key=lambda t: len(names & {self._short(e.name) for e in t.ents()}), default=None)
                if twin is not None:
                    self._merge(twin, c)
                elif self._summary_worthy(c, cands):
                    cands.append(c)
        else:
            cands = self._dedupe(summary)
        if not self.open_world:
            cands = [c for c in cands if c.watched()]
        strong_names = {e.name for c in cands if c.strong for e in c.ents() if self._counts(e)}
        cands = [c for c in cands if c.strong or not ({e.name for e in c.ents() if self._counts(e)} & strong_names)]
        for c in cands:
            if c.type == "funding" and "investors" not in c.roles:
                for x in extra_investors:
                    c.roles["investors"] = x.roles.get("investors", [])
                    break
        self._attributed(cands, segs[1:])
        cands = self._split(cands)
        self._assign_amounts(cands, segs[1:])
        return cands

    def _attributed(self, cands: list[_Cand], summary: list[_Seg]) -> None:
        """ "Google makes fresh $1bn investment in Anthropic", and the summary says it comes from "people
        familiar with the matter": a deal told by unnamed sources is a rumour, wherever they are named."""
        for seg in summary:
            if not any(kind == "unnamed_source" for _, _, kind in seg.cues):
                continue
            named = {self._short(t.ent.name) for t in seg.toks if t.ent is not None}
            for c in cands:
                shared = named & {self._short(e.name) for e in c.ents()}
                if c.seg.title and c.status_hint is None and shared and self._status(c) == "announced":
                    c.status_hint = "rumor"

    def _counts(self, ent: _Ent) -> bool:
        """Whether a party is one the reader asked about: a watched one, or any in the open world."""
        return ent.watched or self.open_world

    def _related(self, x: _Cand, y: _Cand) -> bool:
        """A summary event that retells a title event: same type, a party asked about in common."""
        if x.type != y.type:
            return False
        xs = {self._short(e.name) for e in x.ents() if self._counts(e)}
        if not xs & {self._short(e.name) for e in y.ents() if self._counts(e)}:
            return False
        for role in ("acquirer", "investor", "seller"):
            # "accepts KKR bid ..., rejecting a rival bid from a management group": another bidder, another event
            xr = {self._short(e.name) for e in x.roles.get(role, [])}
            yr = {self._short(e.name) for e in y.roles.get(role, [])}
            if xr and yr and not xr & yr:
                return False
        if x.type == "acquisition":
            # "to buy Sana ... weeks after agreeing to acquire Paradox": another target, another deal
            xt = [self._short(e.name).split() for e in x.roles.get("target", []) if self._proper(e)]
            yt = [self._short(e.name).split() for e in y.roles.get("target", []) if self._proper(e)]
            if xt and yt and not any(a[0] == b[0] for a in xt for b in yt):
                return False
        return True

    def _described(self, have: list[_Ent], told: list[_Ent]) -> bool:
        """Whether `have` only describes a unit ("Chip Unit", "BUS SUBSIDIARY") that `told` names."""

        def unit_only(e: _Ent) -> bool:
            return not e.watched and e.name.split()[-1].lower() in self.set["unit_nouns"]

        return all(unit_only(e) for e in have) and any(not unit_only(e) and e.name[:1].isupper() for e in told)

    def _proper(self, e: _Ent) -> bool:
        """A name proper enough to tell two deals apart: not "the Israeli startup", not a unit described."""
        first = e.name.split()[0].lower() if e.name.split() else ""
        return e.name[:1].isupper() and first not in self.set["demonyms"] and first not in self.no_party

    def _short(self, name: str) -> str:
        """A name without case or its corporate suffix: the summary's "Ecolab Inc" is the title's "ECOLAB"."""
        words = name.lower().split()
        while len(words) > 1 and words[-1].strip(".,") in self.set["corporate_suffixes"]:
            words.pop()
        return " ".join(words)

    def _merge(self, into: _Cand, other: _Cand) -> None:
        if into.status_hint is None and self._status(into) == "announced":
            later = self._status(other)
            if later in ("completed", "terminated"):
                into.status_hint = later  # "snaps up Bun" told in the summary as "has acquired": done
            elif later == "rumor" and any(cls == "unnamed_source" for _, _, cls in other.seg.cues):
                into.status_hint = "rumor"  # "... according to people familiar with the matter": not confirmed
        for role, names in other.roles.items():
            if role not in into.roles or (role == "target" and self._described(into.roles[role], names)):
                into.roles[role] = names  # "spinning off chip unit" named in the summary: Sony Semiconductor Solutions
            elif role == "parties":
                have = {e.name for e in into.roles[role]}
                into.roles[role] = into.roles[role] + [e for e in names if self._counts(e) and e.name not in have]
        if into.stake is None:
            into.stake = other.stake
        if into.amount is None and other.type not in ("partnership", "partnership_end"):
            # the retelling's own figure: "... agreed to sell 18 pct of Shearson to Nippon Life for 538 mln dlrs"
            into.amount = other.amount or self._window_amount(other, lambda tok, c: True)

    @staticmethod
    def _split(cands: list[_Cand]) -> list[_Cand]:
        """Several investors taking stakes are several investments; several bidders, several bids."""
        out: list[_Cand] = []
        for c in cands:
            parties = c.roles.get("parties", [])
            if (
                c.type == "partnership"
                and len(parties) > 2
                and c.seg.toks[c.trigger[0]].low in ("deals", "agreements", "pacts", "partnerships", "contracts")
            ):
                # "Meta signs nuclear power deals with Vistra, TerraPower and Oklo": one deal with each
                for other in parties[1:]:
                    out.append(_Cand(c.type, {"parties": [parties[0], other]}, c.seg, c.trigger, c.span, c.tense))
                continue
            investors = c.roles.get("investor", [])
            if c.type == "investment" and len(investors) > 1:
                for inv in investors:
                    roles = dict(c.roles)
                    roles["investor"] = [inv]
                    out.append(
                        _Cand(
                            c.type,
                            roles,
                            c.seg,
                            c.trigger,
                            c.span,
                            c.tense,
                            c.frame,
                            c.amount,
                            c.stake,
                            c.strong,
                            c.status_hint,
                        )
                    )
            else:
                out.append(c)
        return out

    def _summary_worthy(self, c: _Cand, title: list[_Cand]) -> bool:
        names = {self._short(e.name) for t in title for e in t.ents()}
        return any(self._short(e.name) in names for e in c.ents()) and c.type != "funding"

    def _valid(self, c: _Cand) -> bool:
        negated = c.type != "partnership_end" and self._before_comma_says(c, "negated")
        if negated or self._before_comma_says(c, "background"):
            return False
        roles = c.roles
        for role, names in list(roles.items()):
            names = [
                e for e in names if e.name.lower() not in self.no_party and e.name.lower() not in _LEGAL_FORMS
            ]  # "from Kohlberg Kravis Roberts and Co": "Co" is no party of its own
            if names:
                roles[role] = _unique(names)
            else:
                del roles[role]
        need = {
            "acquisition": ("acquirer", "target"),
            "investment": ("investor", "target"),
            "funding": ("target",),
            "divestiture": ("seller", "target"),
        }.get(c.type, ("parties",))
        if c.frame in ("receive", "shop") and c.type == "acquisition" and "target" in roles:
            need = ("target",)  # "X receives $2 billion buyout offer", "X seeks buyer": the bidder may go unnamed
        if any(r not in roles for r in need):
            return False
        if c.type in ("merger", "partnership", "partnership_end") and len(roles["parties"]) < 2:
            return c.type == "merger" and roles["parties"][0].watched
        for first, second in (
            ("acquirer", "target"),
            ("investor", "target"),
            ("seller", "target"),
            ("target", "investors"),
            ("seller", "buyer"),
            ("acquirer", "seller"),
            ("target", "seller"),
        ):
            if first in roles and second in roles and {e.name for e in roles[first]} & {e.name for e in roles[second]}:
                return False
        return True

    def _before_comma_says(self, c: _Cand, cls: str) -> bool:
        """A cue in the event's clause up to the first comma after its trigger: "has no plans to buy X" denies
        the deal, but "rules out bid for BP, saying it has 'no intention'" ends one, and "sell Cylance to Arctic
        Wolf, six years after buying it" is news, not history."""
        seg = c.seg
        if not seg.cues:
            return False
        a, b = self._clause(seg, c.trigger[0])
        comma = next((k for k in range(c.trigger[1], b) if seg.toks[k].low == ","), b)
        return any(a <= i < comma and kind == cls for i, _, kind in seg.cues)

    def _same(self, x: _Cand, y: _Cand) -> bool:
        if x.type != y.type:
            return False
        if x.type in ("acquisition", "divestiture") and x.trigger == y.trigger and x.seg is y.seg:
            # "buy StreamSets and webMethods from Software AG": one verb, two things bought
            xt = {e.name for e in x.roles.get("target", [])}
            yt = {e.name for e in y.roles.get("target", [])}
            if xt and yt and not xt & yt:
                return False
        xs = {e.name for e in x.ents()}
        ys = {e.name for e in y.ents()}
        return bool(xs & ys) and (xs <= ys or ys <= xs or len(xs & ys) >= 2 or x.type == "funding")

    def _dedupe(self, cands: list[_Cand]) -> list[_Cand]:
        out: list[_Cand] = []
        for c in cands:
            twin = next((o for o in out if self._same(c, o)), None)
            if twin is None:
                out.append(c)
                continue
            if len(c.ents()) > len(twin.ents()) and c.strong >= twin.strong:
                c.amount = c.amount or twin.amount
                c.stake = c.stake if c.stake is not None else twin.stake
                out[out.index(twin)] = c
            else:
                twin.amount = twin.amount or c.amount
                twin.stake = twin.stake if twin.stake is not None else c.stake
                for role, names in c.roles.items():
                    if role not in twin.roles:
                        twin.roles[role] = names
        return out

    def _borrow_counterparty(self, title: list[_Cand], summary: list[_Seg]) -> None:
        """ "Ford cancels a $6.5 billion battery order", and the summary names LG: a one-sided title
        partnership takes its other side from the summary, when the summary speaks of the relationship."""
        for c in title:
            parties = c.roles.get("parties", [])
            if c.type not in ("partnership", "partnership_end") or len(parties) != 1:
                continue
            for seg in summary:
                if not any(t.low in self.set["relationship_nouns"] for t in seg.toks):
                    continue
                other = next(
                    (
                        t.ent
                        for t in seg.toks
                        if t.ent is not None
                        and self._counts(t.ent)
                        and self._short(t.ent.name) != self._short(parties[0].name)
                        and t.ent.name.lower() not in self.no_party
                    ),
                    None,
                )
                if other is not None:
                    c.roles["parties"] = [*parties, other]
                    break

    def _borrow_parties(self, cands: list[_Cand]) -> None:
        """ "X to invest in Y, team up on cars": a one-sided partnership takes the other side from its twin."""
        for c in cands:
            if c.type in ("partnership", "partnership_end") and len(c.roles.get("parties", [])) < 2:
                for o in cands:
                    if o is not c and o.seg is c.seg and o.type not in ("partnership", "partnership_end"):
                        names = {e.name for e in c.roles.get("parties", [])}
                        extra = [e for e in o.ents() if e.name not in names]
                        c.roles["parties"] = _unique(c.roles.get("parties", []) + extra)
                        break

    def _event(self, c: _Cand) -> DealEvent:
        money = c.amount.money if c.amount is not None else None
        stake = c.stake
        if stake is None and c.type in ("investment", "acquisition", "divestiture"):
            stake = self._stake_in_seg(c)
        parties = {
            role: tuple(dict.fromkeys(self._plain_name(e) for e in _unique(c.roles[role])))
            for role in ROLES[c.type]
            if c.roles.get(role)
        }
        a, b = c.span
        toks = c.seg.toks
        b = min(max(b, c.trigger[1]), len(toks))
        evidence = c.seg.text[toks[a].start : toks[b - 1].end] if toks and a < b else ""
        etype, status = c.type, self._status(c)
        if etype == "partnership" and status == "terminated" and not self._talks_only(c):
            # "GM and Honda scrap plan to co-develop EVs": a partnership called off has ended
            etype, status, money = "partnership_end", "completed", None
        return DealEvent(
            type=etype,
            status=status,
            parties=parties,
            amount_usd=money.value if money is not None and money.currency == "USD" else None,
            stake_pct=stake,
            amount=money,
            evidence=evidence,
        )

    def _plain_name(self, ent: _Ent) -> str:
        """ "Sterling Drug Inc" is Sterling Drug, as people name it; but "News Corp" stays whole."""
        if ent.watched:
            return ent.name
        words = ent.name.rstrip(",").split()
        while len(words) > 1 and words[-1].lower() in _LEGAL_FORMS:
            words.pop()
            if len(words) > 1 and words[-1].lower() in ("and", "&"):
                words.pop()
            words[-1] = words[-1].rstrip(",")
        if len(words) == 1 and words[0].lower() in self.vocab:
            return ent.name
        return " ".join(words)

    def _talks_only(self, c: _Cand) -> bool:
        """ "no longer in talks with Apple": talks that ended, no partnership that did."""
        a, b = self._clause(c.seg, c.trigger[0])
        return self._has_word(c.seg, a, b, ("talks", "negotiations", "discussions", "negotiating"))

    def _stake_in_seg(self, c: _Cand) -> float | None:
        toks = c.seg.toks
        a, b = self._clause(c.seg, c.trigger[0])
        for k in range(0, len(toks)):
            tok = toks[k]
            if tok.kind == "%" and k + 1 < len(toks) and toks[k + 1].low in ("stake", "holding", "interest", "of"):
                if toks[k + 1].low == "of" and not (a <= k < b):
                    continue
                return tok.pct
        return None
