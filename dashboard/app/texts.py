"""UI texts of the shell: sign-in and access, and the access log (merged into the one
catalog of dashboard/ui/i18n.py)."""

TEXTS: dict[str, dict[str, str]] = {
    "access_file_error": {
        "en": "The access file {path} cannot be used, so nobody is let in until it is fixed:",
        "zh": "权限文件 {path} 无法使用，修正之前任何人都不能访问：",
    },
    "access_denied": {
        "en": "You are signed in as “{user}”, who is not listed in the access file. Ask the "
        "dashboard's administrator for access.",
        "zh": "您当前的登录身份“{user}”不在权限名单中，请联系看板管理员开通权限。",
    },
    "access_anonymous": {
        "en": "This dashboard shows data by role, and this session is not signed in. Sign in "
        "(or open the dashboard through your organisation's sign-in) to continue.",
        "zh": "本看板按角色显示数据，当前会话未登录。"
        "请先登录（或通过单位的统一登录入口打开看板）。",
    },
    "access_sign_in": {"en": "Sign in", "zh": "登录"},
    "access_sign_out": {"en": "Sign out", "zh": "退出登录"},
    "access_signed_in": {
        "en": "{user} · {role}",
        "zh": "{user} · {role}",
    },
    "access_teams": {
        "en": "Teams you may see: {teams}",
        "zh": "可查看的班组：{teams}",
    },
    "access_nothing_here": {
        "en": "You may see {who}, which this dataset does not contain, so there is nothing to "
        "show. Ask the dashboard's administrator to check the access file.",
        "zh": "您的权限范围（{who}）不在当前数据集中，因此没有可显示的数据。"
        "请联系看板管理员核对权限文件。",
    },
    "role_leadership": {"en": "Leadership", "zh": "管理层"},
    "role_supervisor": {"en": "Supervisor", "zh": "主管"},
    "role_trainer": {"en": "Trainer", "zh": "培训师"},
    "role_agent": {"en": "Agent", "zh": "坐席"},
    "page_access_log": {"en": "Access log", "zh": "访问日志"},
    "access_log_intro": {
        "en": "Who opened which page with which filters, and what they downloaded, newest "
        "first. The log is append-only: nobody can change or remove an entry. An empty user "
        "means open access (no access file, nobody signed in).",
        "zh": "谁在何时以何种筛选条件打开了哪个页面、下载了哪些文件，最新的在前。"
        "日志只能追加：任何人都无法修改或删除记录。用户为空表示开放访问（未配置权限文件，无人登录）。",
    },
    "access_log_user": {"en": "User", "zh": "用户"},
    "access_log_page": {"en": "Page", "zh": "页面"},
    "access_log_dates": {"en": "Dates (UTC)", "zh": "日期（UTC）"},
    "access_log_time": {"en": "Time (UTC)", "zh": "时间（UTC）"},
    "access_log_role": {"en": "Role", "zh": "角色"},
    "access_log_query": {"en": "Filters (address)", "zh": "筛选条件（地址参数）"},
    "access_log_file": {"en": "Downloaded file", "zh": "下载的文件"},
    "access_log_open_access": {"en": "(open access)", "zh": "（开放访问）"},
    "access_log_none": {
        "en": "No entries match these filters.",
        "zh": "没有符合筛选条件的记录。",
    },
    "access_log_limited": {
        "en": "Only the newest {limit:,} entries are shown: narrow the filters to see older ones.",
        "zh": "仅显示最新的 {limit:,} 条记录，请缩小筛选范围以查看更早的记录。",
    },
    "access_log_store_warning": {
        "en": "The access log file could not be read; it was moved aside and a new log was "
        "started:",
        "zh": "访问日志文件无法读取，已移至别处并新建了日志：",
    },
}
