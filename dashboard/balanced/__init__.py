"""The Balanced scorecard page (平衡计分卡): data, sections, charts and texts."""
