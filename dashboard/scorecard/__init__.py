"""The Scorecard journey (绩效排名): sections, the score breakdown, texts. Imports app, ui and
scoring; never another journey."""
