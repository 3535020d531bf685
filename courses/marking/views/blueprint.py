from flask import Blueprint

blueprint = Blueprint("marking", __name__, template_folder="../templates")
