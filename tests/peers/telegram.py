"""A fake Telegram Bot API server for tests: the real aiogram client talks HTTP to it.

It runs in a thread of its own (its own event loop), on a free port of 127.0.0.1, so that
tests and processes under test may block without stalling it:

    with FakeTelegram(token="123456:TEST") as tg:
        ...start the bot with TELEGRAM_API_URL=tg.base_url...
        tg.say(111, "/orders")                        # a message from user 111
        [menu] = tg.wait_for(lambda: tg.messages(111))
        tg.press(111, menu, "Новые")                  # presses the button with that label
        tg.down(); ...; tg.up()                       # the server refuses connections a while

What it does as Telegram would:

- ``getUpdates`` long polling with ``offset`` confirmation; updates pushed by ``say`` and
  ``press`` (a callback query from the button's real ``callback_data``);
- ``sendMessage``, ``sendDocument`` (multipart, the file kept), ``editMessageText``,
  ``editMessageReplyMarkup``, ``answerCallbackQuery``, ``setMyCommands``, ``getMe``,
  ``deleteWebhook``/``setWebhook`` and a few more; messages kept per chat, edits applied;
- checks what Telegram checks: the token (401), HTML entities of ``parse_mode=HTML``
  (400 "can't parse entities"), 4096 characters of text and 1024 of caption, 64 bytes of
  ``callback_data``, editing a message that is not there or not changed (400);
- limits: at most one message per ``chat_interval`` seconds in a chat and
  ``global_rate`` per second overall, answered with 429 and ``retry_after`` as Telegram
  does; ``fail_next`` scripts a failure (a 429, a 5xx) for the next calls of a method.

Every call is recorded with its parameters and arrival time; ``transcript()`` renders
what each chat shows, as a manager would read it.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import json
import math
import re
import socket
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

MESSAGE_METHODS = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "editMessageText",
        "editMessageReplyMarkup",
        "editMessageCaption",
        "copyMessage",
        "sendPhoto",
    }
)
ALLOWED_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-spoiler",
        "span",
        "tg-emoji",
    }
)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^<>]*)>")
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


class HtmlError(ValueError):
    pass


def parse_html(text: str) -> str:
    """The plain text Telegram would show for ``text`` (parse_mode HTML), or HtmlError."""
    out: list[str] = []
    stack: list[str] = []
    pos = 0
    for match in _TAG.finditer(text):
        out.append(_text_part(text[pos : match.start()], pos))
        closing, name, _attrs = match.group(1), match.group(2).lower(), match.group(3)
        if name not in ALLOWED_TAGS:
            raise HtmlError(f'Unsupported start tag "{name}" at byte offset {match.start()}')
        if closing:
            if not stack or stack[-1] != name:
                expected = stack[-1] if stack else ""
                raise HtmlError(
                    f"Unmatched end tag at byte offset {match.start()}, "
                    f'expected "</{expected}>", found "</{name}>"'
                )
            stack.pop()
        else:
            stack.append(name)
        pos = match.end()
    out.append(_text_part(text[pos:], pos))
    if stack:
        raise HtmlError(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)


def _text_part(part: str, offset: int) -> str:
    if "<" in part:
        raise HtmlError(f"Unexpected < at byte offset {offset + part.index('<')}")
    for amp in re.finditer("&", part):
        if not _ENTITY.match(part, amp.start()):
            # Telegram tolerates a bare &, but it is always a bug of ours: refuse it.
            raise HtmlError(f"Unescaped & at byte offset {offset + amp.start()}")
    return html.unescape(part)


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float
    status: int = 200
    files: dict[str, bytes] = field(default_factory=dict)


@dataclass
class Button:
    text: str
    data: str | None
    url: str | None = None


@dataclass
class ChatMessage:
    chat_id: int
    message_id: int
    text: str
    """As sent (HTML); ``plain`` is what the reader sees."""
    plain: str
    buttons: list[list[Button]]
    from_bot: bool = True
    document: tuple[str, bytes] | None = None
    edits: int = 0
    sent_at: float = 0.0
    history: list[tuple[str, list[list[Button]]]] = field(default_factory=list)
    """Earlier versions (HTML text and buttons), oldest first."""

    @property
    def labels(self) -> list[str]:
        return [b.text for row in self.buttons for b in row]

    def button(self, label: str) -> Button:
        for row in self.buttons:
            for b in row:
                if b.text == label or b.text.startswith(label):
                    return b
        raise KeyError(f"no button {label!r} in {self.labels}")

    def as_dict(self, chat_id: int) -> dict[str, Any]:
        body: dict[str, Any] = {
            "message_id": self.message_id,
            "date": int(self.sent_at or time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": f"user{chat_id}"},
        }
        if self.from_bot:
            body["from"] = {"id": BOT_ID, "is_bot": True, "first_name": "Снабжение"}
        else:
            body["from"] = {"id": chat_id, "is_bot": False, "first_name": f"user{chat_id}"}
        if self.document is not None:
            body["document"] = {
                "file_id": f"file{self.message_id}",
                "file_unique_id": f"u{self.message_id}",
                "file_name": self.document[0],
                "file_size": len(self.document[1]),
            }
            if self.plain:
                body["caption"] = self.plain
        else:
            body["text"] = self.plain
        if self.buttons:
            body["reply_markup"] = {
                "inline_keyboard": [
                    [
                        {"text": b.text, "callback_data": b.data}
                        if b.data is not None
                        else {"text": b.text, "url": b.url}
                        for b in row
                    ]
                    for row in self.buttons
                ]
            }
        return body


@dataclass
class Failure:
    method: str
    status: int
    remaining: int
    retry_after: int = 1
    description: str = ""


BOT_ID = 7000001
TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


class FakeTelegram:
    def __init__(
        self,
        *,
        token: str = "7000001:TEST-token-for-the-fake-server",
        chat_interval: float = 1.0,
        global_rate: float = 30.0,
    ) -> None:
        self.token = token
        self.chat_interval = chat_interval
        self.global_rate = global_rate
        self.calls: list[Call] = []
        self.chats: dict[int, list[ChatMessage]] = defaultdict(list)
        self.answers: list[dict[str, Any]] = []
        self.pressed_at: dict[str, float] = {}
        self.refused: list[Call] = []
        self._lock = threading.RLock()
        self._updates: deque[dict[str, Any]] = deque()
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._failures: list[Failure] = []
        self._last_in_chat: dict[int, float] = {}
        self._recent: deque[float] = deque()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._new_update: asyncio.Event | None = None
        self._runner: web.AppRunner | None = None
        self._site: web.SockSite | None = None
        self._ready = threading.Event()
        self._closing = False
        self.port = 0
        self.host = "127.0.0.1"

    # -- lifecycle -----------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> FakeTelegram:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, 0))
        self.port = sock.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, args=(sock,), daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("fake Telegram did not start")
        return self

    def stop(self) -> None:
        loop = self._loop
        if loop is None:
            return
        self._closing = True
        asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(10)
        self._loop = None

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _serve(self, sock: socket.socket) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        self._new_update = asyncio.Event()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        loop.run_until_complete(self._runner.setup())
        self._site = web.SockSite(self._runner, sock)
        loop.run_until_complete(self._site.start())
        self._ready.set()
        loop.run_forever()
        loop.close()

    async def _shutdown(self) -> None:
        if self._new_update is not None:
            self._new_update.set()
        if self._runner is not None:
            await self._runner.cleanup()

    def down(self) -> None:
        """Stop listening: connections are refused (Telegram unreachable)."""
        assert self._loop is not None
        asyncio.run_coroutine_threadsafe(self._down(), self._loop).result(10)

    async def _down(self) -> None:
        if self._site is not None:
            await self._site.stop()
            self._site = None
        assert self._runner is not None
        # Open long polls end too (as a dropped connection would end them).
        for conn in list(getattr(self._runner.server, "connections", []) or []):
            with contextlib.suppress(Exception):
                conn.force_close()

    def up(self) -> None:
        """Listen again on the same port."""
        assert self._loop is not None
        asyncio.run_coroutine_threadsafe(self._up(), self._loop).result(10)

    async def _up(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        assert self._runner is not None
        self._site = web.SockSite(self._runner, sock)
        await self._site.start()

    # -- scripting -----------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int = 1,
        count: int = 1,
        description: str = "",
    ) -> None:
        with self._lock:
            self._failures.append(Failure(method, status, count, retry_after, description))

    def say(self, user_id: int, text: str) -> int:
        """A message from ``user_id`` to the bot in their private chat; its update id."""
        with self._lock:
            message = ChatMessage(
                chat_id=user_id,
                message_id=next(self._message_ids),
                text=text,
                plain=text,
                buttons=[],
                from_bot=False,
                sent_at=time.time(),
            )
            self.chats[user_id].append(message)
            body = message.as_dict(user_id)
            if text.startswith("/"):
                command = text.split()[0]
                body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
            return self._push({"message": body})

    def press(self, user_id: int, message: ChatMessage, label: str) -> str:
        """Press the button ``label`` (or one starting with it) of ``message``; the
        callback query id."""
        button = message.button(label)
        assert button.data is not None, f"{label!r} is not a callback button"
        return self.press_data(user_id, message, button.data)

    def press_data(self, user_id: int, message: ChatMessage, data: str) -> str:
        with self._lock:
            query_id = f"cq{next(self._callback_ids)}"
            current = self._find(message.chat_id, message.message_id) or message
            self._push(
                {
                    "callback_query": {
                        "id": query_id,
                        "from": {"id": user_id, "is_bot": False, "first_name": f"user{user_id}"},
                        "message": current.as_dict(message.chat_id),
                        "chat_instance": f"ci{message.chat_id}",
                        "data": data,
                    }
                }
            )
            self.pressed_at[query_id] = time.monotonic()
            return query_id

    def _push(self, update: dict[str, Any]) -> int:
        update_id = next(self._update_ids)
        self._updates.append({"update_id": update_id, **update})
        if self._loop is not None and self._new_update is not None:
            self._loop.call_soon_threadsafe(self._new_update.set)
        return update_id

    # -- reading what happened -------------------------------------------------------------------

    def messages(self, chat_id: int) -> list[ChatMessage]:
        """The bot's messages in a chat, oldest first (as edited since)."""
        with self._lock:
            return [msg for msg in self.chats.get(chat_id, []) if msg.from_bot]

    def last(self, chat_id: int) -> ChatMessage | None:
        found = self.messages(chat_id)
        return found[-1] if found else None

    def calls_of(self, *methods: str, ok: bool = True) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method in methods and (not ok or c.status == 200)]

    def answer_for(self, query_id: str) -> dict[str, Any] | None:
        with self._lock:
            return next((a for a in self.answers if a.get("callback_query_id") == query_id), None)

    def wait_for(
        self, predicate: Callable[[], Any], timeout: float = 15.0, interval: float = 0.05
    ) -> Any:
        """Poll ``predicate`` (from a test's thread) until it returns something truthy."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"condition not met within {timeout}s (last: {value!r})")
            time.sleep(interval)

    async def until(
        self, predicate: Callable[[], Any], timeout: float = 15.0, interval: float = 0.05
    ) -> Any:
        """``wait_for`` for async tests: polls without blocking the test's event loop."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"condition not met within {timeout}s (last: {value!r})")
            await asyncio.sleep(interval)

    # -- the API -----------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        params, files = await self._params(request)
        call = Call(method=method, params=params, at=time.monotonic(), files=files)
        if request.match_info["token"] != self.token:
            return self._reply(call, 401, error="Unauthorized")
        with self._lock:
            self.calls.append(call)
            failure = self._scripted(method)
        if failure is not None:
            if failure.status == 429:
                return self._reply(
                    call,
                    429,
                    error=failure.description
                    or f"Too Many Requests: retry after {failure.retry_after}",
                    parameters={"retry_after": failure.retry_after},
                )
            return self._reply(
                call, failure.status, error=failure.description or "Internal Server Error"
            )
        if method in MESSAGE_METHODS:
            wait = self._rate_limited(params)
            if wait is not None:
                seconds = max(1, math.ceil(wait))
                return self._reply(
                    call,
                    429,
                    error=f"Too Many Requests: retry after {seconds}",
                    parameters={"retry_after": seconds},
                )
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return self._reply(call, 404, error="Not Found: method not found")
        try:
            result = (
                await handler(params, files)
                if asyncio.iscoroutinefunction(handler)
                else handler(params, files)
            )
        except _ApiError as exc:
            return self._reply(call, exc.status, error=exc.description)
        return self._reply(call, 200, result=result)

    def _reply(
        self,
        call: Call,
        status: int,
        *,
        result: Any = None,
        error: str | None = None,
        parameters: dict[str, Any] | None = None,
    ) -> web.Response:
        call.status = status
        if status != 200:
            with self._lock:
                self.refused.append(call)
            body: dict[str, Any] = {"ok": False, "error_code": status, "description": error}
            if parameters:
                body["parameters"] = parameters
        else:
            body = {"ok": True, "result": result}
        return web.json_response(body, status=status)

    async def _params(self, request: web.Request) -> tuple[dict[str, Any], dict[str, bytes]]:
        params: dict[str, Any] = {}
        files: dict[str, bytes] = {}
        if request.method == "POST" and request.can_read_body:
            if request.content_type == "application/json":
                params = dict(await request.json())
            else:
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        files[key] = value.file.read()
                        params[key] = {"filename": value.filename}
                    else:
                        params[key] = value
        params.update(request.query)
        for key in ("reply_markup", "allowed_updates", "commands"):
            if isinstance(params.get(key), str):
                with contextlib.suppress(ValueError):
                    params[key] = json.loads(params[key])
        return params, files

    def _scripted(self, method: str) -> Failure | None:
        for failure in self._failures:
            if failure.method == method and failure.remaining > 0:
                failure.remaining -= 1
                return failure
        return None

    def _rate_limited(self, params: dict[str, Any]) -> float | None:
        """Seconds to wait when this message would break a limit, else None (and counted)."""
        now = time.monotonic()
        chat = int(params.get("chat_id", 0))
        with self._lock:
            while self._recent and now - self._recent[0] >= 1.0:
                self._recent.popleft()
            if len(self._recent) >= self.global_rate:
                return 1.0 - (now - self._recent[0])
            last = self._last_in_chat.get(chat)
            # a little slack: clocks of the two processes tick apart
            if last is not None and now - last < self.chat_interval * 0.95:
                return self.chat_interval - (now - last)
            self._recent.append(now)
            self._last_in_chat[chat] = now
        return None

    # methods

    def _m_getMe(self, params: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Снабжение",
            "username": "snab_test_bot",
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _m_getUpdates(
        self, params: dict[str, Any], files: dict[str, bytes]
    ) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        deadline = time.monotonic() + timeout
        assert self._new_update is not None
        while True:
            with self._lock:
                while self._updates and self._updates[0]["update_id"] < offset:
                    self._updates.popleft()
                pending = list(self._updates)[:100]
                self._new_update.clear()
            if pending or self._closing:
                return pending
            left = deadline - time.monotonic()
            if left <= 0:
                return []
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), left)

    def _ok(self, params: dict[str, Any], files: dict[str, bytes]) -> bool:
        return True

    _m_deleteWebhook = _ok
    _m_setWebhook = _ok
    _m_setMyCommands = _ok
    _m_deleteMyCommands = _ok
    _m_sendChatAction = _ok

    def _m_answerCallbackQuery(self, params: dict[str, Any], files: dict[str, bytes]) -> bool:
        with self._lock:
            answer = dict(params)
            pressed = self.pressed_at.get(str(params.get("callback_query_id")))
            answer["after"] = time.monotonic() - pressed if pressed is not None else None
            if any(
                a.get("callback_query_id") == params.get("callback_query_id") for a in self.answers
            ):
                raise _ApiError(400, TOO_OLD)
            self.answers.append(answer)
        return True

    def _check_text(self, params: dict[str, Any], key: str, limit: int) -> str:
        text = str(params.get(key) or "")
        plain = text
        if params.get("parse_mode") == "HTML":
            try:
                plain = parse_html(text)
            except HtmlError as exc:
                raise _ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
        if key == "text" and not plain.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if len(plain) > limit:
            raise _ApiError(
                400, f"Bad Request: {'message' if key == 'text' else 'caption'} is too long"
            )
        return plain

    def _buttons(self, params: dict[str, Any]) -> list[list[Button]]:
        markup = params.get("reply_markup") or {}
        rows: list[list[Button]] = []
        for row in markup.get("inline_keyboard", []) if isinstance(markup, dict) else []:
            out: list[Button] = []
            for b in row:
                data = b.get("callback_data")
                if data is not None and len(str(data).encode()) > 64:
                    raise _ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
                if not str(b.get("text", "")).strip():
                    raise _ApiError(
                        400, "Bad Request: text buttons are unallowed in the inline keyboard"
                    )
                out.append(Button(text=str(b["text"]), data=data, url=b.get("url")))
            rows.append(out)
        return rows

    def _chat(self, params: dict[str, Any]) -> int:
        try:
            return int(params["chat_id"])
        except (KeyError, ValueError):
            raise _ApiError(400, "Bad Request: chat not found") from None

    def _m_sendMessage(self, params: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any]:
        chat = self._chat(params)
        plain = self._check_text(params, "text", 4096)
        return self._store(chat, str(params["text"]), plain, self._buttons(params))

    def _m_sendDocument(self, params: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any]:
        chat = self._chat(params)
        plain = self._check_text(params, "caption", 1024)
        field_ = params.get("document")
        if isinstance(field_, str) and field_.startswith("attach://"):
            field_ = field_.removeprefix("attach://")  # a multipart field of that name
        else:
            field_ = "document"
        content = files.get(field_)
        if content is None:
            raise _ApiError(400, "Bad Request: there is no document in the request")
        name = str((params.get(field_) or {}).get("filename") or "document")
        return self._store(
            chat, str(params.get("caption") or ""), plain, self._buttons(params), (name, content)
        )

    def _store(
        self,
        chat: int,
        text: str,
        plain: str,
        buttons: list[list[Button]],
        document: tuple[str, bytes] | None = None,
    ) -> dict[str, Any]:
        with self._lock:
            message = ChatMessage(
                chat_id=chat,
                message_id=next(self._message_ids),
                text=text,
                plain=plain,
                buttons=buttons,
                document=document,
                sent_at=time.time(),
            )
            self.chats[chat].append(message)
            return message.as_dict(chat)

    def _find(self, chat: int, message_id: int) -> ChatMessage | None:
        return next((x for x in self.chats.get(chat, []) if x.message_id == message_id), None)

    def _m_editMessageText(self, params: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any]:
        chat = self._chat(params)
        with self._lock:
            message = self._find(chat, int(params.get("message_id") or 0))
            if message is None or not message.from_bot:
                raise _ApiError(400, "Bad Request: message to edit not found")
            if message.document is not None:
                raise _ApiError(400, "Bad Request: there is no text in the message to edit")
            plain = self._check_text(params, "text", 4096)
            buttons = self._buttons(params)
            if message.text == params["text"] and message.buttons == buttons:
                raise _ApiError(
                    400,
                    "Bad Request: message is not modified: specified new message content and "
                    "reply markup are exactly the same as a current content and reply markup "
                    "of the message",
                )
            message.history.append((message.text, message.buttons))
            message.text, message.plain, message.buttons = str(params["text"]), plain, buttons
            message.edits += 1
            return message.as_dict(chat)

    def _m_editMessageReplyMarkup(
        self, params: dict[str, Any], files: dict[str, bytes]
    ) -> dict[str, Any]:
        chat = self._chat(params)
        with self._lock:
            message = self._find(chat, int(params.get("message_id") or 0))
            if message is None:
                raise _ApiError(400, "Bad Request: message to edit not found")
            message.history.append((message.text, message.buttons))
            message.buttons = self._buttons(params)
            message.edits += 1
            return message.as_dict(chat)

    def _m_deleteMessage(self, params: dict[str, Any], files: dict[str, bytes]) -> bool:
        chat = self._chat(params)
        with self._lock:
            message = self._find(chat, int(params.get("message_id") or 0))
            if message is None:
                raise _ApiError(400, "Bad Request: message to delete not found")
            self.chats[chat].remove(message)
        return True

    # -- a manager's view -----------------------------------------------------------------------

    def transcript(
        self, chats: Iterable[int] | None = None, *, title: str = "Bot transcript"
    ) -> str:
        """What each chat shows, in Markdown: messages in order (as edited), their buttons."""
        lines = [f"# {title}", ""]
        with self._lock:
            for chat in chats or sorted(self.chats):
                lines.append(f"## Chat {chat}")
                lines.append("")
                for msg in self.chats.get(chat, []):
                    who = "bot" if msg.from_bot else "manager"
                    extra = []
                    if msg.document:
                        extra.append(f"file {msg.document[0]}, {len(msg.document[1])} bytes")
                    if msg.edits:
                        extra.append(f"edited {msg.edits}x")
                    head = f"**{who}** #{msg.message_id}" + (
                        f" ({'; '.join(extra)})" if extra else ""
                    )
                    lines.append(head)
                    lines.append("")
                    lines.extend(f"    {line}" for line in msg.plain.splitlines() or [""])
                    for row in msg.buttons:
                        lines.append("    " + "  ".join(f"[{b.text}]" for b in row))
                    lines.append("")
        return "\n".join(lines)

    def transcript_html(
        self, chats: Iterable[int] | None = None, *, title: str = "Bot", history: bool = True
    ) -> str:
        """The chats as a phone would show them (roughly), for a screenshot; with
        ``history``, each edited message shows its earlier versions first, faded."""
        parts = [
            "<!doctype html><html><head><meta charset='utf-8'><style>",
            PHONE_CSS,
            "</style></head><body>",
            f"<h2>{html.escape(title)}</h2>",
        ]
        with self._lock:
            for chat in chats or sorted(self.chats):
                for msg in self.chats.get(chat, []):
                    versions = [*msg.history, (msg.text, msg.buttons)] if history else []
                    for old_text, old_buttons in versions[:-1]:
                        parts.append(_bubble(msg, old_text, old_buttons, note="до правки"))
                    parts.append(_bubble(msg, msg.text, msg.buttons))
        parts.append("</body></html>")
        return "\n".join(parts)


PHONE_CSS = """
body { font-family: -apple-system, Roboto, 'Segoe UI', sans-serif; background: #c8d7e1;
       margin: 0; padding: 8px; font-size: 15px }
.m { background: #fff; border-radius: 12px; padding: 8px 10px; margin: 8px 40px 2px 0;
     white-space: pre-wrap; line-height: 1.35; box-shadow: 0 1px 1px #0002 }
.u { background: #e1ffc7; margin: 8px 0 2px 60px }
.kb { display: flex; gap: 4px; margin: 2px 40px 0 0 }
.kb div { flex: 1; background: #7a98b0cc; color: #fff; border-radius: 8px; padding: 7px 4px;
          text-align: center; font-size: 13px; white-space: nowrap; overflow: hidden;
          text-overflow: ellipsis }
pre { font-family: 'DejaVu Sans Mono', monospace; font-size: 13px; background: #f3f5f7;
      padding: 6px; border-radius: 6px; margin: 4px 0; white-space: pre; overflow-x: auto }
blockquote { border-left: 3px solid #4a90d9; margin: 4px 0; padding-left: 8px; color: #333 }
.f { background: #eef3f8; border-radius: 8px; padding: 6px; margin-bottom: 4px; font-size: 13px }
.meta { font-size: 11px; color: #8a9aa8; text-align: right }
h2 { font-size: 14px; color: #333 }
.old { opacity: .55 }
"""


def _bubble(msg: ChatMessage, text: str, buttons: list[list[Button]], note: str = "") -> str:
    cls = ("m" if msg.from_bot else "m u") + (" old" if note else "")
    body = text if msg.from_bot else html.escape(text)
    body = _pre_lines(body.replace("\n", "<br>"))
    file = ""
    if msg.document:
        size = len(msg.document[1]) // 1024 + 1
        file = f"<div class='f'>📎 {html.escape(msg.document[0])} · {size} КБ</div>"
    edited = " · изменено" if msg.edits and not note else ""
    meta = f"<div class='meta'>#{msg.message_id}{edited}{' · ' + note if note else ''}</div>"
    out = [f"<div class='{cls}'>{file}{body}{meta}</div>"]
    for row in buttons:
        cells = "".join(f"<div>{html.escape(b.text)}</div>" for b in row)
        out.append(f"<div class='kb{' old' if note else ''}'>{cells}</div>")
    return "\n".join(out)


def _pre_lines(body: str) -> str:
    """Inside <pre>, line breaks stay line breaks (elsewhere they became <br>)."""
    return re.sub(
        r"<pre>(.*?)</pre>",
        lambda mm: "<pre>" + mm.group(1).replace("<br>", "\n") + "</pre>",
        body,
        flags=re.S,
    )


class _ApiError(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
