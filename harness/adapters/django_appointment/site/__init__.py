"""The minimal Django project that serves django-appointment for the harness.

These files run inside the app's own virtualenv (Django, django-appointment, gunicorn), never
in the harness's: the stack copies this folder next to its logs as the package `booking_site`.
Every setting that differs per run comes from the environment the stack gives gunicorn.
"""
