-- Complaints received per day (service time zone) and channel.
CREATE TABLE proj.daily_intake (
    day        date    NOT NULL,
    channel    text    NOT NULL,
    complaints integer NOT NULL,
    PRIMARY KEY (day, channel)
);
