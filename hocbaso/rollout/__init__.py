"""Following the rollout: dashboards for management units and the department."""
