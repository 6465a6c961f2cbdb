"""Morphology for item names taken from prose: "двести метров кабеля" names "кабель".

pymorphy3 ships its dictionary as a package, so this works offline; it is loaded on first use.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_CYR_WORD = re.compile(r"^[а-яё]+$", re.IGNORECASE)
# nouns that follow a number without being goods: dates, periods, money, people, places
_NOT_COUNTED = frozenset(
    {
        "январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь",
        "октябрь", "ноябрь", "декабрь", "день", "сутки", "неделя", "месяц", "год", "час",
        "минута", "секунда", "раз", "процент", "рубль", "копейка", "доллар", "евро", "юань",
        "человек", "сотрудник", "этаж", "корпус", "позиция", "наименование", "вариант",
        "счёт", "счет", "экземпляр", "страница", "дом", "квартира", "офис", "очередь",
    }
)  # fmt: skip


@lru_cache(maxsize=1)
def _analyzer() -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


def _pick(word: str, genitive: bool) -> Any | None:
    """The parse to inflect, or None when the word should stay as written."""
    parses = [p for p in _analyzer().parse(word.lower()) if p.tag.POS in ("NOUN", "ADJF")]
    if not parses:
        return None
    if genitive:
        gen = [p for p in parses if p.tag.case in ("gent", "gen2")]
        return gen[0] if gen else None
    if any(p.tag.case == "nomn" for p in parses):
        return None
    best = parses[0]
    return best if best.tag.case in ("accs", "acc2") else None


def _inflect(parse: Any, number: str | None, gender: str | None, word: str) -> str:
    grammemes = {"nomn", number or "sing"}
    if number != "plur" and gender and parse.tag.POS == "ADJF":
        grammemes.add(gender)
    inflected = parse.inflect(grammemes) or parse.inflect({"nomn"})
    if inflected is None:
        return word
    out: str = inflected.word
    return out[:1].upper() + out[1:] if word[:1].isupper() else out


def nominative_head(name: str, *, genitive: bool = False) -> str:
    """Put the head noun of a name (and the adjectives before it) into the nominative.

    ``genitive``: the name follows a quantity ("двести метров кабеля"), so the noun is in the
    genitive even where the form could also be a nominative plural ("три бухты провода").
    "кабеля ВВГнг" -> "кабель ВВГнг"; "вязальной проволоки" -> "вязальная проволока".
    Words already in the nominative, codes and sizes are left as written.
    """
    words = name.split(" ")
    head = None
    for i, word in enumerate(words[:4]):
        if not _CYR_WORD.match(word):
            break
        parses = _analyzer().parse(word.lower())
        if parses and parses[0].tag.POS == "NOUN":
            nxt = words[i + 1] if i + 1 < len(words) else ""
            if (
                any(p.tag.POS == "ADJF" for p in parses)
                and _CYR_WORD.match(nxt)
                and any(p.tag.POS == "NOUN" for p in _analyzer().parse(nxt.lower())[:2])
            ):
                continue  # "пожарных шкафа": an adjective that can also be a noun
            head = i
            break
    if head is None:
        return name
    noun = _pick(words[head], genitive)
    if noun is None:
        return name
    number = noun.tag.number
    gender = noun.tag.gender
    words[head] = _inflect(noun, number, gender, words[head])
    for j in range(head):
        adj = [p for p in _analyzer().parse(words[j].lower()) if p.tag.POS == "ADJF"]
        if adj:
            words[j] = _inflect(adj[0], number, gender, words[j])
    # adjectives after the noun that agree with it: "выключателей двухклавишных"
    for j in range(head + 1, min(len(words), head + 3)):
        if not _CYR_WORD.match(words[j]):
            break
        agreeing = [
            p
            for p in _analyzer().parse(words[j].lower())
            if p.tag.POS == "ADJF" and p.tag.case == noun.tag.case and p.tag.number == number
        ]
        if not agreeing:
            break
        words[j] = _inflect(agreeing[0], number, gender, words[j])
    return " ".join(words)


def counted_noun(words: list[str]) -> bool:
    """'кресел', 'офисных кресел', 'тумбы': a noun counted without a unit, after a number.

    After a number a noun stands in the genitive ("пять кресел", "три тумбы"); adjectives in
    the genitive may come first ("двенадцать офисных кресел").
    """
    for word in words[:3]:
        if not _CYR_WORD.match(word):
            return False
        parses = _analyzer().parse(word.lower())[:3]
        nouns = [p for p in parses if p.tag.POS == "NOUN" and p.tag.case in ("gent", "gen2")]
        if nouns:
            return nouns[0].normal_form not in _NOT_COUNTED
        if not any(p.tag.POS == "ADJF" and p.tag.case == "gent" for p in parses):
            return False
    return False
