"""The portal: lookup by code, verification of a copy, the printed form and
the soft copy, access by role and scope, and the audit trail of every view."""
