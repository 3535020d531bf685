"""Worker and beat entry: `celery -A tasks.worker worker` / `celery -A tasks.worker beat`."""

from lms import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
