"""Which protocol does a captured frame speak? (technician tools: ``frame decode --protocol auto``)

Rules, after dropping 0xFE wake-up bytes:

* ``68 A0..A5 68 C L ...`` (a second 0x68 seven bytes after the first) is DL/T 645. The control
  code's function tells the edition: 0x11-0x1D / 0x03 are DL/T 645-2007, 0x01-0x04, 0x0A, 0x0C,
  0x0F, 0x10 are DL/T 645-1997 (2007 read 0x11 vs 1997 read 0x01, write 0x14 vs 0x04), and a read
  answer's identifier length agrees (4 bytes vs 2). Broadcast time 0x08 exists in both and is
  reported as 2007.
* ``68 T A0..A6 C L ...`` with a meter-type byte T (10H-49H, AAH) and no second 0x68 at offset 7
  is CJ/T 188 (an address byte may equal 0x68, so every candidate is confirmed by a full decode:
  length, checksum and end byte must all agree).
* Anything else is tried as Modbus-RTU (CRC-16).

A frame that decodes cleanly under exactly one codec settles it; when several accept it the
order above breaks the tie. When none accepts it, the structural guess names the protocol whose
error is reported.
"""

from __future__ import annotations

from app.comms.protocols import cjt188, dlt645, dlt645_1997, modbus
from app.comms.protocols.base import (
    DecodeFailure,
    Decoder,
    Frame,
    FrameError,
    LengthError,
    decode_all,
)

DECODERS: dict[str, Decoder] = {
    "dlt645": dlt645.decode,
    "dlt645-1997": dlt645_1997.decode,
    "cjt188": cjt188.decode,
    "modbus": modbus.decode,
}
_ORDER = ("dlt645", "dlt645-1997", "cjt188", "modbus")
_FUNCTIONS_1997 = {int(f) for f in dlt645_1997.Function} - {
    int(dlt645_1997.Function.BROADCAST_TIME)
}


def _strip_wake_up(data: bytes) -> bytes:
    return data.lstrip(b"\xfe")


def guess_protocol(data: bytes) -> str:
    """Structural guess (no checksum): the protocol a damaged frame most likely belongs to."""
    body = _strip_wake_up(data)
    if len(body) >= 9 and body[0] == 0x68 and body[7] == 0x68:
        return "dlt645-1997" if body[8] & 0x1F in _FUNCTIONS_1997 else "dlt645"
    if (
        len(body) >= 2
        and body[0] == 0x68
        and (body[1] == 0xAA or (1 <= body[1] >> 4 <= 4 and body[1] & 0x0F <= 9))
    ):
        return "cjt188"
    return "modbus"


def decode_with(protocol: str, data: bytes) -> Frame | DecodeFailure:
    """Decode a buffer that should hold exactly one frame of ``protocol``.

    Returns the frame, or a :class:`DecodeFailure` for a damaged frame, an incomplete one, no
    frame at all, or several frames.
    """
    decoder = DECODERS[protocol]
    found, rest = decode_all(decoder, data)
    failures = [f for f in found if isinstance(f, DecodeFailure)]
    frames = [f for f in found if not isinstance(f, DecodeFailure)]
    if failures:
        return failures[0]
    if rest:
        error: FrameError | LengthError = LengthError(
            f"incomplete frame: {len(rest)} bytes, the length field announces more"
        )
        return DecodeFailure(error, rest, protocol)
    if not frames:
        return DecodeFailure(FrameError("no frame found in the given bytes"), data, protocol)
    if len(frames) > 1:
        return DecodeFailure(
            FrameError(f"{len(frames)} frames found, expected one"), data, protocol
        )
    return frames[0]


def detect_protocol(data: bytes) -> str | None:
    """The protocol under which ``data`` decodes as exactly one valid frame, else None."""
    for protocol in _ORDER:
        if not isinstance(decode_with(protocol, data), DecodeFailure):
            return protocol
    return None


def decode_any(data: bytes, protocol: str = "auto") -> tuple[str, Frame | DecodeFailure]:
    """Decode one frame, detecting the protocol when ``protocol == "auto"``.

    Returns the protocol used and the frame or failure. With ``auto`` and no clean decode, the
    failure comes from the structurally most likely protocol (:func:`guess_protocol`).
    """
    if protocol != "auto":
        if protocol not in DECODERS:
            raise ValueError(f"unknown protocol {protocol!r}; one of {', '.join(DECODERS)}")
        return protocol, decode_with(protocol, data)
    found = detect_protocol(data)
    if found is not None:
        return found, decode_with(found, data)
    guess = guess_protocol(data)
    return guess, decode_with(guess, data)
