"""Pages of the staffing app: the employee's pages, the supervisor's, the scoring pages."""
