"""UI texts of the shell: sign-in and access, and the access log (merged into the one
catalog of dashboard/ui/i18n.py)."""

TEXTS: dict[str, dict[str, str]] = {
    "spinner_dataset": {
        "en": "Opening the dataset (the first time: checking every row and preparing it)…",
        "zh": "正在打开数据集（首次打开时会检查每一行并做好准备）…",
    },
    "spinner_kpis": {"en": "Computing KPIs per agent…", "zh": "正在计算每位坐席的指标…"},
    "spinner_case_mix": {"en": "Adjusting for case mix…", "zh": "正在按工单结构调整…"},
    "spinner_halves": {
        "en": "Splitting the customers into halves…",
        "zh": "正在把客户随机分成两半…",
    },
    "spinner_skills": {"en": "Comparing agents skill by skill…", "zh": "正在逐项技能比较坐席…"},
    "spinner_training": {"en": "Measuring training effects…", "zh": "正在测算培训效果…"},
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
    "dataset": {"en": "Dataset", "zh": "数据集"},
    "dataset_kind_sample": {"en": "Bundled sample", "zh": "内置示例数据"},
    "dataset_kind_configured": {"en": "Folder: {name}", "zh": "数据文件夹：{name}"},
    "dataset_kind_imported": {"en": "Imported: {name}", "zh": "已导入：{name}"},
    "dataset_unknown": {
        "en": "The link names a dataset that is not here (any more); the default one is open.",
        "zh": "链接中的数据集不存在（或已删除），已打开默认数据集。",
    },
    "role_leadership": {"en": "Leadership", "zh": "管理层"},
    "role_supervisor": {"en": "Supervisor", "zh": "主管"},
    "role_trainer": {"en": "Trainer", "zh": "培训师"},
    "role_agent": {"en": "Agent", "zh": "坐席"},
    "role_analyst": {"en": "Analyst", "zh": "数据分析员"},
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
    "access_log_view_not_recorded": {
        "en": "This page view could not be recorded in the access log.",
        "zh": "本次页面访问未能记入访问日志。",
    },
    "access_log_download_not_recorded": {
        "en": "The last download could not be recorded in the access log.",
        "zh": "上一次下载未能记入访问日志。",
    },
    # What saved state says on the page (dashboard/app/saved_state.py)
    "state_what_actions": {"en": "Improvement actions", "zh": "改进措施"},
    "state_what_scenarios": {"en": "Saved scenarios", "zh": "已保存的方案"},
    "state_what_access_log": {"en": "Access log", "zh": "访问日志"},
    "state_repaired": {
        "en": "{what}: the file was damaged ({reason}). It was moved aside to {moved_to}, and "
        "the {count} record(s) that could still be read in it were copied into a new file, "
        "{path}. Anything not copied is still in the moved file.",
        "zh": "{what}：文件已损坏（{reason}），已移至 {moved_to}；其中仍可读取的 {count} "
        "条记录已复制到新文件 {path}。未能复制的内容仍保留在移走的文件中。",
    },
    "state_missing": {
        "en": "{what}: the file {path} was gone, so a new, empty one was started.",
        "zh": "{what}：文件 {path} 已不存在，已新建一个空文件。",
    },
    "state_read_only": {
        "en": "{what}: cannot be read or saved now, because the state folder {folder} cannot "
        "be written (it is read-only, or not a folder). Nothing was changed and nothing saved "
        "before is lost; ask the administrator to make the folder writable.",
        "zh": "{what}：目前无法读取或保存，因为状态文件夹 {folder} 无法写入（只读或不是文件夹）。"
        "未做任何更改，之前保存的内容不会丢失；请联系管理员将该文件夹设为可写。",
    },
    "state_disk_full": {
        "en": "{what}: not saved, because the disk holding the state folder {folder} is full. "
        "Nothing was changed and nothing saved before is lost; free some space and try again.",
        "zh": "{what}：未能保存，因为状态文件夹 {folder} 所在的磁盘已满。"
        "未做任何更改，之前保存的内容不会丢失；请释放空间后重试。",
    },
    "state_busy": {
        "en": "{what}: another session has been writing for a long time, so this was not done. "
        "Nothing was changed; try again in a moment.",
        "zh": "{what}：另一会话长时间占用写入，本次操作未执行，未做任何更改；请稍后重试。",
    },
    "state_io_error": {
        "en": "{what}: the file could not be read or written ({detail}). Nothing was changed "
        "and nothing saved before is lost.",
        "zh": "{what}：文件无法读取或写入（{detail}）。未做任何更改，之前保存的内容不会丢失。",
    },
    # What of a link was not used as it stood (dashboard.app.state.Notice codes)
    "link_too_long": {
        "en": "A value of “{name}” in the link is longer than {limit} characters and was not used.",
        "zh": "链接中“{name}”的值超过 {limit} 个字符，未被采用。",
    },
    "link_too_many": {
        "en": "The link names {count:,} values of “{name}”: only the first {limit} are used.",
        "zh": "链接中“{name}”有 {count:,} 个值，仅采用前 {limit} 个。",
    },
    "link_bad_date": {
        "en": "The link's “{name}” date is not a date (YYYY-MM-DD) and was not used.",
        "zh": "链接中的“{name}”日期格式无效（应为 YYYY-MM-DD），未被采用。",
    },
    "link_dates_swapped": {
        "en": "The link's end date was before its start date: the two were swapped.",
        "zh": "链接中的结束日期早于开始日期，已互换。",
    },
    "link_dates_clamped": {
        "en": "The period was moved inside the days with data, {first} to {last}.",
        "zh": "所选周期超出数据范围，已调整到有数据的日期（{first} 至 {last}）内。",
    },
    "link_unknown_values": {
        "en": "{filter}: {count:,} value(s) of the link are not in this data (or not yours "
        "to see) and were not used.",
        "zh": "{filter}：链接中有 {count:,} 个值不在当前数据中（或无权查看），未被采用。",
    },
    "link_lab_refused": {
        "en": "The link's What-if setting “{name}” is outside what the lab accepts and was "
        "not used: the baseline's applies.",
        "zh": "链接中的权重模拟设置“{name}”超出允许范围，未被采用，按基准方案计算。",
    },
}
