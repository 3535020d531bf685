"""Course events other features react to, inside the same transaction.

Courses never import the packages that listen (competencies, certificates): they connect here.
Receivers flush, never commit, so what they write commits or rolls back with the event.
"""

from blinker import Namespace

_signals = Namespace()

# sender: the graded Attempt
attempt_graded = _signals.signal("attempt-graded")
# sender: the CourseEnrolment that just became complete
course_completed = _signals.signal("course-completed")
