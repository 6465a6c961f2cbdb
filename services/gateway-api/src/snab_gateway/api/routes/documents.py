"""Documents: files made by the documents service."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from snab_gateway.api.deps import CurrentUser, RpcDep, current_user
from snab_gateway.api.errors import responses
from snab_gateway.api.respond import file_response
from snab_gateway.desk import documents

router = APIRouter(
    prefix="/documents",
    tags=["documents"],
    dependencies=[Depends(current_user)],
    responses=responses(401, 422, 503),
)


@router.get(
    "/{document_id}",
    response_class=Response,
    summary="Download a document",
    responses={
        200: {
            "content": {
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
            },
            "description": "The file; Content-Disposition names it.",
        },
        307: {"description": "A time-limited link to the file in object storage."},
        **responses(404),
    },
)
async def download(
    document_id: UUID,
    user: CurrentUser,
    rpc: RpcDep,
    inline: Annotated[bool, Query(description="Show in the browser instead.")] = False,
) -> Response:
    found = await documents.document(rpc=rpc, user=user, document_id=document_id)
    return file_response(found, inline=inline)
