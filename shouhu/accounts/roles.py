"""Roles and what each may do (docs/domain.md, "Users and scopes"). Pure data: the scope
selector, the permission needs and the home page read it; no code elsewhere names a role to
decide what it may do."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    code: str
    label: str
    line: str  # "admin" (a region), "education" (a school, a class or a region's schools), "pairing", "none"
    # How an assignment of this role reaches children (`scope.LINES`): "region" (the region's
    # subtree of villages), "region_schools" (the schools in the region), "school", "class",
    # "pairing" (the children paired with the user: registered by the care app), "" (none).
    reach: str
    # Which table the home page shows for an assignment (`web.views.HOME_TABLES`).
    home: str
    sees_children: bool
    can_edit: bool
    full_id: bool  # sees ID numbers unmasked
    limited_fields: bool = False  # helpers see a reduced child page
    # which part of a child's record the role reads: "full", "care" (helpers), "none"
    # (statistics only); the sets are in `registry.fields`
    child_fields: str = "full"
    manages_county: bool = False
    can_care: bool = False  # records visits, family contact, wishes for the children in scope
    can_pair: bool = False  # registers helpers and pairs them with the children in scope
    counsellor: bool = False  # reads and writes counselling notes (心理辅导), nobody else does
    # A confidential role opens records nobody else reads (counselling now, the protection roles
    # to come): nobody grants it to themselves, and every grant and removal is shown to the
    # county (docs/domain.md, "Privacy"; decisions 44).
    confidential: bool = False
    second_factor: bool = False  # asks for a TOTP code at sign-in even without full_id/counsellor
    # receives and works early-warning alerts (预警) about the children in scope (docs/domain.md,
    # "Early warning"); the alert's owner chain names which of these roles owns it when
    sees_alerts: bool = False
    # handles mandatory reports and protection cases of the children in scope (the township
    # supervisor as case worker, the county's protection staff); reads the reporter's identity
    handles_cases: bool = False
    # a county user who may read a protection case they do not work, with a written reason, for a
    # limited time (break-the-glass: the case's handlers are told, the audit log holds it)
    breaks_glass: bool = False
    # sees how many protection cases there are, by step (inspectors: counts, never a case)
    case_counts: bool = False
    # changes the county's protection time limits (alert deadlines, case timers): the county admin
    # (民政) and the county's protection staff who run the procedure (docs/domain.md, "Protection time limits")
    protection_settings: bool = False
    # works 控辍保学 cases of the pupils in scope (docs/domain.md, "Keeping children in school"): the
    # school's staff and head teachers, the township's supervisor, the village's child director (a
    # registered pupil of the village), county education
    dropout_work: bool = False
    # reads the 控辍保学 figures (counts per township and school, the one-vote-veto flag; never a
    # name): those who answer for a township or the county — its supervisor, county education, the
    # county admin (docs/domain.md, "Keeping children in school")
    dropout_figures: bool = False
    # keeps the daily absence log of a class (考勤: 旷课 / 请假): the class's head teacher, the school's
    # staff for every class of the school (docs/domain.md, "Keeping children in school")
    records_absences: bool = False
    # changes the county's 控辍保学 settings and school calendar (the streak that opens a case, the
    # steps' time limits, holidays, make-up days, breaks): county education and the county admin
    dropout_settings: bool = False
    # 督查 (docs/domain.md, "Supervision"): plans inspections, draws and checks field samples, files
    # findings in its region — the inspection team (督查组) and the county admin
    inspects: bool = False
    # answers a finding about its own unit (整改 with evidence): the village's child director, the
    # township's supervisor, the school's staff
    answers_findings: bool = False
    # re-checks (复核) a unit's answer below its own region: the township supervisor for its villages,
    # the inspection team and the county admin
    reviews_findings: bool = False
    # opens the leaders' screen (领导驾驶舱: charts of the county's or township's figures, counts only,
    # never a name) for the region of the assignment: those who answer for a county or a township —
    # the county admin, county education, the partner departments (statistics only: small counts
    # suppressed), township supervisors, inspectors (docs/domain.md, "The leaders' screen")
    dashboard: bool = False
    # 儿童之家、服务站 and the other places (docs/domain.md, "Places"): declares (申报) and keeps the places of
    # its region or school — the county admin, township supervisor, village child director, school staff
    manages_places: bool = False
    # accepts (验收) and closes (停用) a declared place: the county admin (民政)
    accepts_places: bool = False
    # records who came to a place or a parent-school session (children, and guardians at a 家长学校)
    records_attendance: bool = False
    # reads the staffing roster of its region (儿童主任、儿童督导员、心理辅导教师、社工; docs/domain.md, "People")
    reads_staff: bool = False
    # appoints, ends and trains staff on the roster; an appointment grants the post's login scope: the county admin
    manages_staff: bool = False
    # 兜底保障 (docs/domain.md, "Benefits"): sees benefit grants and amounts of the children in scope and
    # starts or checks applications — the county admin, township supervisor, village child director
    handles_benefits: bool = False
    # confirms (县级确认) a 事实无人抚养 application and publishes it (公示); exports payment rolls: the county admin
    confirms_benefits: bool = False
    # keeps funds (专项经费、爱心基金、慈善项目) and records their spending: the county admin, township supervisors
    manages_funds: bool = False

    @property
    def needs_2fa(self) -> bool:
        """Full ID numbers and confidential notes are behind a second factor; another role joins by `second_factor`."""
        return self.full_id or self.counsellor or self.second_factor


ROLES: dict[str, Role] = {
    r.code: r
    for r in [
        Role("county_admin", "县级管理员", "admin", "region", "region", True, True, True, manages_county=True, can_care=True, can_pair=True,
             sees_alerts=True, breaks_glass=True, case_counts=True, protection_settings=True, dropout_figures=True, dropout_settings=True,
             inspects=True, reviews_findings=True, dashboard=True,
             manages_places=True, accepts_places=True, records_attendance=True, reads_staff=True, manages_staff=True, handles_benefits=True, confirms_benefits=True, manages_funds=True),
        Role("county_education", "县教育局", "education", "region_schools", "region_schools", True, False, True, dropout_work=True,
             dropout_figures=True, dropout_settings=True, dashboard=True,
             reads_staff=True),
        Role("county_partner", "县级协作部门", "none", "", "region", False, False, False, child_fields="none", dashboard=True),
        Role("township_supervisor", "儿童督导员", "admin", "region", "region", True, True, True, can_care=True, can_pair=True,
             sees_alerts=True, handles_cases=True, dropout_work=True, dropout_figures=True, answers_findings=True, reviews_findings=True,
             dashboard=True,
             manages_places=True, records_attendance=True, reads_staff=True, handles_benefits=True, manages_funds=True),
        Role("village_director", "儿童主任", "admin", "region", "region", True, True, True, can_care=True, can_pair=True,
             sees_alerts=True, dropout_work=True, answers_findings=True,
             manages_places=True, records_attendance=True, handles_benefits=True),
        Role("school_staff", "学校业务人员", "education", "school", "school", True, False, False, can_care=True, can_pair=True, dropout_work=True,
             records_absences=True, answers_findings=True,
             manages_places=True, records_attendance=True),
        Role("head_teacher", "班主任", "education", "class", "class", True, False, False, can_care=True, dropout_work=True,
             records_absences=True,
             records_attendance=True),
        Role("counsellor", "心理辅导员", "education", "school", "school", True, False, False, can_care=True, counsellor=True, confidential=True,
             records_attendance=True),
        Role("helper", "帮扶人", "pairing", "pairing", "pairing", True, False, False, limited_fields=True, can_care=True, child_fields="care"),
        Role("inspector", "督查组", "admin", "region", "region", True, False, False, case_counts=True, inspects=True, reviews_findings=True,
             dashboard=True,
             reads_staff=True),
        # 县未成年人救助保护机构: works protection cases county-wide; its records are confidential
        Role("protection", "未成年人保护机构", "admin", "region", "region", True, False, True, confidential=True, sees_alerts=True,
             handles_cases=True, case_counts=True, protection_settings=True),
    ]
}
ROLE_CHOICES = [(r.code, r.label) for r in ROLES.values()]
CONFIDENTIAL_ROLES = frozenset(r.code for r in ROLES.values() if r.confidential)
