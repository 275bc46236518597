"""classify: a title or summary sentence cut into tokens, with names and trigger words marked."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from bot.pipeline.amounts import find_amounts, find_stakes
from bot.pipeline.classify.lexicon import _Lexicon
from bot.pipeline.classify.lexicon_index import _Verb
from bot.pipeline.classify.tokens import _WORD, _Ent, _Seg, _Tok
from bot.pipeline.match import CaseStyle

_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)$", re.IGNORECASE)
_NAME_INNER = frozenset({"first", "new", "national", "general", "united", "american", "royal", "international"})
_STATE_WORDS = frozenset({"government", "administration", "govt", "state"})
_TELLS = frozenset({"tells", "told", "says", "said", "asks", "agrees", "plans", "confirms", "denies"})
_ROUND_LETTER = re.compile(r"[A-Z](?:\d|-\d|\+)?$|I{1,3}$")
_CAMEL = re.compile(r"[a-z]{1,5}[A-Z][a-z]")  # "iRobot", "eBay", "webMethods": brands in lower case
_HARD_STOPS = frozenset(';:|()[]{}?!"')
_DIGIT = re.compile(r"\d")
_SPELLED_MONEY = re.compile(r"dlrs|dollars", re.IGNORECASE)  # "ONE BLN DLRS" has no digit
# Words that open a sentence with a clause of their own, ended by its first comma.
_OPENING_CLAUSES = frozenset({"as", "while", "after", "amid", "since", "though", "although", "because", "when", "if"})
_COMPOUND_TAILS = frozenset({"led", "backed", "co-led", "owned", "based", "funded", "controlled"})


class _Segments(_Lexicon):
    """Tokens and entity spans: where names start and end, and which words are deal triggers."""

    def _segment(self, text: str, watched: list[tuple[int, int, str]], style: CaseStyle, title: bool) -> _Seg:
        spans: list[tuple[int, int, str, Any]] = []
        for s, e, name in watched:
            if 0 <= s < e <= len(text):
                spans.append((s, e, "E", name))
        if _DIGIT.search(text) is not None or _SPELLED_MONEY.search(text) is not None:
            for a in find_amounts(text):
                spans.append((a.start, a.end, "$", a.money))
            for p in find_stakes(text):
                spans.append((p.start, p.end, "%", p.pct))
            spans.sort(key=lambda x: (x[0], "E$%".index(x[2])))
        toks: list[_Tok] = []
        pos = 0
        for s, e, kind, value in spans:
            if s < pos:
                continue
            self._words(text, pos, s, toks)
            tok = _Tok(kind, text[s:e], s, e)
            if kind == "E":
                tok.ent = _Ent(str(value), True, s, e)
            elif kind == "$":
                tok.money = value
            else:
                tok.pct = float(value)
            toks.append(tok)
            pos = e
        self._words(text, pos, len(text), toks)
        if "'" in text or "<" in text:
            toks = self._attach(toks, text)
        seg = _Seg(text, toks, style, title)
        self._names(seg)
        self._mark(seg)
        return seg

    @staticmethod
    def _words(text: str, start: int, end: int, toks: list[_Tok]) -> None:
        append = toks.append
        find = text.find
        pos = start
        # findall makes no match objects; a word's place is the first occurrence after the last
        # one, since the pattern skips only spaces and underscores between words
        for word in _WORD.findall(text, start, end):
            s0 = find(word, pos)
            e0 = pos = s0 + len(word)
            if not word[0].isalnum():
                append(_Tok("p", word, s0, e0))
                continue
            if "'" in word and len(word) > 2 and word[-2:] in ("'s", "'S"):
                tok = _Tok("w", word[:-2], s0, e0 - 2)
                tok.poss = True
                append(tok)
                continue
            if "-" in word:
                head, _, tail = word.rpartition("-")
                if head and tail.lower() in _COMPOUND_TAILS and head[0].isupper():
                    cut = s0 + len(head)
                    append(_Tok("w", head, s0, cut))
                    append(_Tok("p", "-", cut, cut + 1))
                    append(_Tok("w", tail, cut + 1, e0))
                    continue
            append(_Tok("w", word, s0, e0))

    def _name_before_ticker(self, out: list[_Tok], text: str, ent: _Ent) -> None:
        """ "OFFERS ... FOR TIME <TL>": the words right before a watched ticker are that company's name."""
        k = len(out)
        while (
            k > 0
            and len(out) - k < 3
            and out[k - 1].kind == "w"
            and out[k - 1].text[:1].isupper()
            and out[k - 1].low not in self.functional
        ):
            k -= 1
        if k == len(out):
            return
        start, end = out[k].start, out[-1].end
        tok = _Tok("E", text[start:end], start, end)
        tok.ent = _Ent(ent.name, True, start, end)
        out[k:] = [tok]

    def _attach(self, toks: list[_Tok], text: str) -> list[_Tok]:
        """Fold possessives and <TICKER> marks into the token before them."""
        out: list[_Tok] = []
        i = 0
        n = len(toks)
        while i < n:
            tok = toks[i]
            if tok.low == "'s" and out and out[-1].kind in ("E", "w"):
                out[-1].poss = True
                if out[-1].ent is not None:
                    out[-1].ent.possessive = True
                i += 1
                continue
            if (
                tok.low == "'"
                and out
                and out[-1].kind in ("E", "w")
                and out[-1].text.endswith(("s", "S"))
                and out[-1].end == tok.start
            ):
                out[-1].poss = True
                if out[-1].ent is not None:
                    out[-1].ent.possessive = True
                i += 1
                continue
            close = next((m for m in range(i + 2, min(n, i + 9)) if toks[m].low == ">"), -1) if tok.low == "<" else -1
            if close == i + 2 and toks[i + 1].kind == "E" and len(toks[i + 1].text) > 6:
                out.append(toks[i + 1])  # "<NEXT INC>" matched whole: the marks go, the name stays
                i = close + 1
                continue
            if close > i + 2 and all(t.kind in ("w", "E") or t.low in ("&", ".", "-") for t in toks[i + 1 : close]):
                # "<HONGKONG AND SHANGHAI BANKING>": an unlisted company, named whole between the marks
                start, end = toks[i + 1].start, toks[close - 1].end
                inside = toks[i + 1 : close]
                watched = next((t.ent for t in inside if t.ent is not None), None)
                if watched is not None and any(
                    t.ent is None and t.low.strip(".") not in self.set["corporate_suffixes"] for t in inside
                ):
                    watched = None  # "<ALLIED STORES ACQUISITION CO>" is another company than Allied Stores
                name_tok = _Tok("E", text[start:end], start, end)
                name_tok.ent = _Ent(watched.name if watched else text[start:end], watched is not None, start, end)
                out.append(name_tok)
                i = close + 1
                continue
            if tok.low == "<" and i + 2 < n and toks[i + 2].low == ">" and len(toks[i + 1].text) <= 6:
                ticker = toks[i + 1]
                if ticker.kind == "E" and ticker.ent is not None and out and out[-1].kind == "w":
                    self._name_before_ticker(out, text, ticker.ent)
                i += 3
                continue
            out.append(tok)
            i += 1
        return out

    def _namey(self, tok: _Tok, style: CaseStyle, first: bool, nxt: _Tok | None) -> bool:
        if tok.kind != "w":
            return False
        t = tok.text
        low = tok.low
        if low == "series" and nxt is not None and _ROUND_LETTER.match(nxt.text):
            return False  # "Series C" names a round
        if style == "normal":
            if _CAMEL.match(t):
                return low not in self.no_party  # "iRobot", "eBay": a brand ("iPhone": a product)
            if t[0].isdigit():
                return bool(_ORDINAL.match(t)) and nxt is not None and nxt.text[:1].isupper()
            if not t[0].isupper():
                return False
            if len(t) >= 2 and t.isupper() and t.isalpha():
                return True
            tail = t.rpartition("-")[2]
            if tail != t and tail.islower() and tail.isalpha() and (tail in self.vocab or tail.endswith(("ed", "ing"))):
                return False  # "AI-accelerated", "Cloud-native": a description, not a name
            if low in self.vocab and (first or (len(low) <= 3 and low in self.aux)):
                return False
            return low not in ("the", "a", "an", "and", "of", "for", "to", "in", "on", "at", "by", "with")
        if style in ("title", "upper"):
            if not (t[0].isupper() or (t[0].isdigit() and _ORDINAL.match(t))):
                return False
            return low not in self.vocab and not low.isdigit()
        return t[0].isalpha() and low not in self.vocab

    def _name_opener(self, tok: _Tok, nxt: _Tok | None, after: Sequence[_Tok]) -> bool:
        """ "Core Scientific shareholders ...": a capitalised common word opening a sentence starts a name
        when a name-only word follows it at once."""
        low = tok.low
        if nxt is None or nxt.start != tok.end + 1 or not tok.text[0].isupper():
            return False
        if low in self.company_words and (nxt.low in self.verb_forms or nxt.low in self.aux or nxt.low in _TELLS):
            return True  # "Snap commits to spend ...": a company-like word as the subject of a verb
        if low in self.functional or low in self.verb_forms or low in self.no_party or low in self.set["publishers"]:
            return False
        if nxt.low.strip(".") in self.set["corporate_suffixes"] and nxt.text[:1].isupper():
            return True  # "News Corp"
        return self._namey(nxt, "normal", False, after[0] if after else None) and nxt.low not in self.vocab

    def _inner_name_word(self, toks: Sequence[_Tok], k: int, style: CaseStyle) -> bool:
        """ "LINCOLN FIRST BANKS": in capitals, a word names often carry, between two name words."""
        return (
            style in ("title", "upper")
            and toks[k].low in _NAME_INNER
            and k + 1 < len(toks)
            and toks[k + 1].start <= toks[k].end + 1
            and (self._namey(toks[k + 1], style, False, None) or self._weak_namey(toks[k + 1], style))
        )

    def _place_words(self, name: str) -> bool:
        """ "UK AI", "EU Tech": capitalised words that are each a place or a label name no company."""
        words = name.lower().split()
        return len(words) > 1 and all(w in self.no_party for w in words)

    def _weak_namey(self, tok: _Tok, style: CaseStyle) -> bool:
        """A capitalised common word that can sit inside a name in Title Case: "Whole Foods Market"."""
        return (
            style in ("title", "upper")
            and tok.kind == "w"
            and tok.text[:1].isupper()
            and (tok.low not in self.functional or tok.low in self.set["name_tails"])
            and not tok.low.isdigit()
        )

    def _names(self, seg: _Seg) -> None:
        """Group runs of name-like words into entities; a run right after a watched name joins it."""
        toks = seg.toks
        n = len(toks)
        if seg.style == "normal":
            todo = [
                i
                for i, t in enumerate(toks)
                if t.kind == "w"
                and (
                    (first_char := t.text[0]).isupper()
                    or first_char.isdigit()
                    or (not t.text.islower() and _CAMEL.match(t.text) is not None)  # "iRobot"
                )
            ]
        else:
            todo = [i for i, t in enumerate(toks) if t.kind == "w"]
        if not todo:
            return
        out: list[_Tok] = []
        done = 0  # tokens before this are in `out`
        for i in todo:
            if i < done:
                continue  # inside a name already taken
            out.extend(toks[done:i])
            done = i
            tok = toks[i]
            # a sentence's first word: nothing before it but a hard stop
            first = i == 0 or (toks[i - 1].kind == "p" and toks[i - 1].text in _HARD_STOPS)
            nxt = toks[i + 1] if i + 1 < n else None
            if (
                nxt is not None
                and nxt.low in _STATE_WORDS
                and nxt.start == tok.end + 1
                and (tok.low in self.no_party or tok.low in self.set["demonyms"])
            ):
                # "U.S. government takes 9.9% stake in Intel": a state is a party, its country alone is not
                name = seg.text[tok.start : nxt.end]
                ent_tok = _Tok("E", name, tok.start, nxt.end)
                ent_tok.ent = _Ent(name, False, tok.start, nxt.end, nxt.poss)
                ent_tok.poss = nxt.poss
                out.append(ent_tok)
                done = i + 2
                continue
            strong = self._namey(tok, seg.style, first, nxt)
            if not strong and first and seg.style == "normal" and self._name_opener(tok, nxt, toks[i + 2 : i + 3]):
                strong = True
            if (
                not strong
                and not first
                and tok.text == "The"
                and seg.style == "normal"
                and nxt is not None
                and nxt.start == tok.end + 1
                and self._namey(nxt, "normal", False, toks[i + 2] if i + 2 < n else None)
            ):
                strong = True  # "to sell The Weather Company": a capital "The" inside a sentence is a name's
            if not strong and self._weak_namey(tok, seg.style):
                # a leading common word joins only a run that has a real name in it
                m = i
                while (
                    not strong
                    and m + 1 < n
                    and not toks[m].poss
                    and toks[m + 1].start <= toks[m].end + 1
                    and (self._weak_namey(toks[m + 1], seg.style) or self._namey(toks[m + 1], seg.style, False, None))
                ):
                    m += 1
                    strong = self._namey(toks[m], seg.style, False, None)
                    # "CHEMICAL BANK", "NATIONAL STEEL": common words ending in a company word
                    strong = strong or (toks[m].low in self.set["name_tails"] and toks[m - 1].low not in self.aux)
            if strong:
                j = i
                while (
                    not toks[j].poss
                    and j + 1 < n
                    and toks[j + 1].start <= toks[j].end + 1
                    and (
                        self._namey(toks[j + 1], seg.style, False, toks[j + 2] if j + 2 < n else None)
                        or self._weak_namey(toks[j + 1], seg.style)
                        or self._inner_name_word(toks, j + 1, seg.style)
                    )
                ):
                    j += 1
                if (
                    not toks[j].poss
                    and j + 2 < n
                    and toks[j + 1].text == "&"
                    and self._namey(toks[j + 2], seg.style, False, None)
                ):
                    j += 2
                start, end = toks[i].start, toks[j].end
                name = seg.text[start:end]
                prev = out[-1] if out else None
                if (
                    prev is not None
                    and prev.kind == "E"
                    and prev.ent is not None
                    and prev.ent.watched
                    and not prev.ent.possessive
                    and prev.end + 1 >= start
                    and seg.text[prev.end : start].strip() == ""
                    and toks[i].low not in self.company_people
                ):
                    prev.end = end
                    prev.ent.end = end
                    prev.poss = toks[j].poss
                    prev.ent.possessive = toks[j].poss
                    prev.text = seg.text[prev.start : end]
                elif name.lower().strip(".") in self.set["publishers"] or self._place_words(name):
                    merged = _Tok("w", name, start, end)
                    out.append(merged)
                else:
                    ent_tok = _Tok("E", name, start, end)
                    ent_tok.ent = _Ent(name, False, start, end, toks[j].poss)
                    ent_tok.poss = toks[j].poss
                    out.append(ent_tok)
                done = j + 1
                continue
            out.append(tok)
            done = i + 1
        out.extend(toks[done:])
        seg.toks = out

    def _mark(self, seg: _Seg) -> None:
        """Find triggers, status cues and clause boundaries once per segment."""
        toks = seg.toks
        lows = seg.lows = [t.low for t in toks]
        n = len(toks)
        brk = seg.brk = [False] * n
        for i, tok in enumerate(toks):
            if tok.kind != "p" and tok.kind != "$":
                continue
            if tok.kind == "$":  # a money figure knows where it stands, to judge what it prices
                tok.idx = i
                tok.where = seg
            else:
                if tok.text in _HARD_STOPS:
                    seg.brk[i] = True
                elif tok.text == "-" and i > 0:
                    spaced_before = toks[i - 1].end < tok.start
                    spaced_after = i + 1 < n and toks[i + 1].start > tok.end
                    if spaced_before or spaced_after or i + 1 == n:
                        seg.brk[i] = True
                elif tok.text == "." and (i + 1 == n or toks[i + 1].start > tok.end):
                    seg.brk[i] = True
        triggers = self.triggers
        cues = self.cues
        trigger_firsts = triggers.firsts
        cue_firsts = cues.firsts
        # most marked words start no longer phrase: their answers are looked up without a call
        trigger_single = triggers.single
        cue_single = cues.single
        hits = seg.hits
        found_cues: list[tuple[int, int, str]] = []
        phrase_ends: list[int] = []  # where a multi-word verb ends, per start
        marked = self.mark_words
        for i in [k for k, low in enumerate(lows) if low in marked]:
            low = lows[i]
            if low in trigger_firsts:
                for k, payload in trigger_single.get(low) or triggers.at(lows, i):
                    hits.append((i, i + k, payload))
                    if k > 1 and type(payload) is _Verb:
                        phrase_ends.append(i)
                        phrase_ends.append(i + k)
            if low in cue_firsts:
                found = cue_single.get(low) or cues.at(lows, i)
                if not found:
                    continue
                longest = found[0][0]
                for k, payload in found:
                    if payload != "break" or k == longest:
                        found_cues.append((i, i + k, payload))
        if len(found_cues) > 1:
            # a cue inside a longer one does not count: "sues to block" is no block
            found_cues = [
                (i, j, c)
                for i, j, c in found_cues
                if not any(i2 <= i and j <= j2 and j2 - i2 > j - i for i2, j2, _ in found_cues)
            ]
        seg.cues = found_cues
        for i, _, status in found_cues:
            if status == "break":
                # a breaker word inside a verb phrase ("take over") is not one
                inside = any(phrase_ends[m] < i < phrase_ends[m + 1] for m in range(0, len(phrase_ends), 2))
                # nor the headline's own verb: "Broadcom to build chips for OpenAI" says what Broadcom will do
                headline_verb = (
                    lows[i] == "to" and i > 0 and all(t.kind == "E" or t.low in (",", "and", "&") for t in toks[:i])
                )
                if not inside and not headline_verb:
                    brk[i] = True
        if brk and brk[0] and lows[0] in _OPENING_CLAUSES and "," in lows:
            brk[lows.index(",")] = True  # "As Intel struggles, Broadcom weighs a bid": the main clause starts here
