"""Property-based tests (hypothesis) over every codec.

* encode -> decode round-trips the values;
* a frame fed one byte at a time, behind 0-4 wake-up bytes and noise, decodes the same;
* glued frames all come out, in order;
* random bytes never make a decoder raise, and anything a decoder returns as a frame passes an
  oracle written independently of the codecs (length, checksum / CRC, end byte);
* a frame with one byte changed never comes back as a frame spanning the original bytes (a byte
  sum or CRC-16 always detects a single changed byte, so this cannot flake), and for every
  position other than the header bytes that steer the hunt, the first thing reported is a
  failure.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.comms.protocols import modbus
from app.comms.protocols.base import DecodeFailure, InternalDecodeError, decode_all
from tests.unit.comms.helpers import (
    DECODERS,
    STRATEGIES,
    feed_bytewise,
    frame_ok,
    frames_and_failures,
)

PROTOCOLS = list(STRATEGIES)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Noise that cannot contain a start byte (0x68) nor the wake-up byte: for the 0x68 protocols.
noise = st.binary(max_size=12).map(lambda b: bytes(x for x in b if x not in (0x68, 0xFE)))


def _check(frame: Any, expected: dict[str, Any]) -> None:
    for key, value in expected.items():
        if key == "values":
            for name, v in value.items():
                assert frame.values[name] == v, name
        elif key == "role":
            assert frame.is_response == (value == "response")
        elif key == "is_response":
            assert frame.is_response == value
        else:
            assert getattr(frame, key) == value, key


def _decoder_for(protocol: str, expected: dict[str, Any]):  # type: ignore[no-untyped-def]
    if protocol == "modbus":
        # A bus master decodes responses, a meter decodes requests: each side knows which.
        return (
            modbus.decode_response if expected.get("role") == "response" else modbus.decode_request
        )
    return DECODERS[protocol]


@pytest.mark.parametrize("protocol", PROTOCOLS)
@SETTINGS
@given(data=st.data())
def test_round_trip(protocol: str, data: st.DataObject) -> None:
    raw, expected = data.draw(STRATEGIES[protocol])
    found, rest = decode_all(_decoder_for(protocol, expected), raw)
    assert rest == b"" and len(found) == 1
    frame = found[0]
    assert not isinstance(frame, DecodeFailure), frame
    assert frame.raw == raw
    _check(frame, expected)


@pytest.mark.parametrize("protocol", ["dlt645", "dlt645-1997", "cjt188"])
@SETTINGS
@given(data=st.data(), wake=st.integers(0, 4), garbage=noise)
def test_byte_at_a_time_behind_wake_up_and_noise(
    protocol: str, data: st.DataObject, wake: int, garbage: bytes
) -> None:
    raw, expected = data.draw(STRATEGIES[protocol])
    found = feed_bytewise(protocol, garbage + b"\xfe" * wake + raw)
    frames = [f for f in found if not isinstance(f, DecodeFailure)]
    assert len(frames) == 1 and frames[0].raw == raw
    _check(frames[0], expected)


@SETTINGS
@given(data=st.data())
def test_modbus_byte_at_a_time(data: st.DataObject) -> None:
    raw, expected = data.draw(STRATEGIES["modbus"])
    from app.comms.protocols.base import StreamDecoder

    stream = StreamDecoder(_decoder_for("modbus", expected))
    found: list[Any] = []
    for i in range(len(raw)):
        found.extend(stream.feed(raw[i : i + 1]))
    assert len(found) == 1 and found[0].raw == raw


@pytest.mark.parametrize("protocol", ["dlt645", "dlt645-1997", "cjt188"])
@SETTINGS
@given(data=st.data(), count=st.integers(2, 5))
def test_glued_frames(protocol: str, data: st.DataObject, count: int) -> None:
    items = [data.draw(STRATEGIES[protocol]) for _ in range(count)]
    gaps = [data.draw(st.integers(0, 4)) for _ in range(count)]
    stream = b"".join(b"\xfe" * gap + raw for (raw, _), gap in zip(items, gaps, strict=True))
    frames, failures = frames_and_failures(protocol, stream)
    assert failures == []
    assert [f.raw for f in frames] == [raw for raw, _ in items]  # type: ignore[attr-defined]


@SETTINGS
@given(data=st.data(), count=st.integers(2, 5))
def test_glued_modbus_requests(data: st.DataObject, count: int) -> None:
    items = [data.draw(STRATEGIES["modbus"]) for _ in range(count)]
    requests = [raw for raw, exp in items if exp.get("role") != "response"] or [items[0][0]]
    if any(exp.get("role") == "response" for _, exp in items[:1]) and len(requests) == 1:
        requests = [modbus.build_read(1, 3, 0, 1)] * 2
    found, rest = decode_all(modbus.decode_request, b"".join(requests))
    assert rest == b""
    assert [f.raw for f in found] == requests  # type: ignore[union-attr]


@pytest.mark.parametrize("protocol", PROTOCOLS)
@settings(max_examples=400, deadline=None)
@given(blob=st.binary(max_size=300))
def test_random_bytes_never_crash_and_never_yield_unchecked_frames(
    protocol: str, blob: bytes
) -> None:
    found, rest = decode_all(DECODERS[protocol], blob)
    assert len(rest) <= len(blob)
    for item in found:
        if isinstance(item, DecodeFailure):
            assert not isinstance(item.error, InternalDecodeError), item.error
            assert str(item.error)
        else:
            assert frame_ok(protocol, item.raw)


@pytest.mark.parametrize("protocol", ["dlt645", "dlt645-1997", "cjt188"])
@settings(max_examples=200, deadline=None)
@given(blob=st.binary(min_size=1, max_size=200).map(lambda b: b"\x68" + b))
def test_random_bytes_after_a_start_byte(protocol: str, blob: bytes) -> None:
    found, _rest = decode_all(DECODERS[protocol], blob)
    for item in found:
        if isinstance(item, DecodeFailure):
            assert not isinstance(item.error, InternalDecodeError), item.error
        else:
            assert frame_ok(protocol, item.raw)


def _steering_positions(protocol: str, raw: bytes) -> set[int]:
    """Header bytes whose change alters where the hunter looks (start, type, length)."""
    if protocol in ("dlt645", "dlt645-1997"):
        return {0, 7, 9}
    if protocol == "cjt188":
        return {0, 1, 10}
    return {0, 1, 2, 6}  # unit, function, byte count / write byte count


@pytest.mark.parametrize("protocol", PROTOCOLS)
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_one_changed_byte_never_yields_the_frame(protocol: str, data: st.DataObject) -> None:
    raw, expected = data.draw(STRATEGIES[protocol])
    position = data.draw(st.integers(0, len(raw) - 1))
    mask = data.draw(st.integers(1, 255))
    corrupted = bytearray(raw)
    corrupted[position] ^= mask
    corrupted_bytes = bytes(corrupted)
    found, _rest = decode_all(_decoder_for(protocol, expected), corrupted_bytes)
    for item in found:
        if not isinstance(item, DecodeFailure):
            # Never the damaged frame itself, and nothing unchecked.
            assert item.raw != corrupted_bytes
            assert frame_ok(protocol, item.raw)
    if position not in _steering_positions(protocol, raw):
        first = next(iter(found), None)
        assert isinstance(first, DecodeFailure), (position, first)
