"""Units of measure: the closed list of the result and the many ways mail spells them."""

from __future__ import annotations

import re
from typing import Final

from snab_parser.result import Unit

# canonical unit -> spellings (lowercase, "ё" as "е"); dots and spaces are ignored on lookup
_SYNONYMS: Final[dict[Unit, tuple[str, ...]]] = {
    "шт": (
        "шт",
        "штук",
        "штука",
        "штуки",
        "штуку",
        "ед",
        "единиц",
        "единица",
        "единицы",
        "pcs",
        "pc",
        "piece",
        "pieces",
        "ea",
        "each",
        "экз",
        # containers sold by the piece
        "банка",
        "банки",
        "банку",
        "банок",
        "ведро",
        "ведра",
        "ведер",
        "канистра",
        "канистры",
        "канистр",
        "баллон",
        "баллона",
        "баллонов",
        "баллоны",
        "бочка",
        "бочки",
        "бочек",
        "флакон",
        "флакона",
        "флаконов",
        "тюбик",
        "тюбика",
        "тюбиков",
        "катушка",
        "катушки",
        "катушек",
        "картридж",
        "картриджа",
        "картриджей",
    ),
    "кг": ("кг", "килограмм", "килограмма", "килограммов", "кило", "kg"),
    "г": ("г", "гр", "грамм", "грамма", "граммов", "g"),
    "т": ("т", "тн", "тонна", "тонны", "тонн", "тонну", "t", "ton", "tons"),
    "м": (
        "м",
        "meter",
        "meters",
        "metre",
        "metres",
        "метр",
        "метра",
        "метров",
        "метры",
        "мп",
        "пм",
        "погм",
        "погонныхметров",
        "погонныйметр",
        "погонныхметра",
        "m",
    ),
    "мм": ("мм", "миллиметр", "миллиметра", "миллиметров", "mm"),
    "м2": ("м2", "м²", "квм", "квадратныхметров", "квадратныхметра", "квадратныйметр", "m2", "sqm"),
    "м3": (
        "м3",
        "м³",
        "кубм",
        "куб",
        "куба",
        "кубов",
        "кубометр",
        "кубометра",
        "кубометров",
        "кубическихметров",
        "кубическихметра",
        "m3",
    ),
    "л": ("л", "литр", "литра", "литров", "литры", "l"),
    "уп": (
        "уп",
        "упак",
        "упаковка",
        "упаковки",
        "упаковок",
        "упаковку",
        "пач",
        "пачка",
        "пачки",
        "пачек",
        "пачку",
        "pack",
        "packs",
        "pkg",
    ),
    "компл": (
        "компл",
        "комплект",
        "комплекта",
        "комплектов",
        "комплекты",
        "кмпл",
        "кт",
        "к-т",
        "набор",
        "набора",
        "наборов",
        "наборы",
        "set",
        "sets",
        "kit",
    ),
    "рул": ("рул", "рулон", "рулона", "рулонов", "рулоны", "roll", "rolls"),
    "пар": ("пар", "пара", "пары", "пару", "pair", "pairs"),
    "лист": ("лист", "листа", "листов", "листы", "лст", "sheet", "sheets"),
    "меш": ("меш", "мешок", "мешка", "мешков", "мешки", "bag", "bags"),
    "кор": (
        "кор",
        "короб",
        "короба",
        "коробов",
        "коробка",
        "коробки",
        "коробок",
        "коробку",
        "ящик",
        "ящика",
        "ящиков",
        "box",
        "boxes",
    ),
    "бух": ("бух", "бухта", "бухты", "бухт", "бухту", "coil", "coils"),
}


_SPACES_AND_DOTS: Final = re.compile(r"[\s.]")
_CYRILLIC_WORD: Final = re.compile(r"[а-яе]+")


def _key(text: str) -> str:
    return _SPACES_AND_DOTS.sub("", text.lower().replace("ё", "е"))


_LOOKUP: Final[dict[str, Unit]] = {
    _key(s): unit for unit, spellings in _SYNONYMS.items() for s in (*spellings, unit)
}


def normalize_unit(text: str | None) -> Unit | None:
    """'шт.', 'штук', 'pcs' -> 'шт'; 'кв. м' -> 'м2'; None for anything not on the list."""
    if not text:
        return None
    return _LOOKUP.get(_key(text))


# Spellings as they stand in running text, longest first. Latin short forms (t, m, g, l...) are
# left out: in Russian mail they are far more often part of a model name than a unit.
_TEXT_FORMS: Final[tuple[str, ...]] = (
    r"погонных\s+метр(?:ов|а)",
    r"квадратных\s+метр(?:ов|а)",
    r"кубических\s+метр(?:ов|а)",
    r"пог\.?\s?м\.?",
    r"м\.\s?п\.?",
    r"п\.\s?м\.?",
    r"кв\.?\s?м\.?",
    r"куб\.?\s?м\.?",
    r"к-т",
    r"м²",
    r"м³",
    r"м2",
    r"м3",
    r"pcs",
    r"pc",
    r"pieces",
    r"piece",
    r"ea",
    r"each",
    r"met(?:er|re)s?",
    r"packs?",
    r"kg",
    r"sqm",
    r"m2",
    r"m3",
    r"sets?",
    r"rolls?",
    r"pairs?",
    r"sheets?",
    r"boxes",
    r"box",
)


def _word_forms() -> list[str]:
    words: set[str] = set()
    for unit, spellings in _SYNONYMS.items():
        for s in (*spellings, unit):
            if _CYRILLIC_WORD.fullmatch(s) and s not in {"квм", "кубм", "погм", "погонныхметров"}:
                words.add(s)
    words.discard("пм")
    words.discard("мп")
    return sorted(words, key=len, reverse=True)


def _with_yo(word: str) -> str:
    return word.replace("е", "[её]")


UNIT_PATTERN: Final[str] = (
    r"(?:"
    + "|".join(_TEXT_FORMS)
    + "|"
    + "|".join(_with_yo(w) for w in _word_forms())
    + r"|мп)(?![а-яёa-z0-9²³])\.?"
)

# units that also describe a size inside a product name ("Гофра 20 мм", "Анкер 300 мл")
MEASURE_UNITS: Final[frozenset[Unit]] = frozenset({"мм", "м", "г", "л", "кг", "м2", "м3"})
