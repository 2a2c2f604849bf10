"""UI texts of access control (merged into the one catalog of dashboard/i18n.py)."""

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
}
