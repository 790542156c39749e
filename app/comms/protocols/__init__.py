"""Pure, I/O-free meter protocol codecs: bytes in, typed frames out, and back.

No asyncio, sockets, serial, clocks, threads or logging handlers here (an AST test enforces it);
the bus channel, the engine and the simulator drive these functions.

Modules and their public API (every protocol module offers the same shape):

``base``
    ``ProtocolError`` and subclasses ``FrameError``, ``ChecksumError``, ``EndByteError``,
    ``LengthError``, ``BcdError``, ``UnknownDataIdError``, ``AbnormalResponseError``
    (``error_bits``, ``reasons``), ``ModbusExceptionError``, ``EncodeError``;
    ``DecodeFailure(error, raw, protocol)``; ``Frame`` (protocol of all frame classes:
    ``protocol``, ``raw``, ``is_response``, ``abnormal``, ``error``, ``values``,
    ``describe()``); ``decode_all(decode, buf)``, ``decode_one(decode, buf)``,
    ``StreamDecoder(decode).feed(chunk)``; ``parse_hex``, ``to_hex``, ``jsonable``.

``dlt645`` (DL/T 645-2007)
    ``decode(buf, *, table=...) -> (used, Dlt645Frame | DecodeFailure | None)``,
    ``decode_frame(bytes) -> Dlt645Frame`` (raises), ``frame_matches(request, response)``;
    requests ``build_read(address, data_id)``, ``build_read_follow_up(address, data_id, seq)``,
    ``build_read_address(address="AAAAAAAAAAAA")``,
    ``build_write(address, data_id, data, *, password, operator, item=None)``,
    ``build_broadcast_time(at)``,
    ``build_control(address, action, *, valid_until, password, operator)``;
    responses ``build_read_response(address, data_id, data, *, follow_up=False)``,
    ``build_read_follow_up_response``, ``build_read_address_response(address)``,
    ``build_write_response(address)``, ``build_control_response(address)``,
    ``build_abnormal_response(address, function, error_bits)``.
    ``Function``, ``ControlAction``, ``ACTION_NAMES``, ``ERROR_BITS``.

``dlt645_1997`` (DL/T 645-1997)
    ``decode``, ``decode_frame``, ``frame_matches``; ``build_read(address, data_id)``,
    ``build_read_follow_up``, ``build_write(address, data_id, data, *, password)``,
    ``build_broadcast_time(at)``; ``build_read_response``, ``build_write_response``,
    ``build_abnormal_response``. Frames: ``Dlt645_1997Frame``.

``cjt188`` (CJ/T 188-2004)
    ``decode(buf, *, layout=StatusLayout())``, ``decode_frame``, ``frame_matches``;
    ``build_read(address, *, meter_type=0x10, di_order="901f", seq=0)``,
    ``build_valve(address, action, *, meter_type=0x10, di_order="901f", seq=0)``
    (``action`` "open"/"close"), ``build_read_address(*, meter_type=0xAA, di_order=...)``;
    responses ``build_read_response(address, *, volume_m3, settlement_volume_m3, meter_time,
    valve=..., battery_low=..., ...)``, ``build_valve_response``, ``build_read_address_response``,
    ``build_abnormal_response``. Frames: ``Cjt188Frame``.

``modbus`` (Modbus-RTU via pymodbus' I/O-free framer and PDU classes)
    ``decode(buf)`` (request or response), ``decode_response(buf)``, ``decode_request(buf)``,
    ``frame_matches``; ``build_read(unit, function, register, count)``,
    ``build_write_register(unit, register, value)``, ``build_write_registers(unit, register,
    values)``; ``build_read_response(unit, function, registers)``,
    ``build_write_register_response``, ``build_write_registers_response``,
    ``build_exception_response(unit, function, code)``; ``RegisterPoint`` and
    ``decode_points(points, start, registers) -> {name: Decimal}``. Frames: ``ModbusFrame``.

``detect``
    ``detect_protocol(data) -> str | None`` and ``decode_any(data, protocol="auto")``.

``dataids``
    ``DataItem``, ``Field``, ``ItemTable`` and the DL/T 645 identifier tables.
"""

from __future__ import annotations

from app.comms.protocols import cjt188, dataids, detect, dlt645, dlt645_1997, modbus
from app.comms.protocols.base import (
    AbnormalResponseError,
    BcdError,
    ChecksumError,
    DecodeFailure,
    DecodeResult,
    EncodeError,
    EndByteError,
    Frame,
    FrameError,
    LengthError,
    ModbusExceptionError,
    ProtocolError,
    StreamDecoder,
    UnknownDataIdError,
    decode_all,
    decode_one,
    parse_hex,
    to_hex,
)
from app.comms.protocols.cjt188 import Cjt188Frame
from app.comms.protocols.detect import decode_any, detect_protocol
from app.comms.protocols.dlt645 import Dlt645Frame
from app.comms.protocols.dlt645_1997 import Dlt645_1997Frame
from app.comms.protocols.modbus import ModbusFrame

PROTOCOLS = ("dlt645", "dlt645-1997", "cjt188", "modbus")

__all__ = [
    "PROTOCOLS",
    "AbnormalResponseError",
    "BcdError",
    "ChecksumError",
    "Cjt188Frame",
    "DecodeFailure",
    "DecodeResult",
    "Dlt645Frame",
    "Dlt645_1997Frame",
    "EncodeError",
    "EndByteError",
    "Frame",
    "FrameError",
    "LengthError",
    "ModbusExceptionError",
    "ModbusFrame",
    "ProtocolError",
    "StreamDecoder",
    "UnknownDataIdError",
    "cjt188",
    "dataids",
    "decode_all",
    "decode_any",
    "decode_one",
    "detect",
    "detect_protocol",
    "dlt645",
    "dlt645_1997",
    "modbus",
    "parse_hex",
    "to_hex",
]
