"""Signals that tell a request, a quote and other mail apart."""

from __future__ import annotations

import re
from typing import Final

from snab_mailparse import ParsedMail

RFQ_TAG: Final = re.compile(r"\[?\b(RFQ-\d{4}-\d{2,6}(?:-\d{1,3})?)\b\]?", re.IGNORECASE)
RFQ_MESSAGE_ID: Final = re.compile(r"<rfq\.\d+\.[^<>@\s]+@[^<>\s]+>", re.IGNORECASE)

_BOUNCE_SUBJECT: Final = re.compile(
    r"undeliver|delivery status|delivery failure|returned mail|failure notice|mail delivery failed"
    r"|недоставлен|не\s+доставлен|не\s+удалось\s+доставить|возврат\s+письма",
    re.IGNORECASE,
)
_BOUNCE_BODY: Final = re.compile(
    r"(?:could\s+not\s+be\s+delivered|не\s+удалось\s+доставить|recipient\s+address\s+rejected"
    r"|user\s+unknown|mailbox\s+unavailable|550\s+5\.\d\.\d|адрес\s+получателя\s+не\s+существует)",
    re.IGNORECASE,
)
_BOUNCE_SENDER: Final = re.compile(r"^(?:mailer-daemon|postmaster|mail-daemon)@", re.IGNORECASE)

_AUTO_SUBJECT: Final = re.compile(
    r"автоматическ\w{0,30}\s+ответ|автоответ|auto[-\s]?reply|automatic\s+reply|out\s+of\s+(?:the\s+)?office"
    r"|нет\s+на\s+месте|отсутствую|в\s+отпуске|autoreply",
    re.IGNORECASE,
)
_AUTO_BODY: Final = re.compile(
    r"(?:я\s+)?(?:нахожусь\s+)?в\s+(?:отпуске|командировке)|на\s+больничном|вне\s+офиса"
    r"|буду\s+отсутствовать|отсутствую\s+(?:в\s+офисе|до|с)|не\s+смогу\s+ответить"
    r"|доступ\s+к\s+почте\s+ограничен|out\s+of\s+(?:the\s+)?office|вернусь\s+\d|выйду\s+на\s+работу"
    r"|(?:ваше\s+)?обращение\s+(?:зарегистрировано|принято\s+в\s+работу)"
    r"|ваш\s+запрос\s+(?:получен|зарегистрирован)|will\s+(?:be\s+)?(?:back|return)"
    r"|ваше\s+письмо\s+(?:получено|будет\s+рассмотрено)|это\s+автоматическ\w{1,30}\s+ответ",
    re.IGNORECASE,
)
_SPAM_STRONG: Final = re.compile(
    r"отписаться|отписки|unsubscribe|рассылк|промокод|подписаны\s+на|вы\s+получили\s+это\s+письмо",
    re.IGNORECASE,
)
_SPAM: Final = re.compile(
    r"скидк\w{0,30}\s+до\s+\d|распродаж|чёрная\s+пятниц|черная\s+пятниц|успейте|спешите"
    r"|спецпредложени|только\s+до\s+\d|только\s+сегодня|акци[яию]\b|выгодн\w{1,30}\s+предложени"
    r"|бесплатн|кэшбэк|cashback|выиграй|розыгрыш|предлагаем\s+услуг|гаранти\w{0,30}\s+результат"
    r"|продвижени|реклам|звоните|каталог|интернет-магазин|от\s+производителя|скидк",
    re.IGNORECASE,
)
_NOT_PROCUREMENT: Final = re.compile(
    r"конференц|приглаша|семинар|вебинар|выставк|форум|напоминаем|напоминание|акт\s+сверки"
    r"|задолженност|просроч|срок\s+оплаты\s+ист[её]к|платёжн|платежн|резюме|вакансi|вакансия"
    r"|поздравля|с\s+новым\s+годом|благодарим\s+за\s+оплату|ваш\s+заказ\s+(?:отгружен|доставлен)"
    r"|трек-номер|опрос|анкета|накладн\w{0,30}\s+№|груз\w{0,30}\s+(?:прибыл|доставлен|отправлен|готов)"
    r"|отследить|к\s+выдаче|автоматическое\s+уведомление|отвечать\s+на\s+него\s+не\s+нужно"
    r"|не\s+отвечайте\s+на\s+(?:это|данное)\s+письмо|сч[её]т\w{0,30}\s+(?:№\s*\S+\s+)?на\s+оплату"
    r"|просим\s+(?:вас\s+)?оплатить|произвести\s+оплату|сальдо|взаиморасч[её]т"
    r"|выписк\w{0,30}\s+по\s+сч[её]т|остаток|поступлени[ея]\s*:|списани[ея]\s*:"
    r"|претензи|рекламаци|недопоставк|расхождени|брак\b|пересорт"
    # accounting: an invoice or a reconciliation restates goods with amounts, orders nothing
    r"|(?:всего\s+)?к\s+оплате|оплатить\s+до|(?<![а-яё])р/с(?![а-яё])|расч[её]тный\s+сч[её]т"
    r"|(?<![а-яё])бик(?![а-яё])|(?<![а-яё])упд(?![а-яё])"
    r"|дебет|кредит\b",
    re.IGNORECASE,
)
# a complaint about a past delivery names goods and quantities but orders nothing new
_COMPLAINT: Final = re.compile(
    r"претензи|рекламаци|недопоставк|акт\w{0,30}\s+(?:о\s+)?расхождени|пересорт", re.IGNORECASE
)
_REQUEST_VOCAB: Final = re.compile(
    r"прошу|просим|просьба|нужн[оаы]?\b|нужен|надо\b|необходим|требуется|заявк|запрос|\bкп\b"
    r"|коммерческ\w{0,30}\s+предложени|сч[её]т\b|выставить|рассчита|посчита|сколько\s+(?:будет|стоит)"
    r"|интересу|купить|заказ|поставк|цен[уы]|стоимост",
    re.IGNORECASE,
)
_SUPPLIER_VOCAB: Final = re.compile(
    r"предлагаем|наше\s+предложение|коммерческое\s+предложение\s+(?:во\s+вложении|направляем)"
    r"|по\s+вашему\s+запросу|направля\w{1,30}\s+(?:цены|кп|коммерческое)|цены\s+действительны"
    r"|предложение\s+действ|в\s+ответ\s+на\s+(?:ваш\s+)?запрос",
    re.IGNORECASE,
)
_DECLINE: Final = re.compile(
    r"не\s+(?:сможем|можем|поставляем|работаем|занимаемся|торгуем)|нет\s+в\s+наличии"
    r"|к\s+сожалению|отказываемся|не\s+имеем\s+возможности",
    re.IGNORECASE,
)


def rfq_link(mail: ParsedMail) -> tuple[str | None, str | None]:
    """(the RFQ tag from the subject, the RFQ Message-ID this replies to)."""
    tag_m = RFQ_TAG.search(mail.subject or "")
    tag = tag_m.group(1).upper() if tag_m else None
    ids = [mail.in_reply_to or "", *mail.references]
    msg_id = next((m.group(0) for i in ids for m in [RFQ_MESSAGE_ID.search(i)] if m), None)
    return tag, msg_id


def is_bounce(mail: ParsedMail, text: str) -> bool:
    sender = mail.from_addr.email if mail.from_addr else ""
    if mail.bounce or _BOUNCE_SENDER.match(sender):
        return True
    return bool(_BOUNCE_SUBJECT.search(mail.subject or "")) and bool(_BOUNCE_BODY.search(text))


def auto_reply_strength(mail: ParsedMail, text: str) -> float:
    """0 when nothing says out-of-office; higher with a header, a subject and wording."""
    score = 0.0
    if mail.auto_reply:
        score += 0.5
    if _AUTO_SUBJECT.search(mail.subject or ""):
        score += 0.3
    if _AUTO_BODY.search(text[:1500]):
        score += 0.4
    return min(score, 1.0)


def ooo_wording(text: str) -> bool:
    return bool(_AUTO_BODY.search(text[:1500]))


def spam_score(mail: ParsedMail, text: str) -> int:
    """Marketing wording: an unsubscribe line counts 2, other sales phrases 1 each."""
    full = f"{mail.subject}\n{text}"
    strong = {m.group(0).lower()[:6] for m in _SPAM_STRONG.finditer(full)}
    weak = {m.group(0).lower()[:6] for m in _SPAM.finditer(full)}
    return 2 * len(strong) + len(weak)


def has_unsubscribe(mail: ParsedMail, text: str) -> bool:
    return bool(_SPAM_STRONG.search(f"{mail.subject}\n{text}"))


def not_procurement_score(mail: ParsedMail, text: str) -> int:
    return len(
        {m.group(0).lower()[:6] for m in _NOT_PROCUREMENT.finditer(f"{mail.subject}\n{text}")}
    )


def request_vocabulary(mail: ParsedMail, text: str) -> bool:
    return bool(_REQUEST_VOCAB.search(f"{mail.subject}\n{text}"))


_ASKS: Final = re.compile(
    r"(?:прошу|просим|просьба)(?!\s+(?:вас\s+)?(?:оплатить|произвести\s+оплату|подписать|вернуть"
    r"|подтвердить|ознакомиться|зарегистрир|принять\s+участие|сообщить\s+(?:планируемую|дату)))|(?<!не\s)(?:нужн[оаы]?\b|нужен|надо\b|необходим|требуется)|выставить"
    r"|рассчита"
    r"|посчита|сколько\s+(?:будет|стоит)|интересу|купить|хотим\s+заказать",
    re.IGNORECASE,
)


def asks_for_goods(text: str) -> bool:
    """Wording of someone who wants to buy ("прошу", "нужно", "выставить счёт")."""
    return bool(_ASKS.search(text))


def complains(text: str) -> bool:
    return bool(_COMPLAINT.search(text))


def supplier_vocabulary(text: str) -> bool:
    return bool(_SUPPLIER_VOCAB.search(text))


def declines(text: str) -> bool:
    return bool(_DECLINE.search(text))


# "Уточните, какой нужен класс прочности?": a question, not an answer
_QUESTION: Final = re.compile(
    r"\?|(?<![а-яё])(?:уточните|подскажите|поясните|вопрос|какой|какая|какие|каким|нужен\s+ли"
    r"|нужна\s+ли|нужно\s+ли|можно\s+ли|допустим\w*\s+ли)(?![а-яё])",
    re.IGNORECASE,
)


def asks_question(text: str) -> bool:
    return bool(_QUESTION.search(text))
