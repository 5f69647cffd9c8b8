"""What is due: "my tasks", the maintained rows behind them (`CareStatus`, `VisitDue`, and the
care month's marks), the county's visit rules and settings, and the refresh that rewrites the
maintained rows from the records."""
