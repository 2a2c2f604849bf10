"""The Objectives page (目标管理): tracking, editing and cascading objectives."""
