"""Suppliers: the list, a card, and the add/edit dialog (name → email → categories →
review), its state kept in PostgreSQL so that it survives a restart of the bot."""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from pydantic import EmailStr, TypeAdapter, ValidationError

from snab_contracts.rpc.directory import (
    CategoriesCreate,
    CategoriesList,
    CategoryView,
    SupplierInput,
    SuppliersCreate,
    SuppliersGet,
    SuppliersList,
    SuppliersUpdate,
    SupplierView,
)
from snab_kit.rpc import Conflict
from snab_notifier import messages as m
from snab_notifier.bot import keyboards as kb
from snab_notifier.bot.callbacks import FormCb, FormOp, SupplierAct, SupplierCb
from snab_notifier.bot.desk import Desk
from snab_notifier.bot.keyboards import Keyboard
from snab_notifier.bot.middlewares import Press
from snab_notifier.bot.ui import inline, replace, reply

PAGE_SIZE = 8
CATEGORY_OPTIONS = 20
NAME_LIMIT = 200
_EMAIL = TypeAdapter(EmailStr)
_SPLIT = re.compile(r"[\s,;]+")


class SupplierForm(StatesGroup):
    name = State()
    emails = State()
    categories = State()
    review = State()


async def list_screen(desk: Desk, user_id: int, page: int) -> tuple[str, Keyboard]:
    result = await desk.call(user_id, SuppliersList(page=page, page_size=PAGE_SIZE))
    return m.suppliers_page(result), kb.suppliers_page(result)


def current_of(view: SupplierView) -> dict[str, Any]:
    return {
        "company": view.company,
        "emails": list(view.emails),
        "category_ids": [str(c.category_id) for c in view.categories],
        "inn": view.inn,
        "contact_name": view.contact_name,
        "phone": view.phone,
        "notes": view.notes,
        "active": view.active,
    }


async def ask_emails(target: Message, state: FSMContext) -> None:
    data = await state.get_data()
    await state.set_state(SupplierForm.emails)
    if data.get("mode") == "edit":
        emails = ", ".join(data["current"]["emails"])
        await target.answer(
            m.ASK_EMAILS_EDIT.format(emails=m.q(emails)), reply_markup=inline(kb.form(keep=True))
        )
    else:
        await target.answer(m.ASK_EMAILS, reply_markup=inline(kb.form()))


def parse_emails(text: str) -> tuple[list[str], str | None]:
    """The addresses in ``text``, or the first piece that is not one."""
    found: list[str] = []
    for piece in _SPLIT.split(text.strip()):
        if not piece:
            continue
        try:
            found.append(str(_EMAIL.validate_python(piece)).lower())
        except ValidationError:
            return [], piece
    return list(dict.fromkeys(found)), None if found else text.strip()


async def show_categories(
    target: Message, desk: Desk, user_id: int, state: FSMContext, *, edit: bool = False
) -> None:
    data = await state.get_data()
    options = data.get("options")
    if options is None:
        listing = await desk.call(user_id, CategoriesList())
        options = [
            {"id": str(c.category_id), "name": c.name} for c in listing.items[:CATEGORY_OPTIONS]
        ]
        chosen = data.get("category_ids")
        if chosen is None:
            chosen = list(data.get("current", {}).get("category_ids", []))
        await state.update_data(options=options, category_ids=chosen, new_categories=[])
        data = await state.get_data()
    await state.set_state(SupplierForm.categories)
    chosen = list(data["category_ids"])
    names = [o["name"] for o in options if o["id"] in chosen]
    views = [CategoryView(category_id=UUID(o["id"]), name=o["name"]) for o in options]
    text = m.ask_categories(names, data.get("new_categories", []))
    if not options:
        text += "\n" + m.CATEGORIES_NONE
    markup = kb.categories(views, chosen)
    if edit:
        try:
            await target.edit_text(text, reply_markup=inline(markup))
            return
        except TelegramBadRequest as exc:  # not editable any more: show it anew
            if "not modified" in exc.message:
                return
    await target.answer(text, reply_markup=inline(markup))


async def create_category(desk: Desk, user_id: int, name: str) -> UUID:
    try:
        return (await desk.call(user_id, CategoriesCreate(name=name))).category_id
    except Conflict:
        listing = await desk.call(user_id, CategoriesList())
        for c in listing.items:
            if c.name.lower() == name.lower():
                return c.category_id
        raise


def router() -> Router:
    """The suppliers handlers, on a router of their own (one per dispatcher)."""
    router = Router(name="suppliers")

    @router.message(Command("suppliers"))
    async def suppliers(message: Message, desk: Desk) -> None:
        assert message.from_user is not None
        text, markup = await list_screen(desk, message.from_user.id, 1)
        await message.answer(text, reply_markup=inline(markup))

    @router.callback_query(SupplierCb.filter(F.act == SupplierAct.LIST))
    async def suppliers_page(query: CallbackQuery, callback_data: SupplierCb, desk: Desk) -> None:
        await replace(query, *await list_screen(desk, query.from_user.id, callback_data.page))

    @router.callback_query(SupplierCb.filter(F.act == SupplierAct.OPEN))
    async def supplier(query: CallbackQuery, callback_data: SupplierCb, desk: Desk) -> None:
        assert callback_data.id is not None
        view = await desk.call(query.from_user.id, SuppliersGet(supplier_id=callback_data.id))
        await replace(
            query, m.supplier_card(view), kb.supplier_card(view.supplier_id, callback_data.page)
        )

    @router.callback_query(SupplierCb.filter(F.act.in_({SupplierAct.ADD, SupplierAct.EDIT})))
    async def start(
        query: CallbackQuery, callback_data: SupplierCb, desk: Desk, state: FSMContext
    ) -> None:
        await state.clear()
        if callback_data.act == SupplierAct.ADD or callback_data.id is None:
            await state.set_data({"mode": "add"})
            await state.set_state(SupplierForm.name)
            await reply(query, m.ASK_NAME, kb.form())
            return
        view = await desk.call(query.from_user.id, SuppliersGet(supplier_id=callback_data.id))
        await state.set_data(
            {"mode": "edit", "supplier_id": str(view.supplier_id), "current": current_of(view)}
        )
        await state.set_state(SupplierForm.name)
        await reply(query, m.ASK_NAME_EDIT.format(company=m.q(view.company)), kb.form(keep=True))

    @router.message(StateFilter(SupplierForm.name), F.text)
    async def name_typed(message: Message, state: FSMContext) -> None:
        assert message.text is not None
        name = " ".join(message.text.split())
        if not name or len(name) > NAME_LIMIT or name.startswith("/"):
            await message.answer(m.BAD_NAME)
            return
        await state.update_data(company=name)
        await ask_emails(message, state)

    @router.message(StateFilter(SupplierForm.emails), F.text)
    async def emails_typed(message: Message, desk: Desk, state: FSMContext) -> None:
        assert message.text is not None and message.from_user is not None
        emails, bad = parse_emails(message.text)
        if bad is not None:
            await message.answer(m.BAD_EMAIL.format(value=m.q(m.cut(bad, 80))))
            return
        await state.update_data(emails=emails)
        await show_categories(message, desk, message.from_user.id, state)

    @router.message(StateFilter(SupplierForm.categories), F.text)
    async def category_typed(message: Message, desk: Desk, state: FSMContext) -> None:
        assert message.text is not None and message.from_user is not None
        name = " ".join(message.text.split())
        if not name or len(name) > NAME_LIMIT or name.startswith("/"):
            await message.answer(m.BAD_NAME)
            return
        data = await state.get_data()
        known = {o["name"].lower(): o["id"] for o in data.get("options", [])}
        if name.lower() in known:
            chosen = set(data["category_ids"]) | {known[name.lower()]}
            await state.update_data(category_ids=sorted(chosen))
        else:
            new = list(dict.fromkeys([*data.get("new_categories", []), name]))
            await state.update_data(new_categories=new)
        await show_categories(message, desk, message.from_user.id, state)

    @router.callback_query(FormCb.filter(F.op == FormOp.CANCEL))
    async def cancel(query: CallbackQuery, state: FSMContext, press: Press) -> None:
        if await state.get_state() is None:
            await press.answer(m.DIALOG_GONE)
            return
        await state.clear()
        await replace(query, m.CANCELLED)

    @router.callback_query(FormCb.filter(F.op == FormOp.KEEP), StateFilter(SupplierForm.name))
    async def keep_name(query: CallbackQuery, state: FSMContext) -> None:
        data = await state.get_data()
        await state.update_data(company=data["current"]["company"])
        assert isinstance(query.message, Message)
        await ask_emails(query.message, state)

    @router.callback_query(FormCb.filter(F.op == FormOp.KEEP), StateFilter(SupplierForm.emails))
    async def keep_emails(query: CallbackQuery, desk: Desk, state: FSMContext) -> None:
        data = await state.get_data()
        await state.update_data(emails=data["current"]["emails"])
        assert isinstance(query.message, Message)
        await show_categories(query.message, desk, query.from_user.id, state)

    @router.callback_query(
        FormCb.filter(F.op == FormOp.CATEGORY), StateFilter(SupplierForm.categories)
    )
    async def toggle_category(
        query: CallbackQuery, callback_data: FormCb, desk: Desk, state: FSMContext
    ) -> None:
        data = await state.get_data()
        options = data.get("options", [])
        index = int(callback_data.value or -1)
        if 0 <= index < len(options):
            chosen = set(data["category_ids"]) ^ {options[index]["id"]}
            await state.update_data(category_ids=sorted(chosen))
        assert isinstance(query.message, Message)
        await show_categories(query.message, desk, query.from_user.id, state, edit=True)

    @router.callback_query(FormCb.filter(F.op == FormOp.DONE), StateFilter(SupplierForm.categories))
    async def categories_done(query: CallbackQuery, state: FSMContext) -> None:
        data = await state.get_data()
        names = [o["name"] for o in data.get("options", []) if o["id"] in data["category_ids"]]
        names += data.get("new_categories", [])
        await state.set_state(SupplierForm.review)
        await replace(query, m.supplier_review(data["company"], data["emails"], names), kb.review())

    @router.callback_query(FormCb.filter(F.op == FormOp.SAVE), StateFilter(SupplierForm.review))
    async def save(query: CallbackQuery, desk: Desk, state: FSMContext) -> None:
        data = await state.get_data()
        user = query.from_user.id
        category_ids = [UUID(c) for c in data["category_ids"]]
        for name in data.get("new_categories", []):
            category_ids.append(await create_category(desk, user, name))
        keep = data.get("current", {})
        supplier = SupplierInput(
            company=data["company"],
            emails=data["emails"],
            category_ids=list(dict.fromkeys(category_ids)),
            inn=keep.get("inn"),
            contact_name=keep.get("contact_name"),
            phone=keep.get("phone"),
            notes=keep.get("notes"),
            active=keep.get("active", True),
        )
        if data.get("mode") == "edit":
            view = await desk.call(
                user, SuppliersUpdate(supplier_id=UUID(data["supplier_id"]), supplier=supplier)
            )
        else:
            view = await desk.call(user, SuppliersCreate(supplier=supplier))
        await state.clear()
        await replace(
            query,
            m.supplier_saved(view, created=data.get("mode") != "edit"),
            kb.supplier_card(view.supplier_id, 1),
        )

    @router.callback_query(FormCb.filter())
    async def stale(query: CallbackQuery, press: Press) -> None:
        """A button of a dialog that has moved on (or ended)."""
        await press.answer(m.DIALOG_GONE)

    return router
