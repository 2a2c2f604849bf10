"""The Did it work? page (效果评估)."""
