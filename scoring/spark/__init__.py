"""The build on Apache Spark (issue 23, "beyond one machine"): the pre-aggregated KPI tables
of `scoring.measures.cube` computed by Spark, for data too large for one machine. Needs
PySpark and Java (requirements-spark.txt); nothing else imports this package."""
