"""``frame``: decode a captured hex frame to JSON, or build a request frame (technician tools).

    main.py frame decode "68 AA AA AA AA AA AA 68 13 00 DF 16"
    main.py frame decode - < capture.txt              (one frame per line, one JSON per line)
    main.py frame encode dlt645 read --address 000000000001 --item energy
    main.py frame encode dlt645 control --address 000000000001 --action trip
    main.py frame encode dlt645 time --at "2026-11-24 10:00:00"
    main.py frame encode cjt188 read --address 00000000000001 --type 10 --di-order 901f
    main.py frame encode cjt188 valve --address 00000000000001 --action close
    main.py frame encode modbus read --unit 1 --function 3 --register 0 --count 2

``decode`` prints one JSON object per frame: protocol, valid, direction, control, address,
meter_type, data_id, abnormal, error, values. An invalid frame prints ``valid: false`` with the
precise error and the command exits with status 1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any

from app.cli import CliError

PROTOCOL_CHOICES = ("auto", "dlt645", "dlt645-1997", "cjt188", "modbus")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("frame", help="decode or build DL/T 645, CJ/T 188 and Modbus frames")
    frame_sub = parser.add_subparsers(dest="frame_command", metavar="ACTION", required=True)

    dec = frame_sub.add_parser(
        "decode",
        help="decode a hex frame to JSON ('-' reads one frame per line from stdin)",
    )
    dec.add_argument(
        "hex",
        nargs="+",
        metavar="HEX",
        help="frame bytes in hex, spaces allowed (quote it or pass several words), or -",
    )
    dec.add_argument("--protocol", choices=PROTOCOL_CHOICES, default="auto")
    dec.set_defaults(func=_decode)

    enc = frame_sub.add_parser("encode", help="build a request frame and print it as hex")
    enc.add_argument(
        "--wake-up",
        type=int,
        default=0,
        metavar="N",
        help="prefix N wake-up bytes FE (DL/T 645, CJ/T 188)",
    )
    proto = enc.add_subparsers(dest="encode_protocol", metavar="PROTOCOL", required=True)
    _register_dlt645(proto)
    _register_dlt645_1997(proto)
    _register_cjt188(proto)
    _register_modbus(proto)


# --------------------------------------------------------------------------------------------
# decode
# --------------------------------------------------------------------------------------------


def decode_text(text: str, protocol: str = "auto") -> dict[str, object]:
    """One hex frame to the JSON-ready dict ``frame decode`` prints."""
    from app.comms.protocols.base import parse_hex, to_hex
    from app.comms.protocols.detect import decode_any

    try:
        data = parse_hex(text)
    except ValueError as exc:
        return {
            "protocol": None if protocol == "auto" else protocol,
            "valid": False,
            "direction": None,
            "control": None,
            "address": None,
            "meter_type": None,
            "data_id": None,
            "abnormal": False,
            "error": f"bad hex: {exc}",
            "values": {},
        }
    used_protocol, found = decode_any(data, protocol)
    result = found.describe()
    result["protocol"] = used_protocol
    result["hex"] = to_hex(data)
    return result


def _print(obj: dict[str, object]) -> None:
    print(json.dumps(obj, ensure_ascii=False))


def _decode(args: argparse.Namespace) -> int:
    words: list[str] = args.hex
    if words == ["-"]:
        status = 0
        for line in sys.stdin:
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            result = decode_text(text, args.protocol)
            _print(result)
            if not result["valid"]:
                status = 1
        return status
    result = decode_text(" ".join(words), args.protocol)
    _print(result)
    return 0 if result["valid"] else 1


# --------------------------------------------------------------------------------------------
# encode
# --------------------------------------------------------------------------------------------


def _parse_datetime(text: str) -> dt.datetime:
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"):
        try:
            return dt.datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"{text!r} is not a time like 2026-11-24 10:00:00")


def _int_auto(text: str) -> int:
    try:
        return int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer (decimal or 0x...)") from None


def _hex_byte(text: str) -> int:
    try:
        value = int(text, 16)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a hex byte") from None
    if not 0 <= value <= 0xFF:
        raise argparse.ArgumentTypeError(f"{text!r} is not one byte")
    return value


def _register_dlt645(proto: Any) -> None:
    p = proto.add_parser("dlt645", help="DL/T 645-2007")
    ops = p.add_subparsers(dest="op", metavar="REQUEST", required=True)
    r = ops.add_parser("read", help="read data (0x11)")
    r.add_argument("--address", required=True)
    r.add_argument("--item", required=True, help="key (energy, voltage, status3 ...) or 8 hex DI")
    r.set_defaults(func=_enc_dlt645_read)
    a = ops.add_parser("read-address", help="read communication address (0x13) with AA..AA")
    a.add_argument("--address", default="AAAAAAAAAAAA")
    a.set_defaults(func=_enc_dlt645_read_address)
    c = ops.add_parser("control", help="trip / close / alarm / keep-power (0x1C)")
    c.add_argument("--address", required=True)
    c.add_argument("--action", required=True, choices=sorted(_dlt645_actions()))
    c.add_argument("--password", default="02000000", help="level + password, 8 hex digits")
    c.add_argument("--operator", default="00000000", help="operator code, 8 hex digits")
    c.add_argument(
        "--valid-until",
        type=_parse_datetime,
        default=None,
        help="command expiry (default: 10 minutes from now)",
    )
    c.set_defaults(func=_enc_dlt645_control)
    t = ops.add_parser("time", help="broadcast time (0x08) to 999999999999")
    t.add_argument("--at", type=_parse_datetime, default=None, help="default: now")
    t.set_defaults(func=_enc_dlt645_time)
    w = ops.add_parser("write", help="write data (0x14)")
    w.add_argument("--address", required=True)
    w.add_argument("--item", required=True, help="key or 8 hex DI")
    w.add_argument(
        "--data",
        required=True,
        type=_value_bytes,
        help="value bytes as the standard lists them (before +0x33), hex",
    )
    w.add_argument("--password", default="02000000")
    w.add_argument("--operator", default="00000000")
    w.set_defaults(func=_enc_dlt645_write)


def _register_dlt645_1997(proto: Any) -> None:
    p = proto.add_parser("dlt645-1997", help="DL/T 645-1997")
    ops = p.add_subparsers(dest="op", metavar="REQUEST", required=True)
    r = ops.add_parser("read", help="read data (0x01)")
    r.add_argument("--address", required=True)
    r.add_argument("--item", required=True, help="key (energy, voltage ...) or 4 hex DI")
    r.set_defaults(func=_enc_97_read)
    t = ops.add_parser("time", help="broadcast time (0x08)")
    t.add_argument("--at", type=_parse_datetime, default=None)
    t.set_defaults(func=_enc_97_time)
    w = ops.add_parser("write", help="write data (0x04)")
    w.add_argument("--address", required=True)
    w.add_argument("--item", required=True)
    w.add_argument("--data", required=True, type=_value_bytes)
    w.add_argument("--password", default="00000000")
    w.set_defaults(func=_enc_97_write)


def _register_cjt188(proto: Any) -> None:
    p = proto.add_parser("cjt188", help="CJ/T 188-2004")
    ops = p.add_subparsers(dest="op", metavar="REQUEST", required=True)
    for name, func, helptext in (
        ("read", _enc_cjt_read, "read metering data (0x01, DI 901F)"),
        ("valve", _enc_cjt_valve, "valve open/close (0x04, DI A017)"),
        ("read-address", _enc_cjt_read_address, "read address (0x03, DI 810A)"),
    ):
        s = ops.add_parser(name, help=helptext)
        default_address = "AAAAAAAAAAAAAA" if name == "read-address" else None
        s.add_argument("--address", required=default_address is None, default=default_address)
        s.add_argument(
            "--type",
            type=_hex_byte,
            default=0xAA if name == "read-address" else 0x10,
            help="meter type in hex (10 cold water, 11 hot water, 20 heat, 30 gas)",
        )
        s.add_argument("--di-order", choices=("901f", "1f90"), default="901f")
        s.add_argument("--seq", type=int, default=0, help="SER byte 0..255")
        if name == "valve":
            s.add_argument("--action", required=True, choices=("open", "close"))
        s.set_defaults(func=func)


def _register_modbus(proto: Any) -> None:
    p = proto.add_parser("modbus", help="Modbus-RTU")
    ops = p.add_subparsers(dest="op", metavar="REQUEST", required=True)
    r = ops.add_parser("read", help="read holding (3) or input (4) registers")
    r.add_argument("--unit", type=_int_auto, required=True)
    r.add_argument("--function", type=_int_auto, choices=(3, 4), default=3)
    r.add_argument("--register", type=_int_auto, required=True)
    r.add_argument("--count", type=_int_auto, default=1)
    r.set_defaults(func=_enc_modbus_read)
    w = ops.add_parser("write", help="write one register (6) or several (16)")
    w.add_argument("--unit", type=_int_auto, required=True)
    w.add_argument("--register", type=_int_auto, required=True)
    w.add_argument("--value", type=_int_auto, nargs="+", required=True)
    w.set_defaults(func=_enc_modbus_write)


def _dlt645_actions() -> list[str]:
    from app.comms.protocols.dlt645 import ACTION_NAMES

    return list(ACTION_NAMES)


def _value_bytes(text: str) -> bytes:
    from app.comms.protocols.base import parse_hex

    try:
        return parse_hex(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _emit(args: argparse.Namespace, build: Any, *a: Any, **kw: Any) -> int:
    from app.comms.protocols.base import ProtocolError, to_hex

    try:
        frame: bytes = build(*a, **kw)
    except (ProtocolError, ValueError) as exc:
        raise CliError(str(exc)) from None
    wake = args.wake_up
    if not 0 <= wake <= 16:
        raise CliError("--wake-up must be 0..16")
    if args.encode_protocol == "modbus" and wake:
        raise CliError("Modbus-RTU frames take no wake-up bytes")
    print(to_hex(b"\xfe" * wake + frame))
    return 0


def _enc_dlt645_read(args: argparse.Namespace) -> int:
    from app.comms.protocols import dlt645

    return _emit(args, dlt645.build_read, args.address, args.item)


def _enc_dlt645_read_address(args: argparse.Namespace) -> int:
    from app.comms.protocols import dlt645

    return _emit(args, dlt645.build_read_address, args.address)


def _enc_dlt645_control(args: argparse.Namespace) -> int:
    from app.comms.protocols import dlt645

    until = args.valid_until or (
        dt.datetime.now().replace(microsecond=0) + dt.timedelta(minutes=10)
    )
    return _emit(
        args,
        dlt645.build_control,
        args.address,
        args.action,
        valid_until=until,
        password=args.password,
        operator=args.operator,
    )


def _enc_dlt645_time(args: argparse.Namespace) -> int:
    from app.comms.protocols import dlt645

    return _emit(
        args, dlt645.build_broadcast_time, args.at or dt.datetime.now().replace(microsecond=0)
    )


def _enc_dlt645_write(args: argparse.Namespace) -> int:
    from app.comms.protocols import dlt645

    return _emit(
        args,
        dlt645.build_write,
        args.address,
        args.item,
        args.data,
        password=args.password,
        operator=args.operator,
    )


def _enc_97_read(args: argparse.Namespace) -> int:
    from app.comms.protocols import dlt645_1997

    return _emit(args, dlt645_1997.build_read, args.address, args.item)


def _enc_97_time(args: argparse.Namespace) -> int:
    from app.comms.protocols import dlt645_1997

    return _emit(
        args, dlt645_1997.build_broadcast_time, args.at or dt.datetime.now().replace(microsecond=0)
    )


def _enc_97_write(args: argparse.Namespace) -> int:
    from app.comms.protocols import dlt645_1997

    return _emit(
        args, dlt645_1997.build_write, args.address, args.item, args.data, password=args.password
    )


def _enc_cjt_read(args: argparse.Namespace) -> int:
    from app.comms.protocols import cjt188

    return _emit(
        args,
        cjt188.build_read,
        args.address,
        meter_type=args.type,
        di_order=args.di_order,
        seq=args.seq,
    )


def _enc_cjt_valve(args: argparse.Namespace) -> int:
    from app.comms.protocols import cjt188

    return _emit(
        args,
        cjt188.build_valve,
        args.address,
        args.action,
        meter_type=args.type,
        di_order=args.di_order,
        seq=args.seq,
    )


def _enc_cjt_read_address(args: argparse.Namespace) -> int:
    from app.comms.protocols import cjt188

    return _emit(
        args,
        cjt188.build_read_address,
        args.address,
        meter_type=args.type,
        di_order=args.di_order,
        seq=args.seq,
    )


def _enc_modbus_read(args: argparse.Namespace) -> int:
    from app.comms.protocols import modbus

    return _emit(args, modbus.build_read, args.unit, args.function, args.register, args.count)


def _enc_modbus_write(args: argparse.Namespace) -> int:
    from app.comms.protocols import modbus

    values: list[int] = args.value
    if len(values) == 1:
        return _emit(args, modbus.build_write_register, args.unit, args.register, values[0])
    return _emit(args, modbus.build_write_registers, args.unit, args.register, values)
