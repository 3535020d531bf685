"""In-app notifications for users (reminders and the like), and their count in the header."""
