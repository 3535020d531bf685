"""The trainer's authoring pages: courses, modules, lessons, quizzes and their item
analysis, trainer-marked tasks and their rubrics, the question bank, images, a preview as
officers see it, and courses as zip files.

Every page is for trainers, and every course page first checks that the course belongs to the
trainer's training unit (`authoring.ensure_can_edit`, a 403 otherwise); modules, items and
questions are then looked up within that course (a 404 for another course's ids). Views are
thin: the services do the work and flush, the view commits once. One module per section.
"""

from courses.authoring.views import (  # noqa: F401 (routes)
    analysis,
    content,
    courses,
    files,
    questions,
    tasks,
)
from courses.authoring.views.blueprint import blueprint

__all__ = ["blueprint"]
