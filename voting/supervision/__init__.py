"""Street-office supervision: dashboards, approvals, committee mandates, anomalies."""
