-- New checks (peak skin dose, DRL judged on a device's median) bring new alert types; the rule engine's RuleType is the
-- one list of them, so the column no longer repeats it in a CHECK that every new type would have to rebuild.
ALTER TABLE alerts DROP CONSTRAINT IF EXISTS alerts_type_check;
