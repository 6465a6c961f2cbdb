"""Writing answers: contract models as JSON (serialised once, by alias, as the contract
says), files with the right type and Content-Disposition."""

from __future__ import annotations

import re
from typing import Literal
from urllib.parse import quote

from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from snab_gateway.desk.models import FileResult

JSON = "application/json"


def ok(model: BaseModel, *, status_code: int = 200) -> Response:
    """``model`` as the body. Routes declare it as their response_model (for the
    OpenAPI document); the model is already valid, so it is not validated again."""
    return Response(model.model_dump_json(by_alias=True), status_code=status_code, media_type=JSON)


_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/;]+')


def content_disposition(kind: Literal["attachment", "inline"], filename: str) -> str:
    """``attachment; filename="KP-2026-0001-1.pdf"; filename*=UTF-8''...``: an ASCII name for
    old clients, the real (Cyrillic) one for the rest; nothing that could break the
    header or name a path."""
    name = _UNSAFE.sub("_", filename).strip(" .") or "file"
    fallback = name.encode("ascii", "replace").decode("ascii").replace("?", "_")
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def file_response(result: FileResult, *, inline: bool = False) -> Response:
    if result.content is None and result.url:
        return RedirectResponse(result.url, status_code=307)
    return Response(
        result.content or b"",
        media_type=result.content_type,
        headers={
            "Content-Disposition": content_disposition(
                "inline" if inline else "attachment", result.filename
            )
        },
    )
