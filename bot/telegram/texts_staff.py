"""Texts of the staff side: /help in the admin chat, the staff menus, roles and refusals."""
from __future__ import annotations

from html import escape

from aiogram.utils.i18n import gettext as _

from bot.services.staff import Role, RoleGrant, StaffMember, StaffError, StaffProblem


def staff_help_text() -> str:
    return "\n".join([
        _("<b>Commands of the admin chat</b>"),
        _("/revoke CODE REASON — revoke a certificate: its page then says it is revoked"),
        _("/reissue CODE — revoke a certificate and send the learner a new one under a new code, with their "
          "current name"),
        _("/message LEARNER TEXT — write to a learner (their id or @username); reply to the copy of a learner's "
          "message to answer them (coordinators)"),
        _("/broadcast — an announcement to learners (a course, a language, their progress), previewed and "
          "counted first; /broadcasts — the recent ones with their figures (coordinators)"),
        _("/grant instructor or /grant coordinator — as a reply to a member's message, or followed by their "
          "user id and optionally a course: give a role (owners only)"),
        _("/ungrant ROLE — the same way: take a role away (owners only)"),
        _("/staff — everyone with a role (owners only)"),
        _("Send a course as a document (.yaml or .zip of its folder) — it is checked and kept as a draft; a video "
          "or file captioned LECTURE/PART — it goes into that part of the draft (instructors)"),
        _("/preview, /diff, /publish, /rollback, /history [COURSE] — read the draft as a learner, see what "
          "changed, make it live, go back a version, who did what (instructors)"),
        _("/courses — every course with its learners, versions and draft; /export [COURSE] — the course as a "
          ".zip to edit and send again (instructors)"),
        _("/stats [COURSE] — enrolment, activity, the lecture funnel and a chart; /stuck [COURSE] — who stalled "
          "longest, with a button to nudge them all; /export [COURSE] — learner data as .xlsx and .csv "
          "(coordinators)"),
        _("/help — this list"),
        "",
        _("Owners of the bot may use every command; instructors and coordinators get theirs from an owner."),
    ])


def staff_command_descriptions(roles: frozenset[Role] | None = None) -> dict[str, str]:
    """The staff menu in the current locale: every staff command (the admin chat), or those of `roles`."""
    every = {
        "revoke": (Role.COORDINATOR, _("Revoke a certificate: CODE REASON")),
        "reissue": (Role.COORDINATOR, _("Re-issue a certificate under a new code: CODE")),
        "stats": (Role.COORDINATOR, _("Course figures and the funnel chart")),
        "stuck": (Role.COORDINATOR, _("Stalled learners, and a nudge for them all")),
        "message": (Role.COORDINATOR, _("Write to a learner: ID or @username, then the text")),
        "broadcast": (Role.COORDINATOR, _("Send an announcement to learners")),
        "broadcasts": (Role.COORDINATOR, _("Recent broadcasts and their figures")),
        "preview": (Role.INSTRUCTOR, _("Read the draft as a learner sees it")),
        "diff": (Role.INSTRUCTOR, _("What the draft changes")),
        "publish": (Role.INSTRUCTOR, _("Make the draft live")),
        "rollback": (Role.INSTRUCTOR, _("Go back to the previous version")),
        "history": (Role.INSTRUCTOR, _("Who changed the course, and when")),
        "courses": (Role.INSTRUCTOR, _("Courses, learners, versions, drafts")),
        "export": (Role.INSTRUCTOR, _("The course as a .zip to edit")),
        "grant": (Role.OWNER, _("Give a staff role (owners)")),
        "ungrant": (Role.OWNER, _("Take a staff role away (owners)")),
        "staff": (Role.OWNER, _("Everyone with a staff role (owners)")),
    }
    menu = {name: text for name, (role, text) in every.items() if roles is None or role in roles}
    if roles is not None and Role.COORDINATOR in roles and Role.INSTRUCTOR not in roles:
        menu["export"] = _("Learner data as .xlsx and .csv")  # a coordinator's /export
    menu["help"] = _("Commands of the admin chat")
    return menu


def role_name(role: Role) -> str:
    if role is Role.OWNER:
        return _("owner")
    if role is Role.INSTRUCTOR:
        return _("instructor")
    return _("coordinator")


def grant_text(grant: RoleGrant) -> str:
    if grant.course_slug is None:
        return _("{role} (all courses)").format(role=role_name(grant.role))
    return _("{role} (course {course})").format(role=role_name(grant.role), course=escape(grant.course_slug))


def granted_text(name: str, user_id: int, grant: RoleGrant) -> str:
    return _("✅ {name} (id {id}) is now: {grant}. Their staff commands work at once.").format(
        name=escape(name), id=user_id, grant=grant_text(grant))


def ungranted_text(name: str, user_id: int, grant: RoleGrant) -> str:
    return _("☑️ {name} (id {id}) is no longer: {grant}.").format(name=escape(name), id=user_id,
                                                                grant=grant_text(grant))


def staff_list_text(members: list[StaffMember]) -> str:
    lines = [_("<b>Staff</b>")]
    for member in members:
        who = escape(member.name) or _("(never wrote to the bot)")
        if member.username:
            who += f" @{escape(member.username)}"
        roles = [role_name(Role.OWNER)] if member.owner else []
        roles += [grant_text(grant) for grant in member.grants]
        lines.append(_("• {who}, id {id}: {roles}").format(who=who, id=member.user_id, roles=", ".join(roles)))
    if len(lines) == 1:
        lines.append(_("No one has a role yet. Give one with /grant instructor as a reply to a member's message."))
    return "\n".join(lines)


def grant_usage_text() -> str:
    return _("Usage: /grant instructor (or coordinator) as a reply to the member's message, or "
             "/grant instructor USER_ID [COURSE]. /ungrant takes a role away the same way.")


def staff_error_text(error: StaffError) -> str:
    if error.problem is StaffProblem.UNKNOWN_ROLE:
        return _("There is no role “{role}”. The roles are instructor and coordinator.").format(
            role=escape(error.detail))
    if error.problem is StaffProblem.UNKNOWN_COURSE:
        return _("There is no course “{course}”. Nothing was changed.").format(course=escape(error.detail))
    return _("They do not have that role. Nothing was changed.")


def staff_refusal_text() -> str:
    """A learner (or anyone without the role) sent a staff command or pressed a staff button."""
    return _("Sorry, this is for the course staff only. Nothing was changed.")


def ask_an_owner_text() -> str:
    """A member of the admin chat without the role the command needs."""
    return _("You do not have the staff role this command needs. Ask an owner of the bot to grant it "
             "(/grant as a reply to your message).")


def not_a_person_text() -> str:
    return _("I cannot tell which coordinator sent this: it came on behalf of the group. Send the "
             "command as yourself (turn off “Remain anonymous” in your admin rights, or write to me "
             "in private).")
