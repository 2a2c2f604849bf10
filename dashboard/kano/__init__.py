"""The Customer expectations journey (客户期望): cached data, sections, charts, texts and the
questionnaire template. Imports app, ui and scoring; never another journey."""
