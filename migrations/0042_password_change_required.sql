-- Round 2 (issue #21 left it): a password an administrator set (a reset for a forgotten one) is known to that
-- administrator, so the user must replace it at the next sign-in before any page opens. 1 = required; the user's own
-- change clears it. Existing accounts start with 0.
ALTER TABLE users ADD COLUMN password_change_required INTEGER NOT NULL DEFAULT 0;
