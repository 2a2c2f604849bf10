"""UI texts of the access log page (merged into the one catalog of dashboard/i18n.py)."""

TEXTS: dict[str, dict[str, str]] = {
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
