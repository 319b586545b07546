"""The app's routes, one APIRouter per concern; `app.main.create_app` includes them all."""
