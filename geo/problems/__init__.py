"""Problems to coordinate (问题清单): a report's 存在问题 tracked to its close, and the overdue rule."""
