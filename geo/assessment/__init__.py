"""考核: the monthly and quarterly assessment of districts and lead departments (criteria, scores, league)."""
