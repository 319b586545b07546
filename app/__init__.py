"""Lernmi Playground's web app: FastAPI around the engine."""
