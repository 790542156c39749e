"""Simulated gateways and meters (SPEC COMM-4) for the demo mode, the tests and the benches.

:class:`Simulator` serves a site (``app.domain.demo_site``) from a background thread; its
meters (:class:`SimMeter`) accumulate energy/water from the site's load curves in simulated time,
switch relays and valves, keep TOU registers, live values, status words and written parameters,
and take injectable faults (:mod:`.faults`). Wire timing follows the bus baud rate (11 bits per
byte) plus a meter turnaround.
"""

from __future__ import annotations

from app.comms.simulator.faults import FaultPlan, FaultSpecError, GatewayFaults, MeterFaults
from app.comms.simulator.meters import ConstantCurve, SimClock, SimMeter
from app.comms.simulator.runner import Simulator

__all__ = [
    "ConstantCurve",
    "FaultPlan",
    "FaultSpecError",
    "GatewayFaults",
    "MeterFaults",
    "SimClock",
    "SimMeter",
    "Simulator",
]
