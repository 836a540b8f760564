-- Issue #21: the name an administrator gives a device (e.g. "CT 2 (Emergency)"), keyed like every dose table by
-- DeviceIdentity.Key (studies.device_key). Without a row, pages name the device station · model · manufacturer as
-- its latest study sent them. Edits are audited (device.rename); the table keeps who changed the name last and when.
CREATE TABLE device_display_names (
    device_key    TEXT NOT NULL PRIMARY KEY,
    display_name  TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
