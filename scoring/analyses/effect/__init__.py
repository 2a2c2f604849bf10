"""Did it work? (效果评估): a change judged per KPI against untreated teams, and the people
side — attrition and employee satisfaction — before and after it.

`design` holds the change, the windows, the control choice and the estimates; `people`
attrition and employee satisfaction. See docs/METHODS.md, "Evaluating a change (效果评估)".
"""
