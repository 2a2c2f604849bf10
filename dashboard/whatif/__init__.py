"""The What-if lab journey (权重模拟): cached data, the lab, results, scenarios, charts, texts.
Imports app, ui and scoring; never another journey."""
