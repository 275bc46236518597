"""classify: one article read end to end, title first, then the summary sentences worth reading."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.model import Article, DealEvent, Mention
from bot.pipeline.classify.assembly import _Assembly
from bot.pipeline.classify.candidates import _Cand
from bot.pipeline.classify.tokens import _Ent, _Seg
from bot.pipeline.match import CaseStyle, case_style, normalise

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[\"'(]?[A-Z0-9])")
_ABBREV_END = re.compile(
    r"(?:\b[A-Z]|\b(?:Inc|Corp|Co|Ltd|Mr|Ms|Mrs|Dr|St|No|vs|Jr|Sr|Bros|Sept|Oct|Nov|Dec|Jan|Feb))\.$"
)
_WORTH_READING = re.compile(
    r"\b(?:it|its|they|their|both|two|compan(?:y|ies)|startup|firm|group|maker|service|deal|round|series|led)\b",
    re.IGNORECASE,
)
_GROUP_OR_BACKERS = re.compile(
    r"\b(?:both|two|companies|partners|they|led by|co-led by|backed by|participation from|investors)\b", re.IGNORECASE
)
# A headline that asks rather than tells: "Is X buying Y?", "Will X and Y merge?"
_QUESTION = re.compile(
    r"^\s*(?:is|are|was|were|will|would|could|can|should|does|do|did|has|have)\b[^?.!]*\?", re.IGNORECASE
)
_MONEY_SIGN = re.compile(r"[$€£¥₹]|\b(?:dlrs|dollars|euros|pounds)\b", re.IGNORECASE)


class _Grammar(_Assembly):
    """Every reading stage stacked on the lexicon; its `classify` never lets one odd article stop a poll."""

    def classify(self, article: Article, mentions: Sequence[Mention]) -> list[DealEvent]:
        try:
            return self._classify(article, mentions)
        except Exception:
            if self.strict:
                raise
            return []  # one odd article must never stop a poll

    def _classify(self, article: Article, mentions: Sequence[Mention]) -> list[DealEvent]:
        if not mentions and not self.open_world:
            return []
        title = normalise(article.title or "")
        summary = normalise(article.summary or "")
        title_triggered = self._has_trigger(title.text)
        summary_triggered = bool(summary.text.strip()) and self._has_trigger(summary.text)
        if not title_triggered and not summary_triggered:
            return []
        by_field: dict[str, list[tuple[int, int, str]]] = {"title": [], "summary": []}
        for m in mentions:
            norm = title if m.field == "title" else summary
            name = self.canonical.get(self._key(m.company), m.company)
            by_field[m.field].append((norm.from_original(m.start), norm.from_original(m.end), name))
        if title_triggered and _QUESTION.match(title.text):
            title_triggered = False  # "Is Salesforce buying Informatica?" asks; it reports nothing
        if title_triggered:
            segs = [self._segment(title.text, by_field["title"], case_style(title.text, self.common), True)]
            title_ents = [t.ent for t in segs[0].toks if t.ent is not None]
            title_cands = self._extract(segs[0])
        else:
            # nothing to read in the title: its watched names still give a summary's "it" a referent
            segs = [_Seg(title.text, [], "normal", True)]
            title_ents = [_Ent(name, True, s, e) for s, e, name in by_field["title"]]
            title_cands = []
        summary_cands: list[_Cand] = []
        need_amount = any(c.amount is None for c in title_cands)
        open_world = self.open_world
        if (
            summary.text.strip()
            and (by_field["summary"] or title_cands or open_world)
            and (summary_triggered or need_amount)
        ):
            style: CaseStyle | None = None
            refer_words = _WORTH_READING
            if any(c.type == "funding" and "investors" not in c.roles for c in title_cands):
                refer_words = _GROUP_OR_BACKERS  # "The round was led by ..." names the title's investors
            for start, end in self._sentences(summary.text):
                text = summary.text[start:end]
                spans = [(s - start, e - start, n) for s, e, n in by_field["summary"] if start <= s and e <= end]
                events_here = (
                    summary_triggered
                    and (bool(spans) or open_world or refer_words.search(text) is not None)
                    and self._has_trigger(text)
                )
                if not events_here and not (need_amount and _MONEY_SIGN.search(text)):
                    continue
                if style is None:
                    style = case_style(summary.text, self.common)
                seg = self._segment(text, spans, style, False)
                seg.context = title_ents
                if segs[0].style == "upper":
                    self._proper_names(seg, title_ents)
                self._complete_names(seg, title_ents)
                segs.append(seg)
                summary_cands.extend(self._extract(seg))
        cands = self._combine(title_cands, summary_cands, segs)
        return [self._event(c) for c in cands]

    def _has_trigger(self, text: str) -> bool:
        """Cheap test before the full reading: does any deal word occur at all?"""
        return self.trigger_search(text.lower()) is not None

    @staticmethod
    def _proper_names(seg: _Seg, title_ents: Sequence[_Ent]) -> None:
        """ "LOEWS" in a wire headline is the summary's "Loews Corp": the fuller, properly cased name."""
        for ent in title_ents:
            if ent.watched:
                continue
            words = ent.name.lower().split()
            for tok in seg.toks:
                other = tok.ent
                if other is None or other.watched:
                    continue
                full = other.name.lower().split()
                initials = "".join(w[0] for w in other.name.split() if w[:1].isupper())
                if (
                    len(words) <= len(full) <= len(words) + 3
                    and any(full[k : k + len(words)] == words for k in range(len(full) - len(words) + 1))
                ) or (len(ent.name) >= 2 and ent.name.isupper() and initials.startswith(ent.name) and len(full) >= 2):
                    ent.name = other.name  # "TWA" is the summary's "Trans World Airlines Inc"
                    break

    @staticmethod
    def _complete_names(seg: _Seg, known: Sequence[_Ent]) -> None:
        """ "Didi" in a summary is the "Didi Chuxing" of its title."""
        for tok in seg.toks:
            ent = tok.ent
            if ent is None or ent.watched:
                continue
            for other in known:
                if not other.watched and other.name.lower().startswith(ent.name.lower() + " "):
                    ent.name = other.name
                    break

    def _sentences(self, text: str) -> list[tuple[int, int]]:
        out: list[tuple[int, int]] = []
        start = 0
        for m in _SENTENCE.finditer(text):
            if _ABBREV_END.search(text, max(0, m.start() - 6), m.start()):
                continue
            out.append((start, m.start()))
            start = m.end()
        out.append((start, len(text)))
        return [(s, e) for s, e in out if text[s:e].strip()]
