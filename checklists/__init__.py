"""The pre-production checklist, executable: automated checks against a target, people's
sign-offs, and a go / no-go readiness report (`python -m checklists run`)."""
