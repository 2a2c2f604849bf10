"""The Capability journey (能力差距): cached data, sections, charts, texts. Imports app, ui and
scoring; never another journey."""
