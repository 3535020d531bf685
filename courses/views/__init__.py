"""The pages of the courses feature, one blueprint per audience."""
