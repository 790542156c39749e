"""The meter swap flow without Qt or a database (DEV-6): every path, every cancel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from app.domain.meter_swap import (
    AddressSource,
    MeterSwapFlow,
    Step,
    SwapPoint,
    ValueSource,
)
from app.errors import MeterSwapError

T = datetime(2026, 11, 15, 2, 0, tzinfo=UTC)


def point(**kw: object) -> SwapPoint:
    base: dict[str, object] = dict(
        point_id=7,
        point_code="E-A-1-01",
        room_code="A-1-01",
        utility="electricity",
        meter_id=3,
        address="000000000001",
        protocol="dlt645-2007",
        kind="single_phase",
        profile="dlt645-2007-single-phase",
        tou=False,
        gateway_code="G1",
        bus_number=1,
        last_value=Decimal("120.50"),
        last_read_at=T - timedelta(hours=1),
    )
    base.update(kw)
    return SwapPoint(**base)  # type: ignore[arg-type]


def test_bus_path_reaches_a_request_with_every_answer() -> None:
    flow = MeterSwapFlow()
    flow.choose_point(point())
    assert flow.step is Step.OLD_FINAL
    flow.final_read({"total": Decimal("130.25")}, T)
    assert flow.step is Step.NEW_ADDRESS
    assert flow.old_consumption_note == Decimal("9.75")
    flow.set_new_address(" 000000009999 ", AddressSource.READ_ADDRESS)
    flow.initial_read({"total": Decimal("0.30")}, T + timedelta(minutes=20))
    assert flow.step is Step.SUMMARY
    req = flow.request("换表")
    assert (req.point_id, req.old_meter_id, req.new_address) == (7, 3, "000000009999")
    assert req.final.source is ValueSource.BUS and req.final.total == Decimal("130.25")
    assert req.initial.total == Decimal("0.30")
    assert req.address_source is AddressSource.READ_ADDRESS
    flow.done("slip")
    assert flow.step is Step.DONE and flow.finished
    with pytest.raises(MeterSwapError):
        flow.cancel()


def test_dead_meter_is_typed_in_with_a_note() -> None:
    flow = MeterSwapFlow()
    flow.choose_point(point())
    with pytest.raises(MeterSwapError) as no_note:
        flow.final_typed({"total": "131.00"}, T, "  ")
    assert no_note.value.problem == "note_required"
    assert flow.step is Step.OLD_FINAL and flow.final is None
    flow.final_typed({"total": "131.00"}, T, "表计黑屏，读数取自上次抄表照片")
    assert flow.final is not None and flow.final.source is ValueSource.MANUAL
    assert flow.final.note.startswith("表计黑屏") and flow.final.error == ""
    flow.set_new_address("000000009999")
    flow.initial_typed({"total": "0"}, T, "新表出厂读数")
    assert flow.request().initial.total == Decimal(0)


def test_read_failure_then_manual_entry_keeps_the_error() -> None:
    flow = MeterSwapFlow()
    flow.choose_point(point())
    flow.final_read_failed("no answer from 000000000001")
    assert flow.step is Step.OLD_FINAL
    flow.final_typed({"total": "125"}, T, "通讯失败，人工抄读")
    assert flow.final is not None and flow.final.error == "no answer from 000000000001"
    flow.set_new_address("000000009999", AddressSource.SCANNED)
    flow.initial_read_failed("timeout")
    assert flow.step is Step.NEW_INITIAL
    flow.initial_typed({"total": "0.01"}, T, "新表未接线")
    assert flow.request().initial.error == "timeout"


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        ({"total": "119.99"}, "final_below_last"),
        ({"total": "abc"}, "value_format"),
        ({"total": "-1"}, "value_format"),
        ({}, "value_required"),
    ],
)
def test_bad_final_values_are_refused(values: dict[str, str], problem: str) -> None:
    flow = MeterSwapFlow()
    flow.choose_point(point())
    with pytest.raises(MeterSwapError) as err:
        flow.final_typed(values, T, "note")
    assert err.value.problem == problem
    assert flow.step is Step.OLD_FINAL


def test_final_must_be_after_the_last_reading() -> None:
    flow = MeterSwapFlow()
    flow.choose_point(point())
    with pytest.raises(MeterSwapError) as err:
        flow.final_read({"total": "130"}, T - timedelta(hours=2))
    assert err.value.problem == "final_not_after_last"


def test_tou_point_typed_in_needs_every_register() -> None:
    flow = MeterSwapFlow()
    flow.choose_point(point(tou=True))
    with pytest.raises(MeterSwapError) as err:
        flow.final_typed({"total": "130", "t1": "10"}, T, "note")
    assert err.value.problem == "tou_required"
    flow.final_typed({"total": "130", "t1": "10", "t2": "20", "t3": "40", "t4": "60"}, T, "n")
    assert set(flow.final.values) == {"total", "t1", "t2", "t3", "t4"}  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("12345", "address_format"),
        ("00000000000A", "address_format"),
        ("000000000001", "same_address"),
    ],
)
def test_bad_new_addresses_are_refused(text: str, problem: str) -> None:
    flow = MeterSwapFlow()
    flow.choose_point(point())
    flow.final_read({"total": "130"}, T)
    with pytest.raises(MeterSwapError) as err:
        flow.set_new_address(text)
    assert err.value.problem == problem
    assert flow.step is Step.NEW_ADDRESS


def test_water_addresses_have_14_digits() -> None:
    flow = MeterSwapFlow()
    flow.choose_point(point(protocol="cjt188", address="00000000000001", utility="water"))
    flow.final_read({"total": "130"}, T)
    with pytest.raises(MeterSwapError):
        flow.set_new_address("000000000002")
    flow.set_new_address("00000000000002")
    assert flow.step is Step.NEW_INITIAL


def test_back_keeps_answers_and_a_new_address_drops_the_initial_value() -> None:
    flow = MeterSwapFlow()
    flow.choose_point(point())
    flow.final_read({"total": "130"}, T)
    flow.set_new_address("000000009999")
    flow.initial_read({"total": "1"}, T)
    assert flow.back() is Step.NEW_INITIAL
    assert flow.back() is Step.NEW_ADDRESS
    flow.set_new_address("000000008888")
    assert flow.initial is None and flow.step is Step.NEW_INITIAL
    with pytest.raises(MeterSwapError):
        flow.request()


def _at(step: Step) -> MeterSwapFlow:
    flow = MeterSwapFlow()
    if step is Step.POINT:
        return flow
    flow.choose_point(point())
    if step is Step.OLD_FINAL:
        return flow
    flow.final_read({"total": "130"}, T)
    if step is Step.NEW_ADDRESS:
        return flow
    flow.set_new_address("000000009999")
    if step is Step.NEW_INITIAL:
        return flow
    flow.initial_read({"total": "1"}, T)
    return flow


@pytest.mark.parametrize(
    "step", [Step.POINT, Step.OLD_FINAL, Step.NEW_ADDRESS, Step.NEW_INITIAL, Step.SUMMARY]
)
def test_cancel_at_every_step_ends_the_flow_without_a_request(step: Step) -> None:
    flow = _at(step)
    assert flow.step is step
    flow.cancel()
    assert flow.step is Step.CANCELLED and flow.finished
    with pytest.raises(MeterSwapError):
        flow.request()
    with pytest.raises(MeterSwapError):
        flow.done("slip")
