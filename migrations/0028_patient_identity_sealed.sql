-- Patient identity encrypted at rest (issue #22).
--
-- Name, ID, issuer and birth date are kept only sealed (AES-256-GCM, DoseWatch.Core.Privacy.PatientIdentityCipher,
-- keys outside the database) in patient_identity_sealed; the pseudonym stays in the clear as the join and search key.
-- A SQL script cannot encrypt (the key is not in the database): at the first start after this migration the app
-- seals every row that still has plaintext identifiers and empties the four old columns (also
-- `dosewatch keys reencrypt`). The old columns stay, always NULL from then on, for that upgrade step to read.
ALTER TABLE studies ADD COLUMN patient_identity_sealed {{blob}};
