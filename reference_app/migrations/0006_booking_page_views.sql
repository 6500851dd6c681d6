-- Booking pages served, per service and hour: the denominator of the booking conversion
-- (pages opened vs bookings made) over any period, which the process counters of /metrics
-- (since each process started) cannot give.
CREATE TABLE booking_page_views (
    service_id uuid NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    hour timestamptz NOT NULL,
    views bigint NOT NULL,
    PRIMARY KEY (service_id, hour)
);
