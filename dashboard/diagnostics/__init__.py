"""The Diagnostics journey (诊断): cached data, sections, actions, charts, texts. Imports app, ui
and scoring; never another journey."""
