"""Pages of the meetings feature."""

from flask import Blueprint

bp = Blueprint("meetings", __name__)
