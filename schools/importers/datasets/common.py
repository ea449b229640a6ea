"""Codes and conversions more than one dataset uses."""

VESTIGINGSCODE = r"[0-9A-Z]{4}[0-9]{2}"
# DUO's placeholder for locations whose municipality it does not know ("ONBEKEND").
UNKNOWN_MUNICIPALITY_CODE = "9999"


def int_or_none(value: str) -> int | None:
    return int(float(value)) if value else None
