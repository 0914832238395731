"""Which commands and button prefixes belong to the staff side, and whose they are.

The guarded routers (handlers/owner, coordinator, instructor) take them from holders of the
role; the refusal router (handlers/common/staff_refusal.py) answers everyone else. A new staff
command or staff button prefix is added here, so it is refused politely to a learner."""
from __future__ import annotations

from bot.services.staff import Role

STAFF_COMMANDS: dict[str, Role] = {
    "grant": Role.OWNER,
    "ungrant": Role.OWNER,
    "staff": Role.OWNER,
    "preview": Role.INSTRUCTOR,
    "diff": Role.INSTRUCTOR,
    "publish": Role.INSTRUCTOR,
    "rollback": Role.INSTRUCTOR,
    "history": Role.INSTRUCTOR,
    "courses": Role.INSTRUCTOR,
    "export": Role.INSTRUCTOR,
    "revoke": Role.COORDINATOR,
    "reissue": Role.COORDINATOR,
    "stats": Role.COORDINATOR,
    "stuck": Role.COORDINATOR,
    "message": Role.COORDINATOR,
    "broadcast": Role.COORDINATOR,
    "broadcasts": Role.COORDINATOR,
}

# callback_data prefixes of staff buttons (CallbackData prefix, before the first ":").
STAFF_CALLBACK_PREFIXES: dict[str, Role] = {
    "sg": Role.OWNER,  # /staff: take a role away by its button
    "pv": Role.INSTRUCTOR,  # /preview's buttons
    "cnt": Role.INSTRUCTOR,  # /publish and /rollback confirmations
    "stk": Role.COORDINATOR,  # /stuck: nudge them all
    "exq": Role.COORDINATOR,  # /export: course files or learner data (asked of who may do both)
    "bcd": Role.COORDINATOR,  # /broadcast's draft buttons (audience, versions, confirm)
    "bcx": Role.COORDINATOR,  # pause / resume / cancel under a broadcast's progress
}
