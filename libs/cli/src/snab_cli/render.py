"""Text the ``snab`` command prints: short Russian tables that fit a terminal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from snab_contracts.labels import ORDER_STATUS, PROPOSAL_STATUS, REQUEST_STATUS, money, number
from snab_contracts.rpc.directory import SupplierPage
from snab_contracts.rpc.orders import OrderDetail, OrderPage, ProposalView, SentRequests

MOSCOW = ZoneInfo("Europe/Moscow")


def when(moment: datetime | None) -> str:
    return moment.astimezone(MOSCOW).strftime("%d.%m.%Y %H:%M") if moment else "—"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns padded to their widest cell; the last column is never padded."""
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)
    ]
    lines = []
    for row in (header, *rows):
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    lines.insert(1, "  ".join("─" * w for w in widths))
    return "\n".join(lines)


def orders_page(page: OrderPage) -> str:
    if not page.items:
        return "Заявок нет."
    rows = [
        [
            o.number,
            ORDER_STATUS[o.status] + (" ⚠" if o.needs_review else ""),
            when(o.created_at),
            str(o.items_count),
            f"{o.quotes_count}/{o.requests_count}",
            o.client_name or o.contact_email or "—",
        ]
        for o in page.items
    ]
    first = (page.page - 1) * page.page_size + 1
    shown = f"{first}–{first + len(page.items) - 1}"
    return (
        table(["Номер", "Статус", "Создана", "Поз.", "Ответы", "Клиент"], rows)
        + f"\n\nПоказаны {shown} из {page.total}."
    )


def order_detail(detail: OrderDetail) -> str:
    o = detail.order
    out = [f"{o.number} · {ORDER_STATUS[o.status]} · создана {when(o.created_at)}"]
    client = o.client_name or detail.company or "—"
    out.append(f"Клиент: {client}" + (f", ИНН {detail.inn}" if detail.inn else ""))
    if o.contact_email or detail.contact_name or detail.contact_phone:
        contact = ", ".join(
            x for x in (detail.contact_name, o.contact_email, detail.contact_phone) if x
        )
        out.append(f"Контакт: {contact}")
    if o.mail_subject:
        out.append(f"Тема письма: {o.mail_subject}")
    if o.deadline:
        out.append(f"Срок: {o.deadline:%d.%m.%Y}")
    if o.needs_review:
        out.append("⚠ Нужна проверка: " + "; ".join(o.review_reasons or ["причина не указана"]))
    out.append("")
    out.append("Позиции")
    out.append(
        table(
            ["№", "Наименование", "Артикул", "Кол-во"],
            [
                [str(i.position), i.name, i.article or "—", f"{number(i.quantity)} {i.unit.value}"]
                for i in detail.items
            ],
        )
        if detail.items
        else "нет"
    )
    if detail.requests:
        out.append("")
        out.append("Запросы поставщикам")
        out.append(
            table(
                ["Запрос", "Поставщик", "Статус", "Отправлен"],
                [
                    [
                        r.rfq_number,
                        r.supplier_name,
                        REQUEST_STATUS[r.status] + (f" ({r.last_error})" if r.last_error else ""),
                        when(r.sent_at),
                    ]
                    for r in detail.requests
                ],
            )
        )
    if detail.comparison and detail.comparison.rows:
        out.append("")
        out.append("Сравнение (цена за единицу с НДС, ₽; * лучшая цена, ⚡ быстрее всех)")
        for row in detail.comparison.rows:
            offers = []
            for cell in row.cells:
                marks = ("*" if cell.best_price else "") + ("⚡" if cell.fastest else "")
                days = f", {cell.lead_time_days} дн." if cell.lead_time_days is not None else ""
                price = money(cell.unit_price) if cell.unit_price is not None else "нет цены"
                offers.append(f"{cell.supplier_name}: {price}{days}{marks}")
            out.append(f"  {row.position}. {row.name} — " + ("; ".join(offers) or "нет ответов"))
    for proposal in detail.proposals:
        out.append("")
        out.append(proposal_summary(proposal))
    return "\n".join(out)


def proposal_summary(p: ProposalView) -> str:
    lines = [
        f"{p.number} · {PROPOSAL_STATUS[p.status]} · итого {money(p.total, p.currency)}"
        f" (в т.ч. НДС {number(p.vat_rate)} %: {money(p.vat_amount, p.currency)})"
        f" · маржа {money(p.margin_amount, p.currency)}"
    ]
    lines.extend(f"  ⚠ {w}" for w in p.warnings)
    return "\n".join(lines)


def suppliers_page(page: SupplierPage) -> str:
    if not page.items:
        return "Поставщиков нет."
    rows = [
        [
            s.company + ("" if s.active else " (отключён)"),
            ", ".join(s.emails),
            ", ".join(c.name for c in s.categories) or "—",
            str(s.supplier_id),
        ]
        for s in page.items
    ]
    return table(["Поставщик", "Почта", "Категории", "id"], rows) + f"\n\nВсего: {page.total}."


def sent_requests(sent: SentRequests) -> str:
    return "\n".join(
        f"{r.rfq_number} → {r.supplier_name} <{r.supplier_email or '—'}>: "
        + REQUEST_STATUS[r.status]
        for r in sent.requests
    )
