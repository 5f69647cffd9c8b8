"""使用说明: for each role, the tasks it does, step by step in plain Chinese, each with a picture of
the page taken from the demo county (`tools/screens.py` reads `Shot` below and writes
`static/help/<role>/<name>.png`; `make screens` runs it). The menu's 使用说明 opens the pages of
the user's own roles; every role's page can be read by anyone signed in (nothing in it is
private: the pictures are of the demo county's made-up children)."""
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.templatetags.static import static

from shouhu.accounts.permissions import requires
from shouhu.accounts.roles import ROLES
from shouhu.accounts.scope import scope_of

STATIC_HELP = Path(settings.BASE_DIR) / "shouhu" / "static" / "help"


@dataclass(frozen=True)
class Shot:
    """A picture of `path` as the role's demo user sees it on a phone (390 px). `{child}` in the
    path is a child the user sees (the first of their list); `focus` scrolls to an element first."""
    name: str
    path: str
    focus: str = ""


@dataclass(frozen=True)
class Task:
    title: str
    steps: tuple[str, ...]
    shot: Shot | None = None
    note: str = ""


@dataclass(frozen=True)
class RoleHelp:
    role: str
    user: str  # the demo account whose pages the pictures show
    intro: str
    tasks: tuple[Task, ...] = field(default_factory=tuple)

    @property
    def label(self) -> str:
        return ROLES[self.role].label


T = Task
COMMON_ALERT = T("签收和处置预警", (
    "首页“预警”卡片或菜单“预警”里，红色最紧急，排在最前面。",
    "点开一条预警，看清触发情况（比如“8岁以下无人照看”）。",
    "点“签收”，表示您已经知道、正在处理。签收有时限，超时会自动交给上一级。",
    "处理完后点“记录处置”，选择采取的措施并写几句说明；情况已经不存在的，点“关闭”并写明原因。",
), Shot("alerts", "/protection/alerts/"))

HELP = {h.role: h for h in [
    RoleHelp("county_admin", "admin", "您负责全县：看各乡镇的工作进度，管理账号和全县的规则，安排督查，查看领导驾驶舱。", (
        T("看各乡镇的工作进度", (
            "登录后首页的“各乡镇（街道）工作进度”表，每个乡镇一行。",
            "依次是：上月月报是否已报、待整改的督查问题、还没人签收的预警、走访逾期、疑似重复档案。",
            "数字是红色的要先催办。点数字，打开的就是这个乡镇的那份名单。",
            "表里显示“—”表示没有待办；整列都没有待办时，这一列不显示。",
        ), Shot("home", "/", "#home-progress-421088")),
        T("新增账号、分配角色", (
            "菜单“管理”→“用户”，点“新增用户”。",
            "填姓名、用户名、手机号，选择角色（如儿童主任）和负责的村或学校，保存。",
            "把初始密码告诉本人；第一次登录时系统会要求改密码。",
            "有人离岗，在用户页面点“停用”，他就不能再登录，已填的记录都保留。",
        ), Shot("users", "/users/")),
        T("设置全县的规则", (
            "菜单“管理”→“设置”：父母外出多长时间算留守（默认 6 个月）等全县统一的规则。",
            "菜单“管理”→“走访规则”：各类儿童多少天走访一次。改动保存后，全县的走访到期日会在后台重新计算。",
            "改规则前请先和相关科室商量好：改动会影响所有乡镇的统计。",
        ), Shot("settings", "/children/settings/")),
        T("看领导驾驶舱和月度简报", (
            "首页上方点“领导驾驶舱”，或菜单“督查考核”→“领导驾驶舱”。",
            "图上的每一根柱子都能点开，看到它背后的名单。",
            "需要打印给领导的，在驾驶舱页点“月度简报”，用浏览器打印成一页纸。",
        ), Shot("dashboard", "/dashboard/")),
        T("安排督查、复核整改", (
            "菜单“督查考核”→“督查整改”。",
            "点“新建督查”，选乡镇和村，随机抽取要实地核查的儿童。",
            "乡镇、村提交整改后，问题进入“待复核”；看过佐证材料后点“通过”或“退回”（退回要写明原因）。",
        ), Shot("supervision", "/supervision/")),
    )),
    RoleHelp("township_supervisor", "dudao", "您负责一个乡镇：看各村的进度，按时上报月报，处理疑似重复档案、预警和保护个案，复核村里的整改。", (
        T("看各村的工作进度", (
            "首页的“各村（社区）工作进度”表，每个村一行。",
            "点红色的数字，打开那个村的名单，联系儿童主任办理。",
        ), Shot("home", "/", "#home-progress-421088109")),
        T("上报月报", (
            "每月初，首页“今天要办”会提醒上月的月报待上报和截止日期。",
            "点进去（或菜单“月报”），核对各村的数字。数字不对，先请村里改正儿童档案，月报会自动更新。",
            "核对无误后点“上报”。上报后数字就固定了；确需修改，请县里退回。",
        ), Shot("report", "/reports/")),
        T("处理疑似重复的档案", (
            "菜单“数据质量”→“疑似重复”，或首页“今天要办”里的提醒。",
            "点开一对，左右对比两份档案。",
            "确实是同一个孩子：选择保留哪一份，点“合并”。合并后 30 天内可以撤销。",
            "不是同一个人（比如双胞胎）：点“不是同一人”，写明理由，以后不再提示。",
        ), Shot("duplicates", "/quality/duplicates/")),
        COMMON_ALERT,
        T("办理保护个案", (
            "菜单“保护个案”，列出本乡镇在办的个案，逾期的排在前面。",
            "点开个案，页面上方写着下一步该做什么（确认安全、评估、制定帮扶计划……）。",
            "帮扶计划和结案要由另一个人审批，不能自己批自己的。",
        ), Shot("cases", "/protection/cases/")),
    )),
    RoleHelp("village_director", "zhuren", "您是村（社区）的儿童主任：登记和更新儿童档案，按时走访和做亲情联系，处理预警，改正数据问题。", (
        T("登记一名儿童", (
            "首页点“＋ 登记儿童”。",
            "先填身份证号：性别和出生日期会自动填好，不用再选。",
            "填父母的情况。父母外出打工的，要填外出时间——外出满县里规定的月数（默认 6 个月）才算留守儿童。",
            "父母都不在家的，要填委托照护人，并上传签好的委托照护协议。",
            "点“保存”。有没填对的地方，红字会直接写在那一栏下面。",
        ), Shot("register", "/children/new/")),
        T("看我的待办、去走访", (
            "菜单“我的待办”：到期和逾期的走访、亲情联系都在这里，逾期的是红色。",
            "点一个孩子，再点“记录走访”。",
            "填走访日期、方式、见到了谁、孩子的情况；发现安全隐患的要勾选，系统会自动提醒上级。",
            "可以拍照上传；点“保存”。",
        ), Shot("tasks", "/care/tasks/")),
        T("填写走访记录", (
            "走访表里带“*”的必须填。",
            "勾选了“发现的问题”后，下面会出现需要说明的地方。",
            "在没有网络的地方，先写在纸上，回来后补录，走访日期填实际去的那天。",
        ), Shot("visit", "/care/visits/new/{child}/")),
        COMMON_ALERT,
        T("改正数据问题", (
            "菜单“数据质量”，列出本村档案里缺的、填错的地方。",
            "点一条问题，打开档案改正后保存，问题会自动消失。",
            "确实不是错误（比如法律规定的例外），点“说明并关闭”，写明理由。",
        ), Shot("quality", "/quality/")),
    )),
    RoleHelp("school_staff", "xiaozhang", "您是学校的业务人员：上传学籍名册，核对人籍一致，登记考勤，处理控辍保学，也要完成分给学校的走访。", (
        T("上传学籍名册、核对人籍一致", (
            "菜单“学籍核对”，先下载名册模板。",
            "把学籍系统导出的名单按模板整理好，点“上传学籍名册”。",
            "上传后看两份名单：“学籍在册但未建档”和“建档在本校但名册中没有”，逐个核实。",
        ), Shot("roster", "/schooling/")),
        T("登记考勤", (
            "菜单“考勤”，选班级和日期（默认今天）。",
            "把缺勤的学生勾出来，选原因，点“保存”。连续缺勤会自动提醒疑似辍学。",
        ), Shot("absences", "/schooling/absences/")),
        T("控辍保学", (
            "菜单“控辍保学”，列出本校的疑似辍学学生，最快到期的在前。",
            "点开一个，按页面提示一步步做：劝返、书面上报、复学后跟踪回访。",
        ), Shot("dropout", "/schooling/dropout/")),
    )),
    RoleHelp("head_teacher", "banzhuren", "您是班主任：每天登记本班考勤，关注本班留守和困境儿童，完成分给您的走访。", (
        T("登记本班考勤", (
            "菜单“考勤”，日期默认今天。",
            "勾出缺勤的学生，选原因（病假、事假、不明原因），点“保存”。",
            "不明原因缺勤要当天联系家长。",
        ), Shot("absences", "/schooling/absences/")),
        T("完成走访和亲情联系", (
            "菜单“我的待办”，列出本班到期的走访和亲情联系。",
            "点孩子的名字，再点“记录走访”，填好后保存。",
        ), Shot("tasks", "/care/tasks/")),
        T("看本班的儿童", (
            "首页是本班的底数：留守、困境儿童各多少人。",
            "点数字打开名单，点名字看档案。",
        ), Shot("home", "/")),
    )),
    RoleHelp("counsellor", "xinli", "您是学校的心理辅导员：记录心理辅导，只有心理辅导员能看到这些记录。", (
        T("记录一次心理辅导", (
            "菜单“关爱帮扶”→“心理辅导”，或在孩子的档案页点“心理辅导”。",
            "填日期、辅导的情况和评估；评估为高风险的，系统会提醒学校和乡镇。",
            "点“保存”。这份记录只有心理辅导员能看到，班主任和其他人看不到内容。",
        ), Shot("counselling", "/care/counselling/")),
        T("看我的待办", (
            "菜单“我的待办”，列出到期需要跟进的孩子。",
        ), Shot("tasks", "/care/tasks/")),
    )),
    RoleHelp("helper", "zhiyuanzhe", "您是帮扶人（志愿者）：只能看到和您结对的孩子，定期走访或联系，帮孩子实现微心愿。", (
        T("看我结对的孩子", (
            "登录后首页就是“我的结对儿童”。",
            "点孩子的名字，看基本情况和上次走访的时间。您看不到身份证号等信息，这是为了保护孩子。",
        ), Shot("home", "/")),
        T("记录走访", (
            "菜单“我的待办”，到期的走访在最前面。",
            "点孩子，再点“记录走访”，填写见到孩子的情况，点“保存”。",
            "发现孩子有危险，马上打电话给村儿童主任，并在走访记录里勾选。",
        ), Shot("tasks", "/care/tasks/")),
        T("认领微心愿", (
            "菜单“关爱帮扶”→“微心愿”，看孩子们的心愿。",
            "点“认领”；心愿送到后点“已实现”。",
        ), Shot("wishes", "/care/wishes/")),
    )),
    RoleHelp("inspector", "ducha", "您是督查组：到乡镇、村实地抽查，登记问题，复核整改，看考核得分。", (
        T("安排督查、实地抽查", (
            "菜单“督查考核”→“督查整改”，点“新建督查”。",
            "选乡镇和村，系统随机抽取要核查的儿童（抽取记录可复查）。",
            "到现场逐个核对：答“否”的项目会自动登记为这个村的督查问题。",
        ), Shot("supervision", "/supervision/")),
        T("复核整改", (
            "在“督查整改”里选“待复核”。",
            "看村、乡镇上传的佐证材料，点“通过”，或点“退回”并写明原因。",
        ), Shot("findings", "/supervision/?state=answered")),
        T("看考核得分", (
            "菜单“督查考核”→“考核”，各乡镇、学校的得分和各项指标。",
        ), Shot("scoreboard", "/supervision/scoreboard/")),
    )),
    RoleHelp("county_education", "jiaoyu", "您是县教育局：看全县各学校的底数，督促控辍保学，设置考勤和控辍保学的规则。", (
        T("看各学校的底数", (
            "首页是全县各学校的留守、困境儿童人数，点数字看名单。",
        ), Shot("home", "/")),
        T("督促控辍保学", (
            "菜单“控辍保学”，列出全县疑似辍学的学生，逾期的是红色。",
            "点开一个，看学校和乡镇做到了哪一步，需要时督促。",
        ), Shot("dropout", "/schooling/dropout/")),
        T("设置控辍保学规则", (
            "在控辍保学页面点“设置”：每一步的时限、节假日和调休。",
        ), Shot("dropout-settings", "/schooling/dropout/settings/")),
    )),
    RoleHelp("protection", "baohu", "您是县未成年人救助保护机构：处理预警，受理强制报告，办理保护个案，参加联席会议。", (
        COMMON_ALERT,
        T("受理强制报告", (
            "菜单“强制报告”，待受理的排在前面。",
            "点开，填写报案时间、接报的公安机关和回执号，点“受理”。",
            "处理后记得“向报告人反馈”。",
        ), Shot("reports", "/protection/reports/")),
        T("办理保护个案", (
            "菜单“保护个案”，按页面提示一步步办理：确认安全、安置、评估、帮扶计划、结案、回访。",
        ), Shot("cases", "/protection/cases/")),
        T("联席会议", (
            "菜单“联席会议”，记录会议和议定事项，每个事项写明责任单位、责任人和时限。",
        ), Shot("meetings", "/protection/meetings/")),
    )),
    RoleHelp("county_partner", "fulian", "您是县级协作部门（如妇联、团委）：只看统计数字，不看孩子的名字；人数很少的格子会隐藏，以免认出具体的家庭。", (
        T("看全县的统计", (
            "首页是全县各乡镇的留守、困境儿童人数。",
            "人数少于 5 的显示为“<5”，这是为了保护孩子。",
        ), Shot("home", "/")),
        T("看领导驾驶舱和月度简报", (
            "首页上方点“领导驾驶舱”，看各乡镇的图表。",
            "在驾驶舱页点“月度简报”，可以打印。",
        ), Shot("dashboard", "/dashboard/")),
    )),
]}


def shot_url(role: str, shot: Shot) -> str:
    """The picture's URL, or "" while `make screens` has not made it yet."""
    return static(f"help/{role}/{shot.name}.png") if (STATIC_HELP / role / f"{shot.name}.png").exists() else ""


def _roles_of(user) -> list[str]:
    seen = []
    for a in scope_of(user).assignments:
        if a.role in HELP and a.role not in seen:
            seen.append(a.role)
    return seen


@requires("signed_in")
def help_index(request):
    """The user's own role's page (one role), or the list of their roles' pages."""
    mine = _roles_of(request.user)
    if len(mine) == 1:
        return redirect("help_role", role=mine[0])
    return render(request, "help/index.html", {"mine": [HELP[r] for r in mine], "all": list(HELP.values())})


@requires("signed_in")
def help_role(request, role: str):
    h = HELP.get(role)
    if h is None:
        raise Http404
    tasks = [(t, shot_url(role, t.shot) if t.shot else "") for t in h.tasks]
    return render(request, "help/role.html", {"h": h, "tasks": tasks, "mine": role in _roles_of(request.user),
                                              "others": [x for x in HELP.values() if x.role != role]})
