"""Seed the served project: a superuser for the admin session, one staff member working
09:00-17:00 every day of the week, and two free services she offers. Prints what the target
file needs as one JSON object. Run as `python -m booking_site.seed` inside the app's virtualenv."""

import json
import os
from datetime import time, timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "booking_site.settings")
django.setup()

from appointment.models import Config, Service, StaffMember, WorkingHours  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402  (after django.setup())

OPENS, CLOSES = time(9, 0), time(17, 0)


def main() -> None:
    users = get_user_model()
    admin_email = "admin@example.com"
    admin_password = os.environ["SEED_ADMIN_PASSWORD"]
    # The username is the email: the target file's admin email signs in to /admin/.
    users.objects.create_superuser(admin_email, admin_email, admin_password)
    staff_user = users.objects.create_user("dana", "dana@example.com", first_name="Dana", last_name="Staff")
    standard = Service.objects.create(name="Standard appointment", duration=timedelta(hours=1), price=0)
    consultation = Service.objects.create(name="Consultation", duration=timedelta(minutes=30), price=0)
    staff = StaffMember.objects.create(
        user=staff_user, slot_duration=30, lead_time=OPENS, finish_time=CLOSES, appointment_buffer_time=0
    )
    staff.services_offered.add(standard, consultation)
    for day in range(7):  # 0 is Sunday in the app's numbering
        WorkingHours.objects.create(staff_member=staff, day_of_week=day, start_time=OPENS, end_time=CLOSES)
    config = Config.objects.first() or Config()
    config.slot_duration = 30
    config.lead_time = OPENS
    config.finish_time = CLOSES
    config.appointment_buffer_time = 0
    config.save()
    print(
        json.dumps(
            {
                "admin": {"email": admin_email, "password": admin_password},
                "staffMemberId": str(staff.id),
                "services": {"standard": str(standard.id), "consultation": str(consultation.id)},
                "serviceMinutes": {str(standard.id): 60, str(consultation.id): 30},
                "workingHours": {"opens": OPENS.isoformat("minutes"), "closes": CLOSES.isoformat("minutes")},
            }
        )
    )


if __name__ == "__main__":
    main()
