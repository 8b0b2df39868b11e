"""Tracking's figures on ``/metrics`` (registered into ``courier.core.metrics``)."""

from courier.core.metrics import timed_job_declare

timed_job_declare("tracking_sweep")
