"""The key tasks (重点任务): departments, the task register, monthly task reports, evidence documents."""
