"""Zip containers (xlsx, docx) checked by their directory before anything is inflated."""

from __future__ import annotations

import io
import struct
import zipfile
from typing import Final

from snab_parser.attachments.limits import AttachmentLimits, TooLarge

_END_OF_DIRECTORY: Final = b"PK\x05\x06"
# the end record is 22 bytes plus a comment of at most 65 535 bytes
_END_SEARCH: Final = 22 + 65_535


def declared_members(data: bytes) -> int | None:
    """How many members the zip's end record declares (None when it has none)."""
    at = data.rfind(_END_OF_DIRECTORY, max(0, len(data) - _END_SEARCH))
    if at < 0 or at + 22 > len(data):
        return None
    (total,) = struct.unpack_from("<H", data, at + 10)
    return int(total)


def open_checked(data: bytes, limits: AttachmentLimits) -> zipfile.ZipFile:
    """The zip, once its member count and declared sizes are within the limits.

    zipfile stops inflating a member at its declared size (and then fails its CRC check), so
    the declared sizes bound what reading the members can ever produce.
    """
    members = declared_members(data)
    # 0xFFFF: a zip64 archive keeps the true count elsewhere; zip64 is not what Excel or
    # Word write for attachments of this size
    if members is not None and (members > limits.max_zip_members or members == 0xFFFF):
        raise TooLarge(f"{members} zip members")
    archive = zipfile.ZipFile(io.BytesIO(data))
    infos = archive.infolist()
    if len(infos) > limits.max_zip_members:
        archive.close()
        raise TooLarge(f"{len(infos)} zip members")
    inflated = sum(info.file_size for info in infos)
    if inflated > limits.max_inflated_bytes:
        archive.close()
        raise TooLarge(f"{inflated} bytes unpacked")
    return archive
