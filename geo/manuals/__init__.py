"""The two 推进手册 (working manuals) the city works from: key tasks by category, major projects by district."""
