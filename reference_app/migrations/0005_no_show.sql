-- A booked job whose start time passed without the client: staff mark it 'no-show' (a final
-- status that frees its time, like 'completed' and 'cancelled').
ALTER TABLE jobs DROP CONSTRAINT jobs_status_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_status_check CHECK (status IN (
    'pending-confirmation', 'scheduled', 'in-progress', 'completed', 'cancelled', 'no-show'
));
