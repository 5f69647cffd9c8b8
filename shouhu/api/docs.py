"""What the API description (/api/docs/, Swagger) says of each operation, in Chinese: a tag per
resource and a summary (and where it helps a description) per action. One table beside the
routes, so a new action without its line shows up in one place: `tests/api/test_schema_docs.py`
walks the generated schema and fails on an operation without a Chinese summary.

Applied with drf-spectacular's `extend_schema_view` on each view class (class-level `tags`), which
merges with what a module already declares (parameters, serializers, the If-Match header)."""
from drf_spectacular.utils import extend_schema, extend_schema_view

from . import absences, auth, benefits, dropout, hukou, places, protection, quality, reports, schooling, staffing, supervision, views
from .care import activities, campaigns, contacts, counselling, helpers, pairings, tasks, visits, wishes

LIST, DETAIL = "列出您权限范围内的{}（分页，可筛选）", "一条{}的详情（不在您权限范围内的与不存在的一样返回 404）"


def _crud(noun: str, *, create: str = "", update: str = "") -> dict:
    """The summaries of the usual actions of a resource called `noun`."""
    out = {"list": (LIST.format(noun), ""), "retrieve": (DETAIL.format(noun), "")}
    if create:
        out["create"] = (create, "")
    if update:
        out["update"] = (update, "整体更新：未给出的可写字段按空值处理。带 If-Match 头时，记录已被他人修改则返回 412。")
        out["partial_update"] = (update + "（只改给出的字段）", "带 If-Match 头时，记录已被他人修改则返回 412。")
    return out


# view class -> (tag, {action: (summary, description)})
DOCS = {
    views.RegionViewSet: ("行政区划", _crud("行政区划（县、乡镇、村）")),
    views.SchoolViewSet: ("学校与班级", _crud("学校")),
    views.SchoolClassViewSet: ("学校与班级", _crud("班级")),
    views.ChildViewSet: ("儿童档案", {
        **_crud("儿童档案", create="登记一名儿童", update="修改儿童档案"),
        "search": ("按姓名、拼音、身份证号或档案编号查找儿童", "查找条件放在请求体中，不进入地址和日志；其余筛选条件同列表。"),
    }),
    helpers.HelperViewSet: ("关爱帮扶", _crud("帮扶人", create="登记帮扶人", update="修改帮扶人信息")),
    pairings.PairingViewSet: ("关爱帮扶", {
        **_crud("结对帮扶", create="为儿童结对帮扶人"),
        "end": ("结束结对", "写明结束原因。"),
    }),
    visits.VisitViewSet: ("关爱帮扶", {
        **_crud("走访记录", create="记录一次走访"),
        "photo": ("下载一张走访照片", "按权限提供；读取写入访问日志。"),
    }),
    contacts.ContactViewSet: ("关爱帮扶", _crud("亲情联系记录", create="记录一次亲情联系")),
    wishes.WishViewSet: ("关爱帮扶", {
        **_crud("微心愿", create="登记一个微心愿"),
        "claim": ("认领微心愿", ""), "fulfil": ("标记微心愿已实现", ""), "cancel": ("取消微心愿", ""),
    }),
    counselling.CounsellingViewSet: ("心理辅导", _crud("心理辅导记录（仅心理辅导员）", create="记录一次心理辅导")),
    activities.ActivityViewSet: ("关爱帮扶", _crud("关爱活动", create="登记一次关爱活动")),
    campaigns.CampaignViewSet: ("关爱保护月", {
        **_crud("关爱保护月活动"),
        "progress": ("关爱保护月六项措施的完成情况", "按下一级单位统计（乡镇→村；学校→班级）。"),
        "missing": ("尚未完成某项措施的儿童", ""),
    }),
    tasks.TaskViewSet: ("我的待办", {"list": ("我的待办：到期或逾期的走访、亲情联系，尚未落实一对一帮扶的儿童", "")}),
    quality.IssueViewSet: ("数据质量", {
        **_crud("数据质量问题"),
        "dismiss": ("说明并关闭一个数据质量问题", "不是错误（如双胞胎、法定例外）时使用，须写明理由；须有修改该儿童档案的权限。"),
    }),
    quality.DuplicatePairViewSet: ("数据质量", {
        **_crud("疑似重复档案"),
        "merge": ("合并两份疑似重复档案", "保留 a 或 b，另一份并入：保留历史，关爱记录移到保留的档案；30 天内可撤销。"),
        "not_same": ("标记两份档案不是同一人", "以后不再提示这一对，两份档案的疑似重复问题以该理由关闭。"),
    }),
    schooling.RosterViewSet: ("学籍核对", _crud("学籍名册上传记录", create="上传一所学校的学籍名册（替换该校名册）")),
    schooling.RosterEntryViewSet: ("学籍核对", {
        "list": ("列出一所学校当前学籍名册的条目", ""),
        "search": ("按姓名查找学籍名册条目", "姓名放在请求体中，不进入地址和日志。"),
    }),
    schooling.ConsistencyViewSet: ("学籍核对", {
        **_crud("学校的人籍一致情况"),
        "unregistered": ("学籍在册但未建档的学生", "该校名册上没有儿童档案的学生；用 POST 可在请求体中按姓名筛选。"),
        "missing": ("建档在该校但学籍名册中没有的儿童", "您范围内登记在该校、却不在该校名册上的儿童；用 POST 可在请求体中按姓名筛选。"),
    }),
    absences.AbsenceViewSet: ("考勤", {
        "list": ("读取一个班级某一天的考勤", "参数 school_class（必填）与 day（默认今天）。"),
        "create": ("登记一个班级某一天的考勤", "整体替换当天的记录。"),
    }),
    dropout.DropoutCaseViewSet: ("控辍保学", {
        **_crud("疑似辍学个案", create="登记一个疑似辍学个案"),
        "act": ("疑似辍学个案进行一步", "劝返、书面上报、启动乡镇劝返、依法督促、复学、跟踪回访、结案等（allowed_actions 列出可进行的步骤）。"),
        "missing": ("报告学生下落不明", "告知乡镇和县教育局；同时电话报告派出所，写明时间和接报人。"),
    }),
    protection.AlertViewSet: ("预警", {
        **_crud("预警（最紧急的在前）"),
        "acknowledge": ("签收预警", ""), "act": ("记录预警的处置措施与说明", ""),
        "close": ("关闭预警（无需处置，写明原因）", ""), "escalate": ("把预警上报上一级（写明原因）", ""),
    }),
    protection.ReportViewSet: ("强制报告", {
        **_crud("强制报告", create="提交一份强制报告"),
        "receive": ("受理强制报告", "填写报案时间、接报公安机关、回执号、已通报的部门。"),
        "feedback": ("向报告人反馈", ""),
    }),
    protection.CaseViewSet: ("保护个案", {
        **_crud("保护个案", create="立案（从儿童、预警或强制报告）"),
        "act": ("保护个案进行一步", "确认安全、安置、评估、提交计划、复核、申请结案、回访（allowed_actions 列出可进行的步骤）。"),
        "approve": ("批准帮扶计划或结案申请", "须由提交人以外的人员审批。"),
        "plan": ("在帮扶计划中添加一项服务", "评估之后才能添加。"),
    }),
    protection.MeetingViewSet: ("联席会议", {
        **_crud("联席会议", create="记录一次联席会议"),
        "items": ("添加议定事项", "事项、责任单位、责任人、时限，可关联乡镇或村、个案。"),
        "done": ("办结一个议定事项", "写明办结情况。"),
    }),
    supervision.InspectionViewSet: ("督查整改", {
        **_crud("督查", create="安排一次督查"),
        "sample": ("随机抽取一个村的在册儿童", "随机种子记录在案，可复现；返回抽查名单。"),
        "check": ("记录一名抽查儿童的实地核查结果", "任一项为“否”即登记为该村的督查问题。"),
    }),
    supervision.FindingViewSet: ("督查整改", {
        **_crud("督查问题（整改期限近的在前）", create="登记一个督查问题"),
        "act": ("提交整改、复核通过或退回重改", "提交整改须附佐证材料；退回须写明原因。"),
    }),
    supervision.ScoreboardViewSet: ("督查整改", {"list": ("考核得分：各乡镇、学校按季度或年度的得分与指标", "只有数字，没有姓名。")}),
    benefits.GrantViewSet: ("兜底保障", {
        **_crud("兜底保障（享受的救助与补贴）", create="登记一项兜底保障"),
        "stop": ("停发或暂停一项兜底保障", "写明原因。"),
    }),
    benefits.FundViewSet: ("兜底保障", {
        **_crud("经费（专项经费、爱心基金、慈善项目），含已支出和余额"),
        "spending": ("一项经费的支出明细", ""),
    }),
    places.PlaceViewSet: ("阵地建设", {
        **_crud("场所（儿童之家、服务站、家长学校等）", create="登记一个场所", update="修改场所信息"),
        "act": ("场所的步骤：申报、验收、退回、停用、恢复", "申报须“六个一”各项齐全；退回、停用须写明原因。"),
        "sessions": ("场所的开放和讲座记录（只有人数，没有姓名）", ""),
    }),
    staffing.StaffViewSet: ("队伍建设", {
        **_crud("儿童工作队伍人员（儿童主任、儿童督导员、心理辅导教师、社工）", create="登记一名人员"),
        "appoint": ("任命到岗位", "岗位已有人在任时拒绝，须先办理现任人员离任；关联账号的，自动授予该岗位的权限。"),
        "end": ("办理离任", "写明离任原因；关联账号的，同时收回该岗位的权限。"),
        "vacancies": ("岗位空缺", "每村儿童主任、每乡镇儿童督导员、每校心理辅导教师中尚无人在任的岗位。"),
    }),
    reports.StatTableViewSet: ("统计表与户籍比对", {
        "list": ("农村留守儿童统计表（民发〔2016〕42号附件3）", "任一截止日期、任一本人负责的地区；列出各列、下一级各单位、合计和每条表间勾稽关系是否成立。乡镇已上报的按上报时冻结。"),
    }),
    hukou.HukouCheckViewSet: ("统计表与户籍比对", {
        **_crud("户籍比对（仅县级管理员）", create="上传公安户籍名单，开始比对"),
        "unregistered": ("户籍中有、档案中没有的未满16周岁儿童（摸底候选）", "分页；读取写入访问日志。"),
        "missing": ("档案中有、户籍名单中没有的儿童", "分页；读取写入访问日志。"),
        "mismatches": ("与户籍不一致的档案（数据质量问题）", "当前未关闭的“与户籍不一致”问题。"),
    }),
    auth.TokenView: ("登录", {"post": ("用用户名和密码（需要时加动态验证码）换取访问令牌", "返回 token 与有效期。")}),
    auth.LogoutView: ("登录", {"post": ("退出：删除当前访问令牌", "")}),
}


def document() -> None:
    """Put the table on the view classes (once, at URL loading). An action without a description
    repeats its summary: otherwise the class's docstring (written for developers) would show."""
    for cls, (tag, actions) in DOCS.items():
        extend_schema(tags=[tag])(cls)
        extend_schema_view(**{a: extend_schema(summary=s, description=d or s) for a, (s, d) in actions.items()})(cls)
