"""The Targets journey (目标值设定): cached data, sections, charts, texts. Imports app, ui and
scoring; never another journey."""
