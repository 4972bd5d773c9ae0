"""Reference data shipped with the app: Indonesian regions and the skills vocabulary."""
