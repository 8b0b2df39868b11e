"""Every write of the tracking app. Import from here: ``from tracking.services import ...``."""

from tracking.services.archive import ArchiveResult, tracking_events_archive
from tracking.services.contacts import (
    contact_close,
    contact_record,
    contact_route_call,
    contact_route_complaint,
    contact_route_work_order,
)
from tracking.services.events import (
    ItemResult,
    event_payload,
    tracking_delivery_record,
    tracking_event_record,
    tracking_events_ingest,
    tracking_shipment_left,
)
from tracking.services.extracts import returns_to_stations_report, station_inventory_report
from tracking.services.lookup import LookupThrottled, track_lookup
from tracking.services.sms import sms_deliver, sms_dispatch_due, sms_queue
from tracking.services.work import (
    SweepResult,
    chase_reply_record,
    chases_alert,
    follow_up_attempt_record,
    follow_up_cancel,
    follow_up_complete,
    follow_up_day_report_send,
    follow_up_open,
    follow_up_reassign,
    follow_ups_close_left,
    follow_ups_overdue_report,
    tracking_sweep,
)

__all__ = [
    "ArchiveResult",
    "ItemResult",
    "LookupThrottled",
    "SweepResult",
    "chase_reply_record",
    "chases_alert",
    "contact_close",
    "contact_record",
    "contact_route_call",
    "contact_route_complaint",
    "contact_route_work_order",
    "event_payload",
    "follow_up_attempt_record",
    "follow_up_cancel",
    "follow_up_complete",
    "follow_up_day_report_send",
    "follow_up_open",
    "follow_up_reassign",
    "follow_ups_close_left",
    "follow_ups_overdue_report",
    "returns_to_stations_report",
    "sms_deliver",
    "sms_dispatch_due",
    "sms_queue",
    "station_inventory_report",
    "track_lookup",
    "tracking_delivery_record",
    "tracking_event_record",
    "tracking_events_archive",
    "tracking_events_ingest",
    "tracking_shipment_left",
    "tracking_sweep",
]
