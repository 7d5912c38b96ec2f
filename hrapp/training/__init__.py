"""Training: the course catalogue, training sessions, attendance (hours, exam results,
certificates), the attendance import, expiring certificates and their reminder job.

Owns: Course, TrainingSession, Attendance (tables courses, training_sessions, attendances).
Depends on: core, auth, org, officers (and notifications for reminders). Never imports
certification: which courses are mandatory for which tier is a tier rule that certification owns
and registers through `hooks.register_course_tiers`; pages keep their /certification URLs.
"""
